using System.Globalization;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.People;

/// <summary>What a school's rollover did.</summary>
public sealed record RolloverResult(string Year, int Classes, int Promoted, int Graduated);

/// <summary>
/// The start of a school year (003): every student moves to the next grade, in the class of the same letter
/// (<c>9 «И»</c> becomes <c>10 «И»</c>), and 11th-graders leave, no later than the 10th day of the first month.
/// Run again, it changes nothing.
/// </summary>
public sealed class YearRollover(NpgsqlDataSource dataSource, AuditLog audit)
{
    /// <summary>The year to roll into on <paramref name="today"/>: from 1 to 10 September, the year starting then.</summary>
    public static string? DueYear(DateOnly today) =>
        today is { Month: 9, Day: <= 10 } ? $"{today.Year}/{(today.Year + 1).ToString(CultureInfo.InvariantCulture)}" : null;

    public async Task<RolloverResult> RollOverAsync(Guid schoolId, string year, CancellationToken cancellationToken)
    {
        var startYear = int.Parse(year.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var (starts, ends, previous) = (new DateOnly(startYear, 9, 1), new DateOnly(startYear + 1, 8, 31), $"{startYear - 1}/{startYear}");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The school's own lock: a sync or a second rollover of it waits.
        await Staging.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"rollover:{schoolId}");
        await Staging.ExecuteAsync(connection, """
            INSERT INTO academic_year (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4) ON CONFLICT (school_id, name) DO NOTHING
            """, cancellationToken, schoolId, year, starts, ends);
        await Staging.ExecuteAsync(connection, """
            INSERT INTO grade_level (academic_year_id, grade)
            SELECT ny.id, g.grade + 1 FROM grade_level g JOIN academic_year y ON y.id = g.academic_year_id, academic_year ny
            WHERE y.school_id = $1 AND y.name = $2 AND ny.school_id = $1 AND ny.name = $3 AND g.grade < 11
            ON CONFLICT (academic_year_id, grade) DO NOTHING
            """, cancellationToken, schoolId, previous, year);
        var classes = await Staging.ExecuteAsync(connection, """
            INSERT INTO class (school_id, grade_level_id, grade, letter)
            SELECT $1, ng.id, c.grade + 1, c.letter
            FROM class c JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            JOIN academic_year ny ON ny.school_id = $1 AND ny.name = $3 JOIN grade_level ng ON ng.academic_year_id = ny.id AND ng.grade = c.grade + 1
            WHERE y.school_id = $1 AND y.name = $2 AND c.grade < 11
            ON CONFLICT (grade_level_id, letter) DO NOTHING
            """, cancellationToken, schoolId, previous, year);
        // Everyone still enrolled in last year's classes: the year's last day ends it; all but 11th-graders go on.
        await Staging.ExecuteAsync(connection, """
            CREATE TEMP TABLE rolling ON COMMIT DROP AS
            SELECT e.id, e.student_id, c.grade, c.letter FROM enrollment e JOIN class c ON c.id = e.class_id
            JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            WHERE y.school_id = $1 AND y.name = $2 AND e.ends_on IS NULL
            """, cancellationToken, schoolId, previous);
        await Staging.ExecuteAsync(connection, "UPDATE enrollment e SET ends_on = GREATEST(e.starts_on, $1) FROM rolling r WHERE e.id = r.id", cancellationToken, starts.AddDays(-1));
        var promoted = await Staging.ExecuteAsync(connection, """
            INSERT INTO enrollment (student_id, class_id, starts_on)
            SELECT r.student_id, c.id, $3 FROM rolling r
            JOIN academic_year ny ON ny.school_id = $1 AND ny.name = $2 JOIN grade_level ng ON ng.academic_year_id = ny.id AND ng.grade = r.grade + 1
            JOIN class c ON c.grade_level_id = ng.id AND c.letter = r.letter
            WHERE r.grade < 11
            ON CONFLICT (student_id, class_id, starts_on) DO NOTHING
            """, cancellationToken, schoolId, year, starts);
        var graduated = await Staging.ScalarAsync<long>(connection, "SELECT count(*) FROM rolling WHERE grade = 11", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var result = new RolloverResult(year, classes, promoted, (int)graduated);
        if (classes + promoted + graduated > 0)
        {
            await audit.RecordAsync("scheduler", "year.rollover", schoolId.ToString(), result, cancellationToken);
        }

        return result;
    }
}
