using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Monitoring;

/// <summary>A period of a school's year as operators see it; grades null when it is every grade's.</summary>
public sealed record CalendarPeriod(string Year, string Name, string Kind, DateOnly Start, DateOnly End, int? FirstGrade, int? LastGrade);

public sealed record CalendarHoliday(string Year, string Name, DateOnly Start, DateOnly End);

/// <summary>An administrator by name, whether they teach too, and their ESIA account when linked (who may be given the dashboard).</summary>
public sealed record Administrator(Guid PersonId, string Name, bool Teaches, long? EsiaOid);

/// <summary>An event of the school's feed; the class is empty for the whole school.</summary>
public sealed record SchoolFeedEvent(DateTimeOffset StartsAt, string Kind, string Title, string? ClassName);

/// <summary>A group of a class (a subgroup, a club, an interest group) with how many students it has.</summary>
public sealed record ClassGroup(string ClassName, string Name, string Kind, string? Subject, int Members);

/// <summary>A school linked from another's page: a branch's head school, or a head school's branch.</summary>
public sealed record LinkedSchool(Guid Id, string Name, string? Kpp);

/// <summary>What the school page shows beside its classes: branches, the calendar, the administrators, the groups, the event feed.</summary>
public sealed record SchoolProfile(
    IReadOnlyList<CalendarPeriod> Periods,
    IReadOnlyList<CalendarHoliday> Holidays,
    IReadOnlyList<Administrator> Administrators,
    IReadOnlyList<SchoolFeedEvent> Events)
{
    /// <summary>The head school, when this school is a branch.</summary>
    public LinkedSchool? Parent { get; init; }

    public IReadOnlyList<LinkedSchool> Branches { get; init; } = [];

    public IReadOnlyList<ClassGroup> Groups { get; init; } = [];
}

public sealed class SchoolProfileReader(NpgsqlDataSource dataSource)
{
    /// <summary>The feed shows the school's latest events (by when they happen), newest first.</summary>
    private const int FeedLength = 50;

    public async Task<SchoolProfile> ReadAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        var periods = await ListAsync(dataSource, """
            SELECT y.name, p.name, p.kind, p.starts_on, p.ends_on, p.first_grade, p.last_grade
            FROM period p JOIN academic_year y ON y.id = p.academic_year_id WHERE y.school_id = $1 ORDER BY y.name DESC, p.first_grade NULLS FIRST, p.starts_on
            """, r => new CalendarPeriod(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetFieldValue<DateOnly>(4),
                r.IsDBNull(5) ? null : r.GetInt16(5), r.IsDBNull(6) ? null : r.GetInt16(6)), cancellationToken, schoolId);
        var holidays = await ListAsync(dataSource, """
            SELECT y.name, h.name, h.starts_on, h.ends_on FROM holiday h JOIN academic_year y ON y.id = h.academic_year_id
            WHERE y.school_id = $1 ORDER BY y.name DESC, h.starts_on
            """, r => new CalendarHoliday(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3)), cancellationToken, schoolId);
        var administrators = await ListAsync(dataSource, """
            SELECT concat_ws(' ', p.last_name, p.first_name, p.middle_name),
                   EXISTS (SELECT 1 FROM staff t WHERE t.school_id = a.school_id AND t.person_id = a.person_id AND t.role = 'teacher'), p.id, p.esia_oid
            FROM staff a JOIN person p ON p.id = a.person_id WHERE a.school_id = $1 AND a.role = 'admin' ORDER BY 1
            """, r => new Administrator(r.GetGuid(2), r.GetString(0), r.GetBoolean(1), r.IsDBNull(3) ? null : r.GetInt64(3)), cancellationToken, schoolId);
        var events = await ListAsync(dataSource, """
            SELECT e.starts_at, s.time_zone, e.kind, e.title, c.grade || ' «' || c.letter || '»'
            FROM event e JOIN school s ON s.id = e.school_id LEFT JOIN class c ON c.id = e.class_id
            WHERE e.school_id = $1 ORDER BY e.starts_at DESC, e.title LIMIT $2
            """, r => new SchoolFeedEvent(TimeZoneInfo.ConvertTime(r.GetFieldValue<DateTimeOffset>(0), TimeZoneInfo.FindSystemTimeZoneById(r.GetString(1))),
                r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)), cancellationToken, schoolId, FeedLength);
        var groups = await ListAsync(dataSource, """
            SELECT c.grade || ' «' || c.letter || '»', g.name, g.kind, g.subject, (SELECT count(*)::int FROM group_member m WHERE m.group_id = g.id)
            FROM class_group g JOIN class c ON c.id = g.class_id WHERE c.school_id = $1 ORDER BY c.grade, c.letter, g.kind DESC, g.name
            """, r => new ClassGroup(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4)), cancellationToken, schoolId);
        var linked = await ListAsync(dataSource, """
            SELECT s.id, coalesce(s.short_name, s.full_name), s.kpp, s.id = (SELECT parent_school_id FROM school WHERE id = $1)
            FROM school s WHERE s.parent_school_id = $1 OR s.id = (SELECT parent_school_id FROM school WHERE id = $1) ORDER BY s.kpp
            """, r => (School: new LinkedSchool(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)), IsParent: r.GetBoolean(3)), cancellationToken, schoolId);
        return new SchoolProfile(periods, holidays, administrators, events)
        {
            Parent = linked.Where(l => l.IsParent).Select(l => l.School).FirstOrDefault(),
            Branches = [.. linked.Where(l => !l.IsParent).Select(l => l.School)],
            Groups = groups,
        };
    }
}
