using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;
using Npgsql;
using Prometheus;

namespace MySchool.Integration.Gateway.Health;

/// <summary>
/// The runs' health as Prometheus gauges, read from the store at each scrape: runs by status, the age of the oldest
/// queued or running run, schools no successful run covered in 24 hours. A registry of this host's own: the
/// process-wide default registry would mix several hosts of one process (the tests run many) into one answer.
/// </summary>
public sealed class RunMetrics
{
    public RunMetrics(MonitoringReader monitoring)
    {
        var metrics = Metrics.WithCustomRegistry(Registry);
        var runs = metrics.CreateGauge("myschool_sync_runs", "Sync runs recorded, by status", "status");
        var oldest = metrics.CreateGauge("myschool_sync_oldest_active_run_seconds", "Age of the oldest queued or running sync run (0 when none)");
        var behind = metrics.CreateGauge("myschool_sync_schools_behind_24h", "Schools no successful run covered in the last 24 hours");
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                var health = await monitoring.RunHealthAsync(cancellationToken);
                foreach (var status in SyncRuns.Statuses)
                {
                    runs.WithLabels(status).Set(health.RunsByStatus.GetValueOrDefault(status));
                }

                oldest.Set(health.OldestActiveRun.TotalSeconds);
                behind.Set(health.SchoolsBehind);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The store is down: the gauges keep their last values, and /healthz says why.
            }
        });
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
}
