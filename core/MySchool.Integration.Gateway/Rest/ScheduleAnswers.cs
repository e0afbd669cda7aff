using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using MySchool.Integration.Core.Federal;

namespace MySchool.Integration.Gateway.Rest;

/// <summary>
/// /Schedule's answers as contracts/federal-schedule.md shapes them, kept in memory and served again while PostgreSQL
/// has signalled no change to their schools or their student since they were read (<see cref="ScheduleSignals"/>).
/// The federal platform asks for the week a student has open each time the diary is opened; most asks repeat one.
/// </summary>
/// <remarks>
/// lastUpdated is kept apart, per region: every run that succeeds in a region moves it for all the region's students,
/// and runs end all day, so a region's newest run is read again once after each, not every student's answer. Not-found
/// answers are not kept. The cache is bounded by <c>Federal:ScheduleCacheMegabytes</c> (0 turns it off).
/// </remarks>
public sealed class ScheduleAnswers(ScheduleReader reader, ScheduleSignals signals, IConfiguration configuration) : IDisposable
{
    private const string ContentType = "application/fhir+json; charset=utf-8";

    private readonly MemoryCache? _answers = configuration.GetValue("Federal:ScheduleCacheMegabytes", 64) is > 0 and var megabytes
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = megabytes * 1024L * 1024 })
        : null;

    private readonly ConcurrentDictionary<string, RegionRun> _regionRuns = new(StringComparer.Ordinal);

    /// <summary>The answer for <paramref name="esiaId"/> over the range, or null when no person carries the oid.</summary>
    /// <param name="id">The oid as the caller wrote it, which the answer repeats.</param>
    public async Task<IResult?> ReadAsync(long esiaId, string id, DateOnly start, DateOnly end, CancellationToken cancellationToken)
    {
        var key = (esiaId, start, end);
        if (_answers?.Get(key) is Answer kept && signals.Unchanged(kept.Mark, kept.Keys) && LastUpdated(kept) is var (fresh, lastUpdated) && fresh)
        {
            return Compose(id, lastUpdated, kept.Schools);
        }

        var mark = signals.Mark;
        if (await reader.ReadAsync(esiaId, start, end, cancellationToken) is not { } schedule)
        {
            return null;
        }

        var answer = new Answer(
            mark ?? 0,
            [ScheduleSignals.Person(schedule.StudentId), .. schedule.Schools.Select(school => ScheduleSignals.School(school.Id))],
            [.. schedule.RegionRuns.Keys],
            schedule.Zone,
            JsonSerializer.SerializeToUtf8Bytes(Schools(schedule, start, end), FederalRestApi.Json));
        if (mark is { } readAt && _answers is not null)
        {
            _answers.Set(key, answer, new MemoryCacheEntryOptions { Size = answer.Schools.Length + 256 });
            foreach (var (region, finished) in schedule.RegionRuns)
            {
                _regionRuns.AddOrUpdate(region, _ => new RegionRun(readAt, [ScheduleSignals.Region(region)], finished),
                    (_, known) => known.Mark >= readAt ? known : known with { Mark = readAt, Finished = finished });
            }
        }

        return Compose(id, schedule.LastUpdated, answer.Schools);
    }

    public void Dispose() => _answers?.Dispose();

    /// <summary>The answer's lastUpdated from its regions' newest runs, if each is known and unchanged since it was read.</summary>
    private (bool Fresh, DateTimeOffset? LastUpdated) LastUpdated(Answer answer)
    {
        var runs = new DateTime?[answer.Regions.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            if (!_regionRuns.TryGetValue(answer.Regions[i], out var run) || !signals.Unchanged(run.Mark, run.Keys))
            {
                return (false, null);
            }

            runs[i] = run.Finished;
        }

        return (true, StudentSchedule.Newest(runs, answer.Zone));
    }

    private static IResult Compose(string id, DateTimeOffset? lastUpdated, byte[] schools)
    {
        var body = new ArrayBufferWriter<byte>(schools.Length + 128);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", "Schedule");
            json.WriteString("id", id);
            json.WriteStartObject("meta");
            if (lastUpdated is { } at)
            {
                json.WriteString("lastUpdated", at);
            }

            json.WriteEndObject();
            json.WritePropertyName("school");
            json.WriteRawValue(schools, skipInputValidation: true);
            json.WriteEndObject();
        }

        return Results.Bytes(body.WrittenMemory, ContentType);
    }

    private static object Schools(StudentSchedule schedule, DateOnly from, DateOnly to) => schedule.Schools.Select(school => new
    {
        id = school.Id,
        name = school.Name,
        academYear = ShortYear(school.AcademicYear),
        period = new { start = Iso(from), end = Iso(to) },
        // Ours, beside Приложение 5's fields: the holidays in the range, so a day without lessons says why.
        holiday = school.Holidays.Count == 0 ? null : school.Holidays.Select(h => new { name = h.Name, period = new { start = Iso(h.Start), end = Iso(h.End) } }),
        @class = school.Classes.Select(c => new
        {
            @class = $"{c.Grade}{c.Letter.ToLowerInvariant()}",
            grade = c.Grade.ToString(CultureInfo.InvariantCulture),
            lesson = c.Lessons.Select(lesson => new
            {
                id = lesson.Id,
                subject = lesson.Subject,
                topic = lesson.Topic,
                homework = lesson.Homework,
                period = new { start = lesson.StartsAt, end = lesson.EndsAt },
                classroom = lesson.Room,
                // Ours: the group (a subgroup's half of the class) whose lesson this is; absent for the whole class's.
                group = lesson.Group,
                attendance = lesson.Attendance is null ? null : new { code = lesson.Attendance },
                score = lesson.Marks.Select(mark => new { code = mark.Code, weight = (double)mark.Weight, score = (double?)mark.Value, scoreSystem = "5-балльная" }),
            }),
        }),
    });

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>2023/2024 as the contract writes it: 2023/24.</summary>
    private static string ShortYear(string year) => year.Length == 9 ? $"{year[..5]}{year[7..]}" : year;

    /// <param name="Mark">The signals' mark the answer was read at.</param>
    /// <param name="Keys">What it depends on: its student and schools.</param>
    /// <param name="Schools">The JSON of its schools, the whole answer but its id and lastUpdated.</param>
    private sealed record Answer(long Mark, string[] Keys, string[] Regions, TimeZoneInfo? Zone, byte[] Schools);

    private sealed record RegionRun(long Mark, string[] Keys, DateTime? Finished);
}
