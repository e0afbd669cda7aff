using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Monitoring;

/// <summary>One recorded act; the actor's name when they are an appointed person, details with every SNILS masked.</summary>
public sealed record AuditEvent(long Id, DateTimeOffset OccurredAt, string Actor, string? ActorName, string Action, string? Scope, string Details);

/// <summary>Which acts an audit search reads: by action, by actor (a part of the id or name) and by Moscow day.</summary>
public sealed record AuditFilter(string? Action = null, string? Actor = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>The audit log as the dashboard's audit page reads it, within the viewer's scope.</summary>
public sealed class AuditReader(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The acts a viewer may read, newest first, one page and the total: everything for a federal operator; otherwise
    /// their own acts and those whose scope lies inside theirs (a region's code, a school's run scope <c>54/1001</c>,
    /// or a school's id).
    /// </summary>
    public async Task<(List<AuditEvent> Page, long Total)> SearchAsync(string viewer, OperatorScope scope, AuditFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE ($1 OR e.actor = $2 OR split_part(e.scope, '/', 1) = ANY($3)
                   OR EXISTS (SELECT 1 FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
                              LEFT JOIN identity_map im ON im.kind = 'school' AND im.federal_id = s.id
                              WHERE (s.id::text = e.scope OR r.code || '/' || im.source_id = e.scope)
                                AND (r.code = ANY($3) OR m.id = ANY($4) OR s.id = ANY($5))))
              AND ($6 = '' OR e.action = $6)
              AND ($7 = '' OR e.actor ILIKE '%' || $7 || '%' OR EXISTS (SELECT 1 FROM appointment a WHERE 'esia:' || a.esia_oid = e.actor AND a.full_name ILIKE '%' || $7 || '%'))
              AND ($8::date IS NULL OR (e.occurred_at AT TIME ZONE 'Europe/Moscow')::date >= $8::date)
              AND ($9::date IS NULL OR (e.occurred_at AT TIME ZONE 'Europe/Moscow')::date <= $9::date)
            """;
        object?[] parameters = [scope.Federal, viewer, scope.Regions.ToArray(), scope.Municipalities.ToArray(), scope.Schools.ToArray(),
            filter.Action?.Trim() ?? "", filter.Actor?.Trim() ?? "", filter.From, filter.To];
        await using var count = Staging.Command(dataSource, $"SELECT count(*) FROM audit_event e {Where}", parameters);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        var page = await Staging.ListAsync(dataSource, $"""
            SELECT e.id, e.occurred_at, e.actor, (SELECT a.full_name FROM appointment a WHERE 'esia:' || a.esia_oid = e.actor ORDER BY a.id DESC LIMIT 1),
                   e.action, e.scope, e.details::text
            FROM audit_event e {Where} ORDER BY e.id DESC OFFSET $10 LIMIT $11
            """, r => new AuditEvent(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), Snils.MaskAll(r.GetString(6))), cancellationToken, [.. parameters, offset, limit]);
        return (page, total);
    }
}
