using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// The last line behind the rules pass: when PostgreSQL still refuses a school's write (a case no rule foresaw),
/// the records it refuses are found by halving the set inside savepoints, quarantined with the constraint they
/// break, and the rest of the school is written as usual. One bad record never costs its school.
/// </summary>
public static class RecordIsolation
{
    /// <summary>Writes the snapshot inside the caller's transaction; answers the writer that did it (counts, held, quarantined).</summary>
    public static async Task<(WriteCounts Counts, SchoolWriter Writer)> WriteAsync(NpgsqlConnection connection, WriteTarget target, SchoolSnapshot snapshot, CancellationToken cancellationToken)
    {
        // A school's staged rows are sorted and hashed in memory (its marks take tens of MB), and sampled lightly:
        // their statistics only steer the joins to hash joins. No JIT: a school's statements are short, and a
        // first load's missing statistics can price one high enough to compile it (100–200 ms) for nothing.
        await ExecuteAsync(connection, "SET LOCAL work_mem = '64MB'; SET LOCAL default_statistics_target = 10; SET LOCAL jit = off", cancellationToken);
        var writer = new SchoolWriter(connection, target, cancellationToken);
        var counts = WriteCounts.Zero;
        if (await TryAsync(connection, async () => counts = await writer.WriteAsync(snapshot), cancellationToken) is not { } refusal)
        {
            return (counts, writer);
        }

        var units = Units(snapshot).ToList();
        var offenders = new Dictionary<RecordKey, PostgresException>();
        await FindAsync(connection, target, snapshot, [], units, offenders, cancellationToken);
        if (offenders.Count == 0)
        {
            throw refusal; // not a record's fault (the school as a whole): the school fails with a coded reason
        }

        var kept = Restrict(snapshot, key => !offenders.ContainsKey(key), out var dependents);
        var refused = offenders.Select(o => new QuarantinedRecord(o.Key.Kind, o.Key.Id, units.First(u => u.Key == o.Key).Payload, Refused(o.Value)))
            .Concat(dependents.Select(d => new QuarantinedRecord(d.Kind, d.Id, "{}", DependsOnRefused)));
        writer = new SchoolWriter(connection, target, cancellationToken);
        counts = await writer.WriteAsync(kept with { Quarantine = [.. kept.Quarantine, .. refused] });
        return (counts, writer);
    }

    /// <summary>PostgreSQL's refusals of data (classes 22 and 23, a row touched twice, an index entry too large).</summary>
    public static bool IsRefusal(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal)
        || exception.SqlState is PostgresErrorCodes.CardinalityViolation or PostgresErrorCodes.ProgramLimitExceeded;

    private static readonly Rejection DependsOnRefused = new("store.depends-on-refused", "Запись относится к записи, которую не приняла база данных, и отложена вместе с ней");

    private static Rejection Refused(PostgresException exception) => new("store.refused",
        $"База данных не приняла запись (правило «{exception.ConstraintName ?? exception.SqlState}»): запись отложена до исправления в источнике");

    /// <summary>
    /// Delta debugging with a growing base: a chunk that writes together with what was accepted so far is accepted;
    /// one that does not is halved until the single records that cannot be written are found.
    /// </summary>
    private static async Task FindAsync(NpgsqlConnection connection, WriteTarget target, SchoolSnapshot snapshot, HashSet<RecordKey> accepted,
        List<Unit> chunk, Dictionary<RecordKey, PostgresException> offenders, CancellationToken cancellationToken)
    {
        var trial = accepted.Concat(chunk.Select(u => u.Key)).ToHashSet();
        var probe = Restrict(snapshot, trial.Contains, out _);
        // A probe only adds and updates (no roster endings, no journal deletions) and is always rolled back.
        probe = probe with { Complete = RosterParts.None, Journal = probe.Journal is { } journal ? journal with { IsDelta = true, DeletedMarks = [] } : null };
        var refusal = await TryAsync(connection, () => new SchoolWriter(connection, target, cancellationToken).WriteAsync(probe), cancellationToken, keep: false);
        if (refusal is null)
        {
            accepted.UnionWith(chunk.Select(u => u.Key));
        }
        else if (chunk.Count == 1)
        {
            offenders[chunk[0].Key] = refusal;
        }
        else
        {
            await FindAsync(connection, target, snapshot, accepted, chunk[..(chunk.Count / 2)], offenders, cancellationToken);
            await FindAsync(connection, target, snapshot, accepted, chunk[(chunk.Count / 2)..], offenders, cancellationToken);
        }
    }

    /// <summary>Runs a write inside a savepoint: kept when it succeeds (unless <paramref name="keep"/> is false), undone when PostgreSQL refuses it.</summary>
    private static async Task<PostgresException?> TryAsync(NpgsqlConnection connection, Func<Task> write, CancellationToken cancellationToken, bool keep = true)
    {
        await ExecuteAsync(connection, "SAVEPOINT record_isolation", cancellationToken);
        PostgresException? refusal = null;
        try
        {
            await write();
        }
        catch (PostgresException exception) when (IsRefusal(exception))
        {
            refusal = exception;
        }

        await ExecuteAsync(connection, refusal is null && keep ? "RELEASE SAVEPOINT record_isolation" : "ROLLBACK TO SAVEPOINT record_isolation; RELEASE SAVEPOINT record_isolation", cancellationToken);
        return refusal;
    }

