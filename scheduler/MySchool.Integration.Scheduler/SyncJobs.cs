using Hangfire;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// The sync jobs. Hangfire runs a job at least once (again, from the start, when its process dies); the engine's
/// writes are idempotent and one school is written by one process at a time, so a re-run finishes without duplicates.
/// </summary>
public sealed class SyncJobs(RegionCatalog regions, SyncRuns runs, SyncEngine engine)
{
    /// <summary>A run queued by an operator or a script (POST /api/sync/{region}).</summary>
    [JobDisplayName("Синхронизация {1} (запуск {0})")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long runId, string regionCode, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken)
    {
        var region = regions.Find(regionCode) ?? throw new InvalidOperationException($"Unknown region {regionCode}");
        var adapter = regions.AdapterFor(region);
        try
        {
            await engine.RunAsync(region, adapter, runId, schoolSourceId, mode, cancellationToken);
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

    /// <summary>The recurring sync of a region; never two of the same region at once, on any process.</summary>
    [JobDisplayName("Плановая синхронизация региона {0}")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ScheduledAsync(string regionCode, CancellationToken cancellationToken)
    {
        var region = regions.Find(regionCode) ?? throw new InvalidOperationException($"Unknown region {regionCode}");
        var adapter = regions.AdapterFor(region);
        try
        {
            var runId = await runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, cancellationToken);
            await engine.RunAsync(region, adapter, runId, null, SyncMode.Full, cancellationToken);
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }
}
