using System.Globalization;
using System.Text.RegularExpressions;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Monitoring;

/// <summary>/metrics as Prometheus scrapes it: the runs' health read from the store, and the engine's retry counter.</summary>
public class RunMetricsTests
{
    [Fact]
    public async Task Metrics_CountRunsByStatus_TheOldestActiveRunsAge_SchoolsBehind_AndSchoolRetries()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        var client = gateway.CreateClient();
        await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)); // the exporter listens from its first scrape on
        harness.World.Nso.Faults.Arm(EljurFaults.Unavailable, 1); // one source read retried
        var synced = await harness.SyncAsync();
        await harness.Db.ExecuteAsync("""
            INSERT INTO sync_run (source_system, scope, mode, status, queued_at, started_at) VALUES ('nso', '54', 'full', 'running', now() - interval '1 hour', now() - interval '1 hour');
            INSERT INTO sync_run (source_system, scope, mode, status, finished_at) VALUES ('nso', '54', 'full', 'failed', now());
            """);

        var fresh = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        await harness.Db.ExecuteAsync("UPDATE sync_run SET finished_at = now() - interval '2 days' WHERE id = $1", synced.Id);
        var stale = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(1, Value(fresh, "myschool_sync_runs{status=\"succeeded\"}"));
        Assert.Equal(1, Value(fresh, "myschool_sync_runs{status=\"failed\"}"));
        Assert.Equal(1, Value(fresh, "myschool_sync_runs{status=\"running\"}"));
        Assert.Equal(0, Value(fresh, "myschool_sync_runs{status=\"cancelled\"}"));
        Assert.InRange(Value(fresh, "myschool_sync_oldest_active_run_seconds"), 3500, 4000);
        Assert.Equal(0, Value(fresh, "myschool_sync_schools_behind_24h"));
        Assert.Equal(2, Value(stale, "myschool_sync_schools_behind_24h"));
        Assert.True(Value(fresh, "myschool_integration_sync_school_retries{kind=\"source\"}") >= 1);
    }

    /// <summary>The value of one series in Prometheus's text format (its name and labels exactly as given).</summary>
    private static double Value(string text, string series)
    {
        var line = Regex.Match(text, $"^{Regex.Escape(series)} (\\S+)$", RegexOptions.Multiline);
        Assert.True(line.Success, $"{series} is not in /metrics");
        return double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
