using Hangfire;
using Hangfire.Storage;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Scheduler;

/// <summary>How long a run may go without moving before the watchdog looks at it (<c>Scheduler:WatchdogMinutes</c>).</summary>
public sealed record RunWatchdogOptions(TimeSpan Quiet);

/// <summary>
/// A run always ends. Every minute the watchdog looks for runs queued or running that have not moved for the quiet
/// period and have no live Hangfire job (processing or waiting in a queue): their jobs are gone (failed while the
/// database was down, lost with their process; a push or file whose process died). It ends each as failed («прервано»)
/// and queues an adapter run's unfinished schools once more, once: a run that is itself such a retry is not retried again.
/// </summary>
public sealed class RunWatchdog(SyncRuns runs, JobStorage storage, IBackgroundJobClient jobs, RegionCatalog regions, RunWatchdogOptions options)
{
    [JobDisplayName("Сторож запусков синхронизации")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var stalled = await runs.StalledAsync(options.Quiet, cancellationToken);
        if (stalled.Count == 0)
        {
            return;
        }

        var live = LiveRunIds(storage.GetMonitoringApi());
        foreach (var run in stalled.Where(run => !live.Contains(run.Id)))
        {
            var reason = $"прервано: запуск не продвигался {options.Quiet.TotalMinutes:0} мин, и его задания нет";
            if (!await runs.InterruptAsync(run.Id, reason, cancellationToken) || run.RetryOf is not null)
            {
                continue;
            }

            // Only the region's own adapter is read again; a push or a file is its sender's to send again.
            if (run.Mode != SyncMode.Push && regions.Find(run.Scope.Split('/')[0]) is { Adapter.Length: > 0 } region && await IsAdapterOfAsync(region, run.SourceSystem))
            {
                await SyncJobs.QueueRetryAsync(runs, jobs, run.SourceSystem, run.Scope, run.Mode, run.Id, cancellationToken);
            }
        }
    }

    private async Task<bool> IsAdapterOfAsync(RegionSource region, string sourceSystem)
    {
        var adapter = regions.AdapterFor(region);
        try
        {
            return adapter.SourceSystem == sourceSystem;
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

    /// <summary>Runs that have a sync job processing, or waiting in a queue, on any gateway process.</summary>
    private static HashSet<long> LiveRunIds(IMonitoringApi monitoring)
    {
        var jobs = monitoring.ProcessingJobs(0, 1000).Select(job => job.Value?.Job)
            .Concat(monitoring.Queues().SelectMany(queue => monitoring.EnqueuedJobs(queue.Name, 0, 10_000).Select(job => job.Value?.Job)));
        return [.. jobs.Where(job => job?.Type == typeof(SyncJobs) && job.Args.Count > 0 && job.Args[0] is long).Select(job => (long)job!.Args[0])];
    }
}
