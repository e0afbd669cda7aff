using Hangfire;
using Hangfire.Storage;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Scheduler;

/// <summary>How the watchdog looks after runs (section <c>Scheduler</c>).</summary>
/// <param name="Quiet">How long a run may go without moving before the watchdog looks at it (<c>WatchdogMinutes</c>).</param>
/// <param name="RetryPause">How long after a failure on an outage its run is retried (<c>RetryPauseMinutes</c>), doubled for each retry.</param>
/// <param name="Retries">How often one run is retried after outages (<c>Retries</c>; 0: never, an operator does).</param>
public sealed record RunWatchdogOptions(TimeSpan Quiet, TimeSpan RetryPause, int Retries);

/// <summary>
/// A run always ends, and an outage does not leave a region behind until the next night. Every minute the watchdog:
/// <list type="bullet">
/// <item>ends as failed («прервано») each run queued or running that has not moved for the quiet period and has no live
/// Hangfire job (processing or waiting in a queue): its job is gone (failed while the database was down, lost with its
/// process; a push or file whose process died). An adapter run's unfinished schools are queued once more, once: a run
/// that is itself such a retry is not retried again;</item>
/// <item>retries an adapter run that failed on an outage (the source or the database unavailable, an answer late), as
/// Airbyte retries a failed attempt: after a pause that doubles with each retry, a few times, and never once another run
/// of its scope came since. The retry reads only the schools that did not succeed. A failure of configuration or data
/// waits for an operator.</item>
/// </list>
/// </summary>
public sealed class RunWatchdog(SyncRuns runs, JobStorage storage, IBackgroundJobClient jobs, RegionCatalog regions, RunWatchdogOptions options)
{
    [JobDisplayName("Сторож запусков синхронизации")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await EndStalledAsync(cancellationToken);
        if (options.Retries > 0)
        {
            foreach (var run in await runs.FailedOnOutageAsync(options.RetryPause, options.Retries, cancellationToken))
            {
                await RetryReadAsync(run, cancellationToken);
            }
        }
    }

    private async Task EndStalledAsync(CancellationToken cancellationToken)
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
            if (await runs.InterruptAsync(run.Id, reason, cancellationToken) && run.RetryOf is null)
            {
                await RetryReadAsync(run, cancellationToken);
            }
        }
    }

    /// <summary>Only the region's own adapter is read again; a push or a file is its sender's to send again.</summary>
    private async Task RetryReadAsync(RunToRetry run, CancellationToken cancellationToken)
    {
        if (await regions.CanReadAgainAsync(run.Scope, run.SourceSystem, run.Mode))
        {
            await SyncJobs.QueueRetryAsync(runs, jobs, run.SourceSystem, run.Scope, run.Mode, run.Id, cancellationToken);
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
