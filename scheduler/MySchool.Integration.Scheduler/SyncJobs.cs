using Hangfire;
using MySchool.Integration.Core.Communities;
using MySchool.Integration.Core.Sync;
using Npgsql;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// The sync jobs. A region job plans the run and fans out one job per school, so the schools of a region are
/// spread over every gateway process on the database. Hangfire runs a job at least once (again, from the start,
/// when its process dies); writes are idempotent and a school is written by one process at a time, so a re-run
/// finishes without duplicates.
/// </summary>
public sealed class SyncJobs(RegionCatalog regions, SyncRuns runs, SyncEngine engine, IBackgroundJobClient jobs, IEnumerable<CommunitySync> communities)
{
    /// <summary>A run queued by an operator or a script (POST /api/sync/{region}).</summary>
    [JobDisplayName("Синхронизация региона {1} (запуск {0})")]
    // Only the database failing under the job (a restart, no connection slots) is worth a retry: the engine
    // retries its writes itself, and this carries on a job that met the database down between them. Idempotent.
    // Hangfire's own filters read the job's parameters from the database before it runs, and wrap that failure in an
    // InvalidOperationException («Could not get a value of the job parameter»): without it, a school job starting
    // while PostgreSQL restarted failed for good and left its run to the watchdog's ten minutes.
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 30, 60, 120], OnlyOn = [typeof(NpgsqlException), typeof(InvalidOperationException)])]
    public Task RunAsync(long runId, string regionCode, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken) =>
        PlanAndFanOutAsync(runId, regionCode, schoolSourceId, mode, cancellationToken);

    /// <summary>The recurring sync of a region; never two plans of the same region at once, on any process.</summary>
    [JobDisplayName("Плановая синхронизация региона {0}")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public Task ScheduledAsync(string regionCode, CancellationToken cancellationToken) => QueueAndFanOutAsync(regionCode, SyncMode.Full, cancellationToken);

    /// <summary>
    /// The monthly reconciliation of a region (DOMAIN.md): every school read in full against the store, the
    /// differences counted on the run as its report, nothing written.
    /// </summary>
    [JobDisplayName("Ежемесячная сверка региона {0}")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public Task ReconcileAsync(string regionCode, CancellationToken cancellationToken) => QueueAndFanOutAsync(regionCode, SyncMode.Reconcile, cancellationToken);

    /// <summary>One school of a planned run.</summary>
    [SchoolJobName]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 30, 60, 120], OnlyOn = [typeof(NpgsqlException), typeof(InvalidOperationException)])] // as RunAsync
    public async Task SchoolAsync(long runId, string regionCode, SourceSchool school, string? cursor, bool dryRun, CancellationToken cancellationToken)
    {
        var region = Region(regionCode);
        var adapter = regions.AdapterFor(region);
        try
        {
            await engine.SyncSchoolAsync(region, adapter, new SyncPlan(runId, [school], cursor) { DryRun = dryRun }, school, cancellationToken);
            if (!dryRun && communities.Any())
            {
                // The roster is fresh: the school's communities follow it.
                jobs.Enqueue<CommunityJobs>(job => job.ProvisionAsync(adapter.SourceSystem, school.SourceId, CancellationToken.None));
            }
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

    /// <summary>
    /// Queues a run carrying on <paramref name="retried"/> over the same scope: it reads only the schools that did
    /// not succeed there. Nothing is queued while a run of the scope is going (that run's id is answered).
    /// </summary>
    public static async Task<(long RunId, bool Queued)> QueueRetryAsync(
        SyncRuns runs, IBackgroundJobClient jobs, string sourceSystem, string scope, SyncMode mode, long retried, CancellationToken cancellationToken)
    {
        var (runId, queued) = await runs.QueueOnceAsync(sourceSystem, scope, mode, cancellationToken, retryOf: retried);
        if (queued)
        {
            var region = scope.Split('/')[0];
            var school = scope.Length > region.Length ? scope[(region.Length + 1)..] : null;
            jobs.Enqueue<SyncJobs>(job => job.RunAsync(runId, region, school, mode, CancellationToken.None));
        }

        return (runId, queued);
    }

    /// <summary>A recurring job's own run of the whole region: recorded first, so the dashboard shows it queued.</summary>
    private async Task QueueAndFanOutAsync(string regionCode, SyncMode mode, CancellationToken cancellationToken)
    {
        var region = Region(regionCode);
        var adapter = regions.AdapterFor(region);
        var (runId, queued) = await runs.QueueOnceAsync(adapter.SourceSystem, region.Code, mode, cancellationToken);
        if (!queued)
        {
            // The region's previous run is still going: this start is recorded as skipped, never run beside it.
            await runs.SkippedAsync(adapter.SourceSystem, region.Code, mode, runId, cancellationToken);
        }

        await RegionCatalog.ReleaseAsync(adapter);
        if (queued)
        {
            await PlanAndFanOutAsync(runId, regionCode, null, mode, cancellationToken);
        }
    }

    private async Task PlanAndFanOutAsync(long runId, string regionCode, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken)
    {
        var region = Region(regionCode);
        var adapter = regions.AdapterFor(region);
        try
        {
            if (await engine.PlanAsync(region, adapter, runId, schoolSourceId, mode, cancellationToken) is { } plan)
            {
                foreach (var school in plan.Schools)
                {
                    jobs.Enqueue<SyncJobs>(job => job.SchoolAsync(runId, regionCode, school, plan.Cursor, plan.DryRun, CancellationToken.None));
                }
            }
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

    private RegionSource Region(string code) => regions.Find(code) ?? throw new InvalidOperationException($"Unknown region {code}");
}
