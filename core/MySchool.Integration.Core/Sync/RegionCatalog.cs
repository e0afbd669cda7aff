using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>The configured regions and their adapters: what a sync request names, resolved to what runs it.</summary>
public sealed class RegionCatalog(IEnumerable<RegionSource> regions, IEnumerable<ISourceAdapterFactory> factories, NpgsqlDataSource dataSource)
{
    private readonly Dictionary<string, RegionSource> _regions = regions.ToDictionary(region => region.Code, StringComparer.Ordinal);

    public IReadOnlyCollection<RegionSource> Regions => _regions.Values;

    public RegionSource? Find(string code) => _regions.GetValueOrDefault(code);

    public ISourceAdapter AdapterFor(RegionSource region) =>
        factories.FirstOrDefault(factory => factory.Name == region.Adapter)?.Create(region)
        ?? throw new SourceConfigurationException($"Для региона {region.Code} указан неизвестный адаптер «{region.Adapter}»");

    /// <summary>
    /// Whether a run over <paramref name="scope"/> can be read again (by an operator's retry or the watchdog's): a read,
    /// not a push, through the adapter its region is pulled through. A vendor's push or a file is its sender's to send again.
    /// </summary>
    public async Task<bool> CanReadAgainAsync(string scope, string sourceSystem, SyncMode mode)
    {
        if (mode == SyncMode.Push || Find(scope.Split('/')[0]) is not { Adapter.Length: > 0 } region)
        {
            return false;
        }

        var adapter = AdapterFor(region);
        try
        {
            return adapter.SourceSystem == sourceSystem;
        }
        finally
        {
            await ReleaseAsync(adapter);
        }
    }

    /// <summary>Ends an adapter's session with its source, whichever way the adapter holds one.</summary>
    public static async ValueTask ReleaseAsync(ISourceAdapter adapter)
    {
        switch (adapter)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>A school's id in its source, from its federal id; null when this region's source never delivered it.</summary>
    public async Task<string?> SchoolSourceIdAsync(RegionSource region, Guid schoolId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Staging.ScalarAsync<string?>(connection,
            "SELECT source_id FROM identity_map WHERE source_system = $1 AND kind = 'school' AND federal_id = $2",
            cancellationToken, AdapterFor(region).SourceSystem, schoolId);
    }
}
