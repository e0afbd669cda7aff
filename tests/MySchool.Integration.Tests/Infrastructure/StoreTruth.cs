using MySchool.Integration.Mocks.Synthetic;
using Npgsql;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// Reads the federal store back in the ground truth's own terms (source ids through the identity map, instants
/// in the school's offset), so "the store equals the truth" is a plain set comparison.
/// </summary>
public static class StoreTruth
{
    public static async Task<List<TruthRecord>> ReadAsync(NpgsqlDataSource db, string source)
    {
        var records = new List<TruthRecord>();
        await ReadAsync(db, """
            SELECT m.source_id, s.inn, s.full_name, s.short_name, s.oktmo, mu.name, s.time_zone
            FROM school s JOIN municipality mu ON mu.id = s.municipality_id JOIN identity_map m ON m.federal_id = s.id AND m.kind = 'school' AND m.source_system = $1
            """, source, r => records.Add(new SchoolTruth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6))));
        await ReadAsync(db, """
            SELECT m.source_id, s.inn, c.grade, c.letter, y.name FROM class c JOIN school s ON s.id = c.school_id
            JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            JOIN identity_map m ON m.federal_id = c.id AND m.kind = 'class' AND m.source_system = $1
            """, source, r => records.Add(new ClassTruth(r.GetString(0), r.GetString(1), r.GetInt16(2), r.GetString(3), r.GetString(4))));
        const string YearFrom = """
            JOIN academic_year y ON y.id = x.academic_year_id JOIN school s ON s.id = y.school_id
            JOIN identity_map m ON m.federal_id = s.id AND m.kind = 'school' AND m.source_system = $1
            """;
        await ReadAsync(db, $"SELECT s.inn, y.name, x.name, x.starts_on, x.ends_on, x.first_grade, x.last_grade FROM period x {YearFrom}", source,
            r => records.Add(new PeriodTruth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetFieldValue<DateOnly>(4),
                r.IsDBNull(5) ? null : r.GetInt16(5), r.IsDBNull(6) ? null : r.GetInt16(6))));
        await ReadAsync(db, $"SELECT s.inn, y.name, x.name, x.starts_on, x.ends_on FROM holiday x {YearFrom}", source,
            r => records.Add(new HolidayTruth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetFieldValue<DateOnly>(4))));
        await ReadAsync(db, """
            SELECT m.kind, m.source_id, p.last_name, p.first_name, p.middle_name,
                   CASE WHEN m.kind = 'student' THEN p.birth_date END, CASE WHEN m.kind = 'student' THEN p.gender END, p.snils
            FROM person p JOIN identity_map m ON m.federal_id = p.id AND m.kind IN ('student', 'parent', 'teacher') AND m.source_system = $1
            """, source, r => records.Add(new PersonTruth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Null<string>(r, 4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), Null<string>(r, 6), Null<string>(r, 7))));
        await ReadAsync(db, """
            SELECT ms.source_id, mc.source_id FROM enrollment e
            JOIN identity_map ms ON ms.federal_id = e.student_id AND ms.kind = 'student' AND ms.source_system = $1
            JOIN identity_map mc ON mc.federal_id = e.class_id AND mc.kind = 'class' AND mc.source_system = $1
            WHERE e.ends_on IS NULL
            """, source, r => records.Add(new EnrollmentTruth(r.GetString(0), r.GetString(1))));
        await ReadAsync(db, """
            SELECT mp.source_id, ms.source_id, g.relation FROM guardianship g
            JOIN identity_map mp ON mp.federal_id = g.parent_id AND mp.kind = 'parent' AND mp.source_system = $1
            JOIN identity_map ms ON ms.federal_id = g.student_id AND ms.kind = 'student' AND ms.source_system = $1
            """, source, r => records.Add(new GuardianshipTruth(r.GetString(0), r.GetString(1), r.GetString(2))));
        await ReadAsync(db, """
            SELECT mt.source_id, s.inn, st.role, st.subjects FROM staff st JOIN school s ON s.id = st.school_id
            JOIN identity_map mt ON mt.federal_id = st.person_id AND mt.kind = 'teacher' AND mt.source_system = $1
            """, source, r => records.Add(new StaffTruth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3))));
        const string GroupFrom = """
            FROM class_group g JOIN identity_map mc ON mc.federal_id = g.class_id AND mc.kind = 'class' AND mc.source_system = $1
            """;
        await ReadAsync(db, $"SELECT mc.source_id, g.name, g.kind, g.subject {GroupFrom}", source,
            r => records.Add(new GroupTruth(r.GetString(0), r.GetString(1), r.GetString(2), Null<string>(r, 3))));
        await ReadAsync(db, $"""
            SELECT mc.source_id, g.name, ms.source_id {GroupFrom} JOIN group_member gm ON gm.group_id = g.id
            JOIN identity_map ms ON ms.federal_id = gm.student_id AND ms.kind = 'student' AND ms.source_system = $1
            """, source, r => records.Add(new GroupMemberTruth(r.GetString(0), r.GetString(1), r.GetString(2))));
        const string LessonFrom = """
            FROM lesson l JOIN class c ON c.id = l.class_id JOIN school s ON s.id = c.school_id JOIN subject sj ON sj.id = l.subject_id
            JOIN identity_map mc ON mc.federal_id = c.id AND mc.kind = 'class' AND mc.source_system = $1
            LEFT JOIN class_group g ON g.id = l.group_id
            """;
        await ReadAsync(db, $"""
            SELECT mc.source_id, g.name, l.lesson_date, l.number, l.starts_at, l.ends_at, s.time_zone, sj.name, l.room, mt.source_id, l.topic
            {LessonFrom} LEFT JOIN identity_map mt ON mt.federal_id = l.teacher_id AND mt.kind = 'teacher' AND mt.source_system = $1
            """, source, r => records.Add(new LessonTruth(r.GetString(0), Null<string>(r, 1), r.GetFieldValue<DateOnly>(2), r.GetInt16(3),
                Local(r.GetFieldValue<DateTimeOffset>(4), r.GetString(6)), Local(r.GetFieldValue<DateTimeOffset>(5), r.GetString(6)),
                r.GetString(7), Null<string>(r, 8), Null<string>(r, 9)!, Null<string>(r, 10))));
        await ReadAsync(db, $"SELECT mc.source_id, g.name, l.lesson_date, l.number, h.text {LessonFrom} JOIN homework h ON h.lesson_id = l.id",
            source, r => records.Add(new HomeworkTruth(r.GetString(0), Null<string>(r, 1), r.GetFieldValue<DateOnly>(2), r.GetInt16(3), r.GetString(4))));
        await ReadAsync(db, $"""
            SELECT ms.source_id, mc.source_id, g.name, l.lesson_date, l.number, sj.name, k.code, k.weight, k.work_kind, k.is_debt
            {LessonFrom} JOIN mark k ON k.lesson_id = l.id JOIN identity_map ms ON ms.federal_id = k.student_id AND ms.kind = 'student' AND ms.source_system = $1
            """, source, r => records.Add(new MarkTruth(r.GetString(0), r.GetString(1), Null<string>(r, 2), r.GetFieldValue<DateOnly>(3), r.GetInt16(4), r.GetString(5), r.GetString(6), (int)r.GetDecimal(7), Null<string>(r, 8)!, r.GetBoolean(9))));
        await ReadAsync(db, $"""
            SELECT ms.source_id, mc.source_id, g.name, l.lesson_date, l.number, a.code
            {LessonFrom} JOIN attendance a ON a.lesson_id = l.id JOIN identity_map ms ON ms.federal_id = a.student_id AND ms.kind = 'student' AND ms.source_system = $1
            """, source, r => records.Add(new AttendanceTruth(r.GetString(0), r.GetString(1), Null<string>(r, 2), r.GetFieldValue<DateOnly>(3), r.GetInt16(4), r.GetString(5))));
        return records;
    }

    /// <summary>The school event feed, in <see cref="GroundTruth.Events"/>'s terms.</summary>
    public static async Task<List<TruthRecord>> ReadEventsAsync(NpgsqlDataSource db, string source)
    {
        var records = new List<TruthRecord>();
        await ReadAsync(db, """
            SELECT s.inn, mc.source_id, e.kind, e.starts_at, s.time_zone, e.title FROM event e JOIN school s ON s.id = e.school_id
            JOIN identity_map m ON m.federal_id = s.id AND m.kind = 'school' AND m.source_system = $1
            LEFT JOIN identity_map mc ON mc.federal_id = e.class_id AND mc.kind = 'class' AND mc.source_system = $1
            """, source, r => records.Add(new EventTruth(r.GetString(0), Null<string>(r, 1), r.GetString(2), Local(r.GetFieldValue<DateTimeOffset>(3), r.GetString(4)), r.GetString(5))));
        return records;
    }

    /// <summary>Each record as one comparable line (lists and offsets included), sorted.</summary>
    public static List<string> Lines(IEnumerable<TruthRecord> records) =>
        [.. records.Select(record => System.Text.Json.JsonSerializer.Serialize(record, record.GetType())).Order(StringComparer.Ordinal)];

    /// <summary>Asserts the two sets are equal, showing a few of the differences either way when they are not.</summary>
    public static void AssertEqual(IEnumerable<TruthRecord> expected, IEnumerable<TruthRecord> actual)
    {
        var want = Lines(expected);
        var have = Lines(actual);
        var missing = want.Except(have).Take(5).ToList();
        var extra = have.Except(want).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && want.Count == have.Count,
            $"store differs from the truth ({want.Count} expected, {have.Count} stored).\nmissing:\n{string.Join('\n', missing)}\nextra:\n{string.Join('\n', extra)}");
    }

    private static T? Null<T>(NpgsqlDataReader reader, int ordinal) where T : class => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    private static DateTimeOffset Local(DateTimeOffset instant, string zone) => TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(zone));

    private static async Task ReadAsync(NpgsqlDataSource db, string sql, string source, Action<NpgsqlDataReader> read)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            read(reader);
        }
    }
}
