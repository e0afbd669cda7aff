using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;
using Xunit.Abstractions;

namespace MySchool.Integration.Tests.Resilience;

/// <summary>
/// A gateway process killed with SIGKILL in the middle of a sync, as the OOM killer or a pulled plug would: another
/// gateway process on the same database carries the run to its end, nothing lost, nothing doubled.
/// </summary>
public class GatewayKilledTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AGatewayKilledMidSync_ItsRunIsFinishedByAnotherGatewayProcess_EqualToTheTruth_AndARepeatWritesNothing()
    {
        await using var harness = await SlowRegion.StartAsync(); // schools are still being read when the kill comes
        var settings = SlowRegion.Settings(harness);

        var first = await GatewayProcess.StartAsync(harness.Db.ConnectionString, settings);
        long runId;
        using (var client = await first.ClientAsync())
        {
            using var started = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            runId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>();
        }

        await StorePolling.UntilAsync(harness.Db, "SELECT schools_done >= 1 FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(2));
        await first.DisposeAsync(); // SIGKILL
        var killedAt = Stopwatch.GetTimestamp();
        harness.World.Nso.Faults.Reset();
        var inFlight = await harness.Db.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue WHERE fetchedat IS NOT NULL");
        var unfinished = await harness.Db.ScalarAsync<int>("SELECT schools_total - schools_done FROM sync_run WHERE id = $1", runId);
        Assert.True(inFlight > 0 && unfinished > 0, $"the kill must come mid-sync: {inFlight} jobs in flight, {unfinished} schools unfinished");

        await using var second = await GatewayProcess.StartAsync(harness.Db.ConnectionString, settings);
        await StorePolling.UntilAsync(harness.Db, "SELECT status NOT IN ('queued', 'running') FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(3));
        output.WriteLine($"SIGKILL to the run's end: {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:F1} s ({unfinished} schools unfinished, {inFlight} in flight)");

        var run = (await harness.Runs.FindAsync(runId, CancellationToken.None))!;
        Assert.Equal(("succeeded", 10, 10), (run.Status, run.SchoolsTotal, run.SchoolsDone));
        Assert.Equal(10L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run_school WHERE run_id = $1 AND succeeded", runId));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        var repeat = await harness.SyncAsync();
        Assert.Equal(0L, repeat.Inserted + repeat.Updated + repeat.Deleted);
    }
}
