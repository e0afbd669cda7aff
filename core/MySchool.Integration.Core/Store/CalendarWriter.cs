using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Writes a school's checked calendar inside the school's transaction: the year's dates, then its periods (keyed by
/// name) and holidays (keyed by first day) as the source lists them, deleting the ones it no longer lists. A repeat
/// writes nothing; every change is versioned and every deletion leaves a tombstone.
/// </summary>
public sealed class CalendarWriter(NpgsqlConnection connection, CancellationToken cancellationToken)
{
    public async Task<WriteCounts> WriteAsync(Guid schoolId, CheckedCalendar calendar)
    {
        var year = await UpsertAsync(connection, """
            INSERT INTO academic_year (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4)
            ON CONFLICT (school_id, name) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on
            WHERE (academic_year.starts_on, academic_year.ends_on) IS DISTINCT FROM (excluded.starts_on, excluded.ends_on)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, schoolId, calendar.Year, calendar.Starts, calendar.Ends);
        var yearId = await ScalarAsync<Guid>(connection, "SELECT id FROM academic_year WHERE school_id = $1 AND name = $2", cancellationToken, schoolId, calendar.Year);

        var periods = await UpsertAsync(connection, """
            INSERT INTO period (academic_year_id, name, kind, starts_on, ends_on, first_grade, last_grade)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::date[], $5::date[], $6::smallint[], $7::smallint[])
            ON CONFLICT (academic_year_id, name) DO UPDATE SET kind = excluded.kind, starts_on = excluded.starts_on, ends_on = excluded.ends_on,
                first_grade = excluded.first_grade, last_grade = excluded.last_grade
            WHERE (period.kind, period.starts_on, period.ends_on, period.first_grade, period.last_grade)
                IS DISTINCT FROM (excluded.kind, excluded.starts_on, excluded.ends_on, excluded.first_grade, excluded.last_grade)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, yearId,
            calendar.Periods.Select(p => p.Name).ToArray(), calendar.Periods.Select(p => p.Kind).ToArray(),
            calendar.Periods.Select(p => p.Start).ToArray(), calendar.Periods.Select(p => p.End).ToArray(),
            calendar.Periods.Select(p => (short?)p.FirstGrade).ToArray(), calendar.Periods.Select(p => (short?)p.LastGrade).ToArray());
        var periodsGone = await ExecuteAsync(connection, "DELETE FROM period WHERE academic_year_id = $1 AND NOT (name = ANY($2))", cancellationToken,
            yearId, calendar.Periods.Select(p => p.Name).ToArray());

        var holidays = await UpsertAsync(connection, """
            INSERT INTO holiday (academic_year_id, name, starts_on, ends_on)
            SELECT $1, * FROM unnest($2::text[], $3::date[], $4::date[])
            ON CONFLICT (academic_year_id, starts_on) DO UPDATE SET name = excluded.name, ends_on = excluded.ends_on
            WHERE (holiday.name, holiday.ends_on) IS DISTINCT FROM (excluded.name, excluded.ends_on)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, yearId,
            calendar.Holidays.Select(h => h.Name).ToArray(), calendar.Holidays.Select(h => h.Start).ToArray(), calendar.Holidays.Select(h => h.End).ToArray());
        var holidaysGone = await ExecuteAsync(connection, "DELETE FROM holiday WHERE academic_year_id = $1 AND NOT (starts_on = ANY($2))", cancellationToken,
            yearId, calendar.Holidays.Select(h => h.Start).ToArray());

        return new WriteCounts(0, year.Inserted + periods.Inserted + holidays.Inserted, year.Updated + periods.Updated + holidays.Updated, periodsGone + holidaysGone, 0);
    }
}
