using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>The schools of a region as the registry holds them, by INN: what a file naming schools by INN refers to.</summary>
public sealed class SchoolRegistry(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The region's head schools (not branches) as a source would send them, keyed by INN, which is also their id in
    /// a file's source: a file does not know another source's ids.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SourceSchool>> HeadSchoolsAsync(string regionCode, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, """
            SELECT s.inn, s.full_name, s.short_name, s.oktmo, m.name
            FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
            WHERE r.code = $1 AND s.parent_school_id IS NULL ORDER BY s.inn, s.kpp NULLS FIRST
            """, r => new SourceSchool(r.GetString(0), r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4)),
            cancellationToken, regionCode))
        .DistinctBy(s => s.Inn).ToDictionary(s => s.Inn, StringComparer.Ordinal);
}
