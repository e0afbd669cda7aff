using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Scheduler;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// A run always ends: the watchdog ends runs that stopped moving and have no live job, and carries them on once; and it
/// retries runs that failed on an outage, after a pause, a few times.
/// </summary>
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

    [Fact]
    public async Task ARunThatFailedOnAnOutage_IsRetriedByItselfAfterItsPause_ReadingOnlyItsFailedSchool_AndEndsEqualToTheTruth()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var (failed, _) = await harness.RunWithAFailedSchoolAsync(); // ЭлЖур answered 503 to every read of the second school
        Assert.True(await harness.Db.ScalarAsync<bool>("SELECT failed_transiently FROM sync_run WHERE id = $1 AND status = 'failed'", failed));
        await harness.Db.ExecuteAsync("UPDATE sync_run SET finished_at = now() - interval '16 minutes' WHERE id = $1", failed); // the pause is 15 min
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        gateway.CreateClient();
        var watchdog = gateway.Services.GetRequiredService<RunWatchdog>();

        await watchdog.CheckAsync(CancellationToken.None);

        var retry = await harness.Db.ScalarAsync<long>("SELECT id FROM sync_run WHERE retry_of = $1", failed);
        await StorePolling.UntilAsync(harness.Db, "SELECT status NOT IN ('queued', 'running') FROM sync_run WHERE id = $1", retry, TimeSpan.FromMinutes(1));
        var retried = (await harness.Runs.FindAsync(retry, CancellationToken.None))!;
        Assert.True((retried.Status, retried.SchoolsTotal) == ("succeeded", 1), retried.Error);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        await watchdog.CheckAsync(CancellationToken.None);
        Assert.Equal(2L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run"));
    }

    /// <summary>
    /// Only a read of a source that failed on an outage is retried by itself: not a failure of configuration or data, not a
    /// push, not before its pause (doubled for each retry before it), not past its count of retries, not a day later, and
    /// not once another run of its scope or its region came since.
    /// </summary>
    [Fact]
    public async Task OnlyARunThatFailedOnAnOutage_PastItsPause_WithRetriesLeft_AndNoRunSince_IsRetriedByItself()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var runs = new Dictionary<string, long>();
        async Task<long> RunAsync(string name, string scope, string mode, bool transient, string endedAgo, long? retryOf = null, string status = "failed") =>
            runs[name] = await harness.Db.ScalarAsync<long>("""
                INSERT INTO sync_run (source_system, scope, mode, status, finished_at, failed_transiently, retry_of)
                VALUES ($1, $2, $3, $4, now() - $5::interval, $6, $7) RETURNING id
                """, name == "push" ? "vendor-54" : "nso", scope, mode, status, endedAgo, transient, retryOf);

        await RunAsync("due", "54/1", "full", transient: true, "20 minutes");
        await RunAsync("configuration or data", "54/2", "full", transient: false, "1 hour");
        await RunAsync("within its pause", "54/3", "full", transient: true, "10 minutes");
        await RunAsync("retried once, within its doubled pause", "54/4", "full", transient: true, "20 minutes",
            await RunAsync("first of 4", "54/4", "full", transient: true, "1 hour"));
        await RunAsync("retried twice already", "54/5", "full", transient: true, "2 hours",
            await RunAsync("second of 5", "54/5", "full", transient: true, "3 hours", await RunAsync("first of 5", "54/5", "full", transient: true, "4 hours")));
        await RunAsync("a day old", "54/6", "full", transient: true, "25 hours");
        await RunAsync("push", "54/7", "push", transient: true, "1 hour");
        await RunAsync("followed by a run of its region", "54/8", "incremental", transient: true, "1 hour");
        await RunAsync("the region's run since", "54", "incremental", transient: false, "30 minutes", status: "succeeded");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        gateway.CreateClient();

        await gateway.Services.GetRequiredService<RunWatchdog>().CheckAsync(CancellationToken.None);

        var retried = await harness.Db.ScalarAsync<long[]>(
            "SELECT coalesce(array_agg(retry_of ORDER BY id), '{}') FROM sync_run WHERE retry_of IS NOT NULL AND NOT id = ANY($1)", runs.Values.ToArray());
        Assert.Equal([runs["due"]], retried);
    }
}