    private sealed record RecordKey(string Kind, string Id);

    private sealed record Unit(RecordKey Key, string Payload);

    private static IEnumerable<Unit> Units(SchoolSnapshot snapshot)
    {
        foreach (var c in snapshot.Classes)
        {
            yield return new Unit(new("class", c.SourceId), JsonSerializer.Serialize(c));
        }

        foreach (var p in snapshot.People)
        {
            yield return new Unit(new(p.Role, p.SourceId), JsonSerializer.Serialize(p with { Snils = null }));
        }

        if (snapshot.Journal is not { } journal)
        {
            yield break;
        }

        foreach (var l in journal.Lessons)
        {
            yield return new Unit(LessonKey(l.ClassSourceId, l.Date, l.Number), JsonSerializer.Serialize(l));
        }

        foreach (var h in journal.Homework)
        {
            yield return new Unit(new("homework", $"{h.ClassSourceId}/{h.Date:yyyy-MM-dd}/{h.Number}/{h.SourceKey}"), JsonSerializer.Serialize(h));
        }

        foreach (var m in journal.Marks)
        {
            yield return new Unit(new("mark", m.SourceKey), m.RawPayload.Text);
        }

        foreach (var a in journal.Attendance)
        {
            yield return new Unit(AttendanceKey(a), JsonSerializer.Serialize(a));
        }

        foreach (var e in journal.Events)
        {
            yield return new Unit(new("event", e.SourceKey), JsonSerializer.Serialize(e));
        }
    }

    private static RecordKey LessonKey(string classId, DateOnly date, int number) => new("lesson", $"{classId}/{date:yyyy-MM-dd}/{number}");

    private static RecordKey AttendanceKey(CheckedAttendance a) => new("attendance", $"{a.StudentSourceId}/{a.ClassSourceId}/{a.Date:yyyy-MM-dd}/{a.Number}");

    /// <summary>
    /// The snapshot with only the records <paramref name="keep"/> admits, kept consistent: what hangs on a dropped
    /// class, student or lesson is dropped too and answered in <paramref name="dependents"/>.
    /// </summary>
    private static SchoolSnapshot Restrict(SchoolSnapshot snapshot, Func<RecordKey, bool> keep, out List<RecordKey> dependents)
    {
        var dropped = new List<RecordKey>();
        bool Keep(RecordKey key, params RecordKey[] dependsOn)
        {
            if (!keep(key))
            {
                return false;
            }

            if (dependsOn.All(keep))
            {
                return true;
            }

            dropped.Add(key);
            return false;
        }

        var classes = snapshot.Classes.Where(c => keep(new("class", c.SourceId))).ToList();
        var enrollments = snapshot.Enrollments.Where(e => Keep(new("student", e.StudentSourceId), new RecordKey("class", e.ClassSourceId))).ToList();
        var students = enrollments.Select(e => e.StudentSourceId).ToHashSet(StringComparer.Ordinal);
        var people = snapshot.People.Where(p => p.Role != "student" ? keep(new(p.Role, p.SourceId)) : students.Contains(p.SourceId)).ToList();
        var guardianships = snapshot.Guardianships.Where(g => keep(new("parent", g.ParentSourceId)) && students.Contains(g.StudentSourceId)).ToList();
        var teachers = snapshot.Teachers.Where(t => keep(new("teacher", t.SourceId))).ToList();
        var journal = snapshot.Journal;
        if (journal is not null)
        {
            var lessons = journal.Lessons.Where(l => Keep(LessonKey(l.ClassSourceId, l.Date, l.Number), new RecordKey("class", l.ClassSourceId))).ToList();
            var lessonKeys = lessons.Select(l => LessonKey(l.ClassSourceId, l.Date, l.Number)).ToHashSet();
            journal = journal with
            {
                Lessons = lessons,
                Homework = [.. journal.Homework.Where(h => keep(new("homework", $"{h.ClassSourceId}/{h.Date:yyyy-MM-dd}/{h.Number}/{h.SourceKey}")) && lessonKeys.Contains(LessonKey(h.ClassSourceId, h.Date, h.Number)))],
                Marks = [.. journal.Marks.Where(m => Keep(new("mark", m.SourceKey), LessonKey(m.ClassSourceId, m.LessonDate, m.LessonNumber)))],
                Attendance = [.. journal.Attendance.Where(a => Keep(AttendanceKey(a), LessonKey(a.ClassSourceId, a.Date, a.Number)))],
                Events = [.. journal.Events.Where(e => Keep(new("event", e.SourceKey), e.ClassSourceId is null ? [] : [new RecordKey("class", e.ClassSourceId)]))],
            };
        }

        dependents = dropped;
        return snapshot with { Classes = classes, People = people, Enrollments = enrollments, Guardianships = guardianships, Teachers = teachers, Journal = journal };
    }
}
