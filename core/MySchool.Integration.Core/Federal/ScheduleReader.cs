using Npgsql;

namespace MySchool.Integration.Core.Federal;

public sealed record StudentSchedule(IReadOnlyList<ScheduleSchool> Schools)
{
    public Guid StudentId { get; init; }

    /// <summary>Each of the student's regions in the range, with the end of its newest successful run (UTC).</summary>
    public IReadOnlyDictionary<string, DateTime?> RegionRuns { get; init; } = new Dictionary<string, DateTime?>();

    /// <summary>The zone <see cref="LastUpdated"/> is shown in: the first school's; null without schools.</summary>
    public TimeZoneInfo? Zone { get; init; }

    /// <summary>When the student's regions were last written by a run that succeeded, in the first school's offset.</summary>
    public DateTimeOffset? LastUpdated => Newest(RegionRuns.Values, Zone);

    /// <summary>The newest of <paramref name="runs"/> in <paramref name="zone"/>: lastUpdated as the contract shows it.</summary>
    public static DateTimeOffset? Newest(IEnumerable<DateTime?> runs, TimeZoneInfo? zone) =>
        runs.Max() is { } at && zone is not null ? TimeZoneInfo.ConvertTime(new DateTimeOffset(at, TimeSpan.Zero), zone) : null;
}

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
/// enrolled in on those days (of a group's, their own groups' only), with homework, the student's attendance and
/// marks, and the school's holidays in the range (a school whose class had no lessons in the range, during holidays, is
/// still listed, with them).
/// </summary>
/// <remarks>
/// The federal platform calls this for every student who opens a diary, so it is one round trip of four prepared
/// statements (lessons, marks, holidays, freshness), each walking an index from the student; the rows are shaped here.
/// </remarks>
public sealed class ScheduleReader(NpgsqlDataSource dataSource)
{
    private static readonly string[] ByOid = Statements("(SELECT id FROM person WHERE esia_oid = $1)");
    private static readonly string[] ById = Statements("$1::uuid");

    /// <summary>Null when no person carries this oid; a student with no lessons in the range has no schools.</summary>
    public async Task<StudentSchedule?> ReadAsync(long esiaOid, DateOnly start, DateOnly end, CancellationToken cancellationToken) =>
        await ReadAsync(ByOid, esiaOid, start, end, null, cancellationToken);

    /// <param name="region">Only the schools of this region (a vendor's read); null for every school (the federal platform's).</param>
    public async Task<StudentSchedule> ReadAsync(Guid studentId, DateOnly start, DateOnly end, CancellationToken cancellationToken, string? region = null) =>
        await ReadAsync(ById, studentId, start, end, region, cancellationToken) ?? new StudentSchedule([]);

