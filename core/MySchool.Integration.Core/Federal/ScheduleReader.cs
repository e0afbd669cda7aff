using System.Text.Json;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Federal;

public sealed record StudentSchedule(DateTimeOffset? LastUpdated, IReadOnlyList<ScheduleSchool> Schools);

public sealed record ScheduleSchool(Guid Id, string Name, string AcademicYear, IReadOnlyList<ScheduleClass> Classes)
{
    /// <summary>The school's holidays and days off that fall in the range: a day without lessons says why.</summary>
    public IReadOnlyList<ScheduleHoliday> Holidays { get; init; } = [];
}

public sealed record ScheduleHoliday(string Name, DateOnly Start, DateOnly End);

public sealed record ScheduleClass(int Grade, string Letter, IReadOnlyList<ScheduleLesson> Lessons);

/// <summary>A lesson as the student saw it; times are in the school's own offset.</summary>
public sealed record ScheduleLesson(
    Guid Id,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Subject,
    string? Topic,
    string? Homework,
    string? Room,
    string? Attendance,
    IReadOnlyList<ScheduleMark> Marks)
{
    /// <summary>The group (a subgroup, a club) whose lesson this is; null for the whole class's.</summary>
    public string? Group { get; init; }
}

public sealed record ScheduleMark(string Code, decimal Weight, decimal? Value);

/// <summary>
/// A student's timetable and journal over a date range, by ESIA oid: the lessons of every class the student was
/// enrolled in on those days, with homework, the student's attendance and marks, and the school's holidays in the range
/// (a school whose class had no lessons in the range, during holidays, is still listed, with them).
/// </summary>
public sealed class ScheduleReader(NpgsqlDataSource dataSource)
{
    /// <summary>Null when no person carries this oid; a student with no lessons in the range has no schools.</summary>
    public async Task<StudentSchedule?> ReadAsync(long esiaOid, DateOnly start, DateOnly end, CancellationToken cancellationToken)
    {
        await using var person = dataSource.CreateCommand("SELECT id FROM person WHERE esia_oid = $1");
        person.Parameters.Add(new NpgsqlParameter { Value = esiaOid });
        return await person.ExecuteScalarAsync(cancellationToken) is Guid studentId ? await ReadAsync(studentId, start, end, cancellationToken) : null;
    }

    /// <param name="region">Only the schools of this region (a vendor's read); null for every school (the federal platform's).</param>
    public async Task<StudentSchedule> ReadAsync(Guid studentId, DateOnly start, DateOnly end, CancellationToken cancellationToken, string? region = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        await using var command = Command(connection, """
            SELECT s.id, s.full_name, y.name, s.time_zone, c.grade, c.letter,
                   l.id, l.starts_at, l.ends_at, sub.name, l.topic, l.room,
                   (SELECT string_agg(h.text, '; ' ORDER BY h.source_key) FROM homework h WHERE h.lesson_id = l.id),
                   (SELECT a.code FROM attendance a WHERE a.lesson_id = l.id AND a.student_id = e.student_id),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('code', m.code, 'weight', m.weight, 'value', m.numeric_value) ORDER BY m.source_key), '[]')
                    FROM mark m WHERE m.lesson_id = l.id AND m.student_id = e.student_id)::text,
                   (SELECT gr.name FROM class_group gr WHERE gr.id = l.group_id)
            FROM enrollment e
            JOIN class c ON c.id = e.class_id
            JOIN grade_level g ON g.id = c.grade_level_id
            JOIN academic_year y ON y.id = g.academic_year_id
            JOIN school s ON s.id = c.school_id
            LEFT JOIN lesson l ON l.class_id = c.id AND l.lesson_date BETWEEN greatest(e.starts_on, $2) AND least(coalesce(e.ends_on, $3), $3)
                -- a subgroup's lesson is its members' only
                AND (l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member gm WHERE gm.group_id = l.group_id AND gm.student_id = e.student_id))
            LEFT JOIN subject sub ON sub.id = l.subject_id
            WHERE e.student_id = $1 AND e.starts_on <= $3 AND (e.ends_on IS NULL OR e.ends_on >= $2)
              AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM school_region sr WHERE sr.school_id = s.id AND sr.code = $4))
            ORDER BY s.id, c.grade, c.letter, l.starts_at, l.number
            """, studentId, start, end, new NpgsqlParameter { Value = (object?)region ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

        var rows = new List<(Guid School, string Name, string Year, TimeZoneInfo Zone, int Grade, string Letter, ScheduleLesson? Lesson)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(3));
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), zone, reader.GetInt16(4), reader.GetString(5), reader.IsDBNull(6) ? null : new ScheduleLesson(
                    reader.GetGuid(6),
                    TimeZoneInfo.ConvertTime(reader.GetFieldValue<DateTimeOffset>(7), zone),
                    TimeZoneInfo.ConvertTime(reader.GetFieldValue<DateTimeOffset>(8), zone),
                    reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10),
                    reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.IsDBNull(11) ? null : reader.GetString(11),
                    reader.IsDBNull(13) ? null : reader.GetString(13),
                    JsonSerializer.Deserialize<List<ScheduleMark>>(reader.GetString(14), JsonOptions)!)
                { Group = reader.IsDBNull(15) ? null : reader.GetString(15) }));
            }
        }

        var holidays = (await ListAsync(connection, """
            SELECT y.school_id, h.name, h.starts_on, h.ends_on FROM holiday h JOIN academic_year y ON y.id = h.academic_year_id
            WHERE y.school_id = ANY($1) AND h.starts_on <= $3 AND h.ends_on >= $2 ORDER BY h.starts_on
            """, r => (School: r.GetGuid(0), Holiday: new ScheduleHoliday(r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3))),
            cancellationToken, rows.Select(r => r.School).Distinct().ToArray(), start, end)).ToLookup(h => h.School, h => h.Holiday);
        var schools = rows.GroupBy(r => (r.School, r.Name, r.Year)).Select(school => new ScheduleSchool(
            school.Key.School, school.Key.Name, school.Key.Year,
            [.. school.GroupBy(r => (r.Grade, r.Letter)).Select(c => new ScheduleClass(c.Key.Grade, c.Key.Letter, [.. c.Select(r => r.Lesson).OfType<ScheduleLesson>()]))])
        { Holidays = [.. holidays[school.Key.School]] }).ToList();
        return new StudentSchedule(await LastUpdatedAsync(connection, studentId, rows.FirstOrDefault().Zone, cancellationToken), schools);
    }

    /// <summary>When the student's schools were last written by a sync or a push that succeeded.</summary>
    private static async Task<DateTimeOffset?> LastUpdatedAsync(NpgsqlConnection connection, Guid studentId, TimeZoneInfo? zone, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            SELECT max(r.finished_at) FROM sync_run r
            WHERE r.status = 'succeeded' AND split_part(r.scope, '/', 1) IN (
                SELECT sr.code FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region sr ON sr.school_id = c.school_id WHERE e.student_id = $1)
            """, studentId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime finished && zone is not null
            ? TimeZoneInfo.ConvertTime(new DateTimeOffset(finished, TimeSpan.Zero), zone)
            : null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
