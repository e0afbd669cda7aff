using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Federal;

/// <summary>
/// The school portfolio a parent sees (seed 000), computed from the store for the student's current class:
/// averages per subject beside the class's and the grade's for the current period and each past one of the year (the
/// dynamics), attendance, the days until the next holidays (0 during them) with their name, upcoming events.
/// </summary>
public sealed record StudentPortfolio(
    long EsiaOid,
    string SchoolName,
    int Grade,
    string Letter,
    string PeriodName,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    IReadOnlyList<SubjectAverage> Subjects,
    AttendanceSummary Attendance,
    int? DaysUntilHolidays,
    string? HolidaysName,
    IReadOnlyList<PeriodAverages> PastPeriods,
    IReadOnlyList<UpcomingEvent> Events);

/// <summary>A past period of the year with its averages: the portfolio's dynamics.</summary>
public sealed record PeriodAverages(string Period, DateOnly Start, DateOnly End, IReadOnlyList<SubjectAverage> Subjects);

/// <summary>Weighted averages of counting marks; null where there are none.</summary>
public sealed record SubjectAverage(string Subject, decimal? Student, decimal? Class, decimal? Grade, int MarkCount);

/// <summary>Lessons of the student's class held so far in the period, and the student's absences among them by code.</summary>
public sealed record AttendanceSummary(int Lessons, int Absent, int Ill, int Excused, int Late);

public sealed record UpcomingEvent(DateTimeOffset StartsAt, string Kind, string Title, string? Body);