    private async Task<StudentSchedule?> ReadAsync(string[] statements, object student, DateOnly start, DateOnly end, string? region, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = student });
            command.Parameters.Add(new NpgsqlParameter { Value = start });
            command.Parameters.Add(new NpgsqlParameter { Value = end });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)region ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
        }

        // Prepared once per physical connection and kept across the pool's reuse of it.
        await batch.PrepareAsync(cancellationToken);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        Guid? studentId = null;
        var rows = new List<(Guid School, string Name, string Year, TimeZoneInfo Zone, int Grade, string Letter, LessonRow? Lesson)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            studentId = reader.GetGuid(0);
            if (reader.IsDBNull(1))
            {
                continue; // the person, without an enrollment in the range
            }

            var zone = TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(4));
            rows.Add((reader.GetGuid(1), reader.GetString(2), reader.GetString(3), zone, reader.GetInt16(5), reader.GetString(6), reader.IsDBNull(7) ? null : new LessonRow(
                reader.GetGuid(7),
                TimeZoneInfo.ConvertTime(reader.GetFieldValue<DateTimeOffset>(8), zone),
                TimeZoneInfo.ConvertTime(reader.GetFieldValue<DateTimeOffset>(9), zone),
                reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.IsDBNull(15) ? null : reader.GetString(15))));
        }

        await reader.NextResultAsync(cancellationToken);
        var marks = new Dictionary<Guid, List<ScheduleMark>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var lesson = reader.GetGuid(0);
            (marks.TryGetValue(lesson, out var list) ? list : marks[lesson] = []).Add(new ScheduleMark(reader.GetString(1), reader.GetDecimal(2), reader.IsDBNull(3) ? null : reader.GetDecimal(3)));
        }

        await reader.NextResultAsync(cancellationToken);
        var holidays = new List<(Guid School, ScheduleHoliday Holiday)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            holidays.Add((reader.GetGuid(0), new ScheduleHoliday(reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetFieldValue<DateOnly>(3))));
        }

        await reader.NextResultAsync(cancellationToken);
        var regionRuns = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            regionRuns[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTime>(1);
        }

        if (studentId is not { } id)
        {
            return null;
        }

        var holidaysBySchool = holidays.ToLookup(h => h.School, h => h.Holiday);
        var schools = rows.GroupBy(r => (r.School, r.Name, r.Year)).Select(school => new ScheduleSchool(
            school.Key.School, school.Key.Name, school.Key.Year,
            [.. school.GroupBy(r => (r.Grade, r.Letter)).Select(c => new ScheduleClass(c.Key.Grade, c.Key.Letter,
                [.. c.Select(r => r.Lesson).OfType<LessonRow>().Select(l => l.ToLesson(marks.GetValueOrDefault(l.Id) ?? []))]))])
        { Holidays = [.. holidaysBySchool[school.Key.School]] }).ToList();
        return new StudentSchedule(schools) { StudentId = id, RegionRuns = regionRuns, Zone = rows.Count == 0 ? null : rows[0].Zone };
    }

    /// <summary>
    /// The four statements for a student given by <paramref name="student"/> (an expression of $1); $2 and $3 are the
    /// range, $4 a region code or null. Every one starts from the student's enrollments in the range.
    /// </summary>
    private static string[] Statements(string student)
    {
        string Enrolled(string joins) => $"""
            enrollment e JOIN class c ON c.id = e.class_id JOIN school s ON s.id = c.school_id
            {joins}
            WHERE e.student_id = {student} AND e.starts_on <= $3 AND (e.ends_on IS NULL OR e.ends_on >= $2)
              AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM school_region sr WHERE sr.school_id = s.id AND sr.code = $4))
            """;
        // The class's lessons on the student's days in it (the range itself bounds the index scan), their own groups' only.
        var ownLessons = $"""
            l.class_id = c.id AND l.lesson_date BETWEEN $2 AND $3 AND l.lesson_date >= e.starts_on AND (e.ends_on IS NULL OR l.lesson_date <= e.ends_on)
            AND {GroupLessons.OwnedBy("e.student_id")}
            """;
        return [
            $"""
            SELECT p.id, x.* FROM person p LEFT JOIN LATERAL (
                SELECT s.id AS school, s.full_name, y.name AS year, s.time_zone, c.grade, c.letter,
                       l.id AS lesson, l.starts_at, l.ends_at, sub.name AS subject, l.topic, l.room, gr.name AS group_name,
                       (SELECT string_agg(h.text, '; ' ORDER BY h.source_key) FROM homework h WHERE h.lesson_id = l.id) AS homework,
                       (SELECT a.code FROM attendance a WHERE a.student_id = e.student_id AND a.lesson_id = l.id) AS attendance
                FROM {Enrolled($"""
                    JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
                    LEFT JOIN lesson l ON {ownLessons}
                    LEFT JOIN subject sub ON sub.id = l.subject_id LEFT JOIN class_group gr ON gr.id = l.group_id
                    """)}
                ORDER BY s.id, c.grade, c.letter, l.starts_at, l.number) x ON true
            WHERE p.id = {student}
            """,
            $"""
            SELECT m.lesson_id, m.code, m.weight, m.numeric_value
            FROM {Enrolled($"JOIN lesson l ON {ownLessons} JOIN mark m ON m.lesson_id = l.id AND m.student_id = e.student_id")}
            ORDER BY m.source_key
            """,
            $"""
            SELECT DISTINCT y.school_id, h.name, h.starts_on, h.ends_on FROM holiday h JOIN academic_year y ON y.id = h.academic_year_id
            WHERE y.school_id IN (SELECT s.id FROM {Enrolled("")}) AND h.starts_on <= $3 AND h.ends_on >= $2 ORDER BY h.starts_on
            """,
            // When each of the student's regions was last written by a run that succeeded: its newest, by index.
            $"""
            SELECT codes.code, r.finished_at FROM (SELECT DISTINCT sr.code FROM {Enrolled("JOIN school_region sr ON sr.school_id = s.id")}) codes
            LEFT JOIN LATERAL (SELECT finished_at FROM sync_run WHERE status = 'succeeded' AND split_part(scope, '/', 1) = codes.code AND finished_at IS NOT NULL
                               ORDER BY finished_at DESC LIMIT 1) r ON true
            """,
        ];
    }

    private sealed record LessonRow(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Subject, string? Topic, string? Room, string? Group, string? Homework, string? Attendance)
    {
        public ScheduleLesson ToLesson(IReadOnlyList<ScheduleMark> marks) => new(Id, StartsAt, EndsAt, Subject, Topic, Homework, Room, Attendance, marks) { Group = Group };
    }
}
