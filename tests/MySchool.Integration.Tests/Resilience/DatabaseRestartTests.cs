using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;
using Xunit.Abstractions;

namespace MySchool.Integration.Tests.Resilience;

/// <summary>
/// PostgreSQL stopped as a crash would (immediate shutdown) in the middle of a sync, then started again: while it is
/// down the gateway says so (/healthz Unhealthy, a push UNAVAILABLE and written nowhere); once it is back the
/// interrupted run ends by itself, equal to the truth, and a repeat writes nothing.
/// </summary>
public class DatabaseRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostgreSqlRestartedMidSync_TheGatewaySaysSoWhileDown_AndTheRunEndsByItselfOnceItIsBack()
    {
        var cluster = await PostgresCluster.StartPrivateAsync();
        try
        {
            await RestartMidSyncAsync(cluster);
        }
        finally
        {
            await cluster.RemoveAsync();
        }
    }

    private async Task RestartMidSyncAsync(PostgresCluster cluster)
    {
        await using var harness = await SlowRegion.StartAsync(cluster); // schools are still being read when the database goes
        var settings = SlowRegion.Settings(harness);
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, settings);
        var client = await gateway.CreateClientAsync("operator");
        var vendor = new VendorExchange.VendorExchangeClient(await gateway.ChannelAsync("vendor-54"));
        using var started = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
        var runId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>();
        await StorePolling.UntilAsync(harness.Db, "SELECT schools_done >= 1 FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(3));

        await cluster.StopImmediatelyAsync();
        using var down = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var push = await Assert.ThrowsAsync<RpcException>(() => PushFixture.PushAsync(vendor, PushFixture.Header("while-down"), PushFixture.SampleSchool()));
        harness.World.Nso.Faults.Reset();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.StartAgainAsync();
        var backAt = Stopwatch.GetTimestamp();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(StatusCode.Unavailable, push.StatusCode);
        try
        {
            await StorePolling.UntilAsync(harness.Db, "SELECT status NOT IN ('queued', 'running') FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            // Seen only under the full suite's load: say where the run stands, so the next failure explains itself.
            output.WriteLine(await harness.Db.ScalarAsync<string>("""
                SELECT concat_ws(E'\n', (SELECT row_to_json(r)::text FROM sync_run r WHERE r.id = $1),
                    (SELECT string_agg(row_to_json(s)::text, E'\n') FROM sync_run_school s WHERE s.run_id = $1),
                    (SELECT string_agg(j.id || ' ' || j.statename || ' ' || left(j.invocationdata::text, 160), E'\n' ORDER BY j.id) FROM hangfire.job j),
                    (SELECT string_agg(s.jobid || ' ' || s.name || ' ' || coalesce(s.reason, '') || ' ' || left(s.data::text, 400), E'\n' ORDER BY s.id)
                     FROM hangfire.state s WHERE s.name IN ('Failed', 'Scheduled')))
                """, runId));
            throw;
        }

        output.WriteLine($"PostgreSQL's return to the run's end: {Stopwatch.GetElapsedTime(backAt).TotalSeconds:F1} s");
        using var up = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var run = (await harness.Runs.FindAsync(runId, CancellationToken.None))!;
        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM push_batch WHERE idempotency_key = 'while-down'"));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        var repeat = await harness.SyncAsync();
        Assert.Equal(0L, repeat.Inserted + repeat.Updated + repeat.Deleted);
    }
}
