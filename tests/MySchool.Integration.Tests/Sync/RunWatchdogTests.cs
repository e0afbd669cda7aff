using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Scheduler;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>A run always ends: the watchdog ends runs that stopped moving and have no live job, and carries them on once.</summary>
public class RunWatchdogTests
{
    [Fact]
    public async Task ARunWhoseJobIsGone_IsEndedAsInterrupted_AndItsScopeRunsOnceMore_ToTheEnd()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var lost = await harness.Db.ScalarAsync<long>("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, last_activity_at, schools_total, schools_done)
            VALUES ('nso', '54', 'full', 'running', now() - interval '1 hour', now() - interval '1 hour', 2, 1) RETURNING id
            """);
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        gateway.CreateClient();

        await gateway.Services.GetRequiredService<RunWatchdog>().CheckAsync(CancellationToken.None);

        var ended = (await harness.Runs.FindAsync(lost, CancellationToken.None))!;
        Assert.Equal("failed", ended.Status);
        Assert.Contains("прервано", ended.Error, StringComparison.Ordinal);
        var retry = await harness.Db.ScalarAsync<long>("SELECT id FROM sync_run WHERE retry_of = $1", lost);
        await StorePolling.UntilAsync(harness.Db, "SELECT status NOT IN ('queued', 'running') FROM sync_run WHERE id = $1", retry, TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", (await harness.Runs.FindAsync(retry, CancellationToken.None))!.Status);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Fact]
    public async Task ACancelledRun_StartsNoMoreSchools_AndNothingMovesItOutOfCancelled()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var (region, adapter) = (harness.Region, harness.CreateAdapter());
        var runId = await harness.Runs.QueueAsync(adapter.SourceSystem, region.Code, Core.Sync.SyncMode.Full, CancellationToken.None);
        var plan = (await harness.Engine.PlanAsync(region, adapter, runId, null, Core.Sync.SyncMode.Full, CancellationToken.None))!;

        Assert.True(await harness.Runs.CancelAsync(runId, CancellationToken.None));
        foreach (var school in plan.Schools)
        {
            await harness.Engine.SyncSchoolAsync(region, adapter, plan, school, CancellationToken.None);
        }

        Assert.Equal("cancelled", (await harness.Runs.FindAsync(runId, CancellationToken.None))!.Status);
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM person"));
    }

    [Fact]
    public async Task AnInterruptedRetry_IsEnded_ButNotRetriedAgain_AStalledPushOrFileIsEndedButNotReadByTheAdapter_AndAMovingRunIsLeftAlone()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var first = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status, finished_at) VALUES ('nso', '54', 'full', 'failed', now()) RETURNING id");
        var retry = await harness.Db.ScalarAsync<long>("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, last_activity_at, retry_of)
            VALUES ('nso', '54', 'full', 'running', now() - interval '1 hour', now() - interval '1 hour', $1) RETURNING id
            """, first);
        var moving = await harness.Db.ScalarAsync<long>("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, last_activity_at)
            VALUES ('nso', '54/1001', 'full', 'running', now() - interval '1 hour', now()) RETURNING id
            """);
        // A file applied and a file checked whose gateway died while writing them: the region's adapter must not take them up.
        await harness.Db.ExecuteAsync("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, last_activity_at)
            VALUES ('import:54', '54', 'push', 'running', now() - interval '1 hour', now() - interval '1 hour'),
                   ('import:54', '54', 'reconcile', 'running', now() - interval '1 hour', now() - interval '1 hour')
            """);
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        gateway.CreateClient();

        await gateway.Services.GetRequiredService<RunWatchdog>().CheckAsync(CancellationToken.None);

        Assert.Equal("failed", (await harness.Runs.FindAsync(retry, CancellationToken.None))!.Status);
        Assert.Equal("running", (await harness.Runs.FindAsync(moving, CancellationToken.None))!.Status);
        Assert.Equal(2L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run WHERE source_system = 'import:54' AND status = 'failed'"));
        Assert.Equal(5L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run"));
    }
}