public sealed class PortfolioReader(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Null when no person carries the oid or the person studies nowhere now.</summary>
    public async Task<StudentPortfolio?> ReadAsync(long esiaOid, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var current = Command(connection, """
            SELECT p.id, c.id, c.grade_level_id, c.grade, c.letter, s.id, s.full_name, s.time_zone, y.id, y.name, y.starts_on, y.ends_on
            FROM person p JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL
            JOIN class c ON c.id = e.class_id JOIN school s ON s.id = c.school_id
            JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            WHERE p.esia_oid = $1
            """, esiaOid);
        Guid studentId, classId, gradeLevelId, schoolId, yearId;
        int grade;
        string letter, schoolName, yearName;
        TimeZoneInfo zone;
        DateOnly yearStart, yearEnd;
        await using (var reader = await current.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (studentId, classId, gradeLevelId, grade, letter, schoolId, schoolName) =
                (reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt16(3), reader.GetString(4), reader.GetGuid(5), reader.GetString(6));
            zone = TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(7));
            (yearId, yearName, yearStart, yearEnd) = (reader.GetGuid(8), reader.GetString(9), reader.GetFieldValue<DateOnly>(10), reader.GetFieldValue<DateOnly>(11));
        }

        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var today = DateOnly.FromDateTime(now.DateTime);
        // The periods of the student's grade begun by today: the last is the current one (during holidays, the one just
        // ended), the others the dynamics. Without a calendar the whole academic year stands in.
        var periods = await PeriodsBegunAsync(connection, yearId, grade, today, cancellationToken);
        var (periodName, from, to) = periods.Count > 0 ? periods[^1] : ($"{yearName} учебный год", yearStart, yearEnd);
        var subjects = await AveragesAsync(connection, studentId, classId, gradeLevelId, from, to, cancellationToken);
        var pastPeriods = new List<PeriodAverages>();
        foreach (var (name, start, end) in periods.SkipLast(1))
        {
            pastPeriods.Add(new PeriodAverages(name, start, end, await AveragesAsync(connection, studentId, classId, gradeLevelId, start, end, cancellationToken)));
        }

        AttendanceSummary attendance;
        await using (var absences = Command(connection, $"""
            SELECT count(*)::int, count(*) FILTER (WHERE a.code = 'н')::int, count(*) FILTER (WHERE a.code = 'б')::int,
                   count(*) FILTER (WHERE a.code = 'уп')::int, count(*) FILTER (WHERE a.code = 'оп')::int
            FROM lesson l LEFT JOIN attendance a ON a.lesson_id = l.id AND a.student_id = $1
            WHERE l.class_id = $2 AND l.lesson_date BETWEEN $3 AND $4
              AND {GroupLessons.OwnedBy("$1")}
            """, studentId, classId, from, today < to ? today : to))
        {
            await using var reader = await absences.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            attendance = new AttendanceSummary(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
        }

        var (daysUntilHolidays, holidaysName) = await NextHolidaysAsync(connection, yearId, today, cancellationToken);

        var events = new List<UpcomingEvent>();
        await using (var upcoming = Command(connection, """
            SELECT starts_at, kind, title, body FROM event
            WHERE school_id = $1 AND (class_id IS NULL OR class_id = $2) AND starts_at >= $3 ORDER BY starts_at LIMIT 20
            """, schoolId, classId, time.GetUtcNow()))
        {
            await using var reader = await upcoming.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new UpcomingEvent(TimeZoneInfo.ConvertTime(reader.GetFieldValue<DateTimeOffset>(0), zone), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        return new StudentPortfolio(esiaOid, schoolName, grade, letter, periodName, from, to, subjects, attendance, daysUntilHolidays, holidaysName, pastPeriods, events);
    }

    /// <summary>Weighted averages per subject of the student, the class and the grade (the parallel) between two dates.</summary>
    private static async Task<List<SubjectAverage>> AveragesAsync(
        NpgsqlConnection connection, Guid studentId, Guid classId, Guid gradeLevelId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var subjects = new List<SubjectAverage>();
        await using var averages = Command(connection, """
            WITH grade_marks AS (
                SELECT sub.name AS subject, m.student_id, e.class_id, m.numeric_value, m.weight
                FROM mark m JOIN subject sub ON sub.id = m.subject_id
                JOIN enrollment e ON e.student_id = m.student_id AND e.ends_on IS NULL
                JOIN class c ON c.id = e.class_id
                WHERE c.grade_level_id = $3 AND m.counts AND m.numeric_value IS NOT NULL AND m.weight > 0 AND m.mark_date BETWEEN $4 AND $5)
            SELECT subject,
                   round(sum(numeric_value * weight) FILTER (WHERE student_id = $1) / nullif(sum(weight) FILTER (WHERE student_id = $1), 0), 2),
                   round(sum(numeric_value * weight) FILTER (WHERE class_id = $2) / nullif(sum(weight) FILTER (WHERE class_id = $2), 0), 2),
                   round(sum(numeric_value * weight) / sum(weight), 2),
                   count(*) FILTER (WHERE student_id = $1)::int
            FROM grade_marks GROUP BY subject ORDER BY subject
            """, studentId, classId, gradeLevelId, from, to);
        await using var reader = await averages.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            subjects.Add(new SubjectAverage(reader.GetString(0), Nullable(reader, 1), Nullable(reader, 2), Nullable(reader, 3), reader.GetInt32(4)));
        }

        return subjects;
    }

    /// <summary>The grade's periods (quarters, trimesters, halves; not the year) that have begun by today, in order.</summary>
    private static async Task<List<(string Name, DateOnly Start, DateOnly End)>> PeriodsBegunAsync(
        NpgsqlConnection connection, Guid yearId, int grade, DateOnly today, CancellationToken cancellationToken) =>
        await ListAsync(connection, """
            SELECT name, starts_on, ends_on FROM period
            WHERE academic_year_id = $1 AND kind <> 'year' AND starts_on <= $2 AND (first_grade IS NULL OR $3 BETWEEN first_grade AND last_grade)
            ORDER BY starts_on, ends_on
            """, r => (r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetFieldValue<DateOnly>(2)), cancellationToken, yearId, today, (short)grade);

    /// <summary>Days until the next holidays and their name; 0 while they last; nothing when the calendar has none ahead.</summary>
    private static async Task<(int?, string?)> NextHolidaysAsync(NpgsqlConnection connection, Guid yearId, DateOnly today, CancellationToken cancellationToken)
    {
        var next = await ListAsync(connection, "SELECT name, starts_on FROM holiday WHERE academic_year_id = $1 AND ends_on >= $2 ORDER BY starts_on LIMIT 1",
            r => (Name: r.GetString(0), Start: r.GetFieldValue<DateOnly>(1)), cancellationToken, yearId, today);
        return next is [var holidays] ? (Math.Max(0, holidays.Start.DayNumber - today.DayNumber), holidays.Name) : (null, null);
    }

    private static decimal? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);
}
