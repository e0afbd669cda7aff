using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>Who holds a school: its region and the source that writes it.</summary>
public sealed record SchoolHolder(Guid SchoolId, string Inn, string Name, string RegionCode, string? Owner);

/// <summary>
/// A federal operator's explicit acts on a school's ownership: moving it into another region (its municipality and
/// time zone follow) and assigning the source that writes it. Sources never do either; each act is audited.
/// </summary>
public sealed class SchoolOwnership(NpgsqlDataSource dataSource)
{
    private const string HolderSql = """
        SELECT s.id, s.inn, coalesce(s.short_name, s.full_name), r.code, o.source_system
        FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id LEFT JOIN school_owner o ON o.school_id = s.id
        WHERE s.id = $1
        """;

    public async Task<SchoolHolder?> FindAsync(Guid schoolId, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, HolderSql, ReadHolder, cancellationToken, schoolId)).SingleOrDefault();

    /// <summary>
    /// Moves the school into <paramref name="region"/> (when it is another) and makes <paramref name="owner"/> its
    /// writer (when given). Answers the holder before the change, or null when there is no such school.
    /// </summary>
    public async Task<SchoolHolder?> AssignAsync(Guid schoolId, RegionSource region, string? owner, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = (await ListAsync(connection, HolderSql + " FOR UPDATE OF s", ReadHolder, cancellationToken, schoolId)).SingleOrDefault();
        if (before is null)
        {
            return null;
        }

        if (before.RegionCode != region.Code)
        {
            // The same municipality (by OKTMO and name) under the new region, and the region's time zone.
            await ExecuteAsync(connection, """
                INSERT INTO region (code, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING;
                """, cancellationToken, region.Code, region.Name, region.TimeZone);
            await ExecuteAsync(connection, """
                WITH target AS (
                    INSERT INTO municipality (region_id, oktmo, name)
                    SELECT r.id, m.oktmo, m.name FROM school s JOIN municipality m ON m.id = s.municipality_id, region r WHERE s.id = $1 AND r.code = $2
                    ON CONFLICT (region_id, oktmo) DO UPDATE SET name = municipality.name
                    RETURNING id)
                UPDATE school SET municipality_id = (SELECT id FROM target), time_zone = $3 WHERE id = $1
                """, cancellationToken, schoolId, region.Code, region.TimeZone);
            await AuditLog.RecordAsync(connection, actor, "ownership.moved", $"{region.Code}", new { school = schoolId, before.Inn, from = before.RegionCode, to = region.Code }, cancellationToken);
        }

        if (owner is not null && owner != before.Owner)
        {
            await ExecuteAsync(connection, """
                INSERT INTO school_owner (school_id, source_system, assigned_by) VALUES ($1, $2, $3)
                ON CONFLICT (school_id) DO UPDATE SET source_system = excluded.source_system, assigned_by = excluded.assigned_by, assigned_at = now()
                """, cancellationToken, schoolId, owner, actor);
            await AuditLog.RecordAsync(connection, actor, "ownership.assigned", region.Code, new { school = schoolId, before.Inn, from = before.Owner, to = owner }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return before;
    }

    private static SchoolHolder ReadHolder(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4));
}
