using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Federal;

/// <summary>
/// The school portfolio a parent sees (seed 000), computed from the store for the student's current class:
/// averages per subject beside the class's and the grade's, attendance, days until the holidays, upcoming events.
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
    IReadOnlyList<UpcomingEvent> Events);

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
        // The current period when the school's calendar has one, else the whole academic year.
        var (periodName, from, to) = await CurrentPeriodAsync(connection, yearId, today, cancellationToken) ?? ($"{yearName} учебный год", yearStart, yearEnd);

        var subjects = new List<SubjectAverage>();
        await using (var averages = Command(connection, """
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
            """, studentId, classId, gradeLevelId, from, to))
        {
            await using var reader = await averages.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                subjects.Add(new SubjectAverage(reader.GetString(0), Nullable(reader, 1), Nullable(reader, 2), Nullable(reader, 3), reader.GetInt32(4)));
            }
        }

        AttendanceSummary attendance;
        await using (var absences = Command(connection, """
            SELECT count(*)::int, count(*) FILTER (WHERE a.code = 'н')::int, count(*) FILTER (WHERE a.code = 'б')::int,
                   count(*) FILTER (WHERE a.code = 'уп')::int, count(*) FILTER (WHERE a.code = 'оп')::int
            FROM lesson l LEFT JOIN attendance a ON a.lesson_id = l.id AND a.student_id = $1
            WHERE l.class_id = $2 AND l.lesson_date BETWEEN $3 AND $4
            """, studentId, classId, from, today < to ? today : to))
        {
            await using var reader = await absences.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            attendance = new AttendanceSummary(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
        }

        await using var holidays = Command(connection, "SELECT min(starts_on) FROM holiday WHERE academic_year_id = $1 AND starts_on > $2", yearId, today);
        var nextHolidays = await holidays.ExecuteScalarAsync(cancellationToken) is DateOnly holiday ? holiday.DayNumber - today.DayNumber : (int?)null;

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

        return new StudentPortfolio(esiaOid, schoolName, grade, letter, periodName, from, to, subjects, attendance, nextHolidays, events);
    }

    private static async Task<(string, DateOnly, DateOnly)?> CurrentPeriodAsync(NpgsqlConnection connection, Guid yearId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "SELECT name, starts_on, ends_on FROM period WHERE academic_year_id = $1 AND $2 BETWEEN starts_on AND ends_on AND kind <> 'year' ORDER BY starts_on DESC LIMIT 1",
            yearId, today);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2)) : null;
    }

    private static decimal? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);
}
