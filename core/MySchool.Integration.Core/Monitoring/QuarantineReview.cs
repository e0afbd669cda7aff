using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Monitoring;

/// <summary>A reason records are quarantined for, with an example of its Russian text and how many are open.</summary>
public sealed record QuarantineReason(string Code, string Kind, string Example, long Count);

/// <summary>
/// The operators' side of the quarantine: which reasons are open within their scope (the filter's list), and marking
/// records resolved once the source is fixed (audited). A record the source still sends comes back on the next sync.
/// </summary>
public sealed class QuarantineReview(NpgsqlDataSource dataSource, AuditLog audit)
{
    /// <summary>Records of the viewer's regions ($1) or of their schools ($2): as <see cref="MonitoringReader.QuarantineAsync"/> reads them.</summary>
    internal const string Visible = """
        (split_part(scope, '/', 1) = ANY($1) OR scope IN (
            SELECT sr.code || '/' || im.source_id FROM identity_map im JOIN school_region sr ON sr.school_id = im.federal_id WHERE im.kind = 'school' AND im.federal_id = ANY($2)))
        """;

    public Task<List<QuarantineReason>> ReasonsAsync(IReadOnlyCollection<string> regions, IReadOnlyCollection<Guid> schools, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, $"""
            SELECT reason_code, kind, min(reason), count(*) FROM quarantine WHERE resolved_at IS NULL AND {Visible}
            GROUP BY reason_code, kind ORDER BY count(*) DESC, reason_code
            """, r => new QuarantineReason(r.GetString(0), r.GetString(1), Rules.Snils.MaskAll(r.GetString(2)), r.GetInt64(3)), cancellationToken, regions.ToArray(), schools.ToArray());

    /// <summary>Marks these open records resolved, those the viewer sees only; the number marked.</summary>
    public async Task<int> ResolveAsync(string actor, IReadOnlyCollection<string> regions, IReadOnlyCollection<Guid> schools, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var resolved = await Staging.ListAsync(dataSource, $"""
            UPDATE quarantine SET resolved_at = now() WHERE resolved_at IS NULL AND id = ANY($3) AND {Visible} RETURNING id
            """, r => r.GetInt64(0), cancellationToken, regions.ToArray(), schools.ToArray(), ids.ToArray());
        if (resolved.Count > 0)
        {
            await audit.RecordAsync(actor, "quarantine.resolve", null, new { records = resolved }, cancellationToken);
        }

        return resolved.Count;
    }
}
