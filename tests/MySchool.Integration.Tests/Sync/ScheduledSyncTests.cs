using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Scheduler;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Sync;

/// <summary>Several gateway processes on one database: Hangfire spreads the jobs, and a scheduled sync runs once.</summary>
public class ScheduledSyncTests
{
    [Fact]
    public async Task TwoGateways_OnOneDatabase_RunEachScheduledRegionSyncOnce()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var settings = SyncApiTests.RegionSettings(harness);
        settings["Regions:54:Schedule"] = "*/5 * * * * *"; // every 5 s (Hangfire takes seconds in a six-part cron)
        settings["Scheduler:PollingSeconds"] = "1";
        await using var first = new GatewayFactory(harness.Db.ConnectionString, settings);
        await using var second = new GatewayFactory(harness.Db.ConnectionString, settings);
        var started = TimeProvider.System.GetTimestamp();
        first.CreateClient();
        second.CreateClient();

        // Until two scheduled runs have finished (hosts may take a while to start when the machine is busy).
        for (var waited = 0; waited < 300 && (await harness.Runs.LatestAsync(100, CancellationToken.None)).Count(run => run.FinishedAt is not null) < 2; waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var hangfire = await HangfireStateAsync(harness);
        await first.DisposeAsync();
        await second.DisposeAsync();
        var occurrences = (int)Math.Ceiling(TimeProvider.System.GetElapsedTime(started).TotalSeconds / 5) + 1;

        // Twice-run occurrences would double the count; never two at once is the other half of "once".
        // A start that met the previous run still going is recorded as skipped: it ran nothing.
        var runs = (await harness.Runs.LatestAsync(100, CancellationToken.None)).Where(run => run.Status != "skipped").OrderBy(run => run.Id).ToList();
        Assert.True(runs.Count >= 2 && runs.Count <= occurrences, $"{runs.Count} runs in {occurrences} occurrences; Hangfire: {hangfire}");
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.True(pair.First.FinishedAt is null || pair.First.FinishedAt <= pair.Second.StartedAt, "two scheduled syncs of one region overlapped"));
        Assert.All(runs.Where(run => run.Status is not ("queued" or "running")), run => Assert.Equal("succeeded", run.Status));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Fact]
    public async Task AScheduledStart_ThatMeetsTheRegionsRunStillGoing_IsSkippedAndRecorded()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var running = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status, started_at) VALUES ('nso', '54', 'full', 'running', now()) RETURNING id");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        gateway.CreateClient();

        await gateway.Services.GetRequiredService<SyncJobs>().ScheduledAsync("54", CancellationToken.None);

        var runs = await harness.Runs.LatestAsync(10, CancellationToken.None);
        Assert.Equal(["running", "skipped"], runs.Select(run => run.Status).Order(StringComparer.Ordinal));
        Assert.Contains($"запуск {running}", runs.Single(run => run.Status == "skipped").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGateway_RunsAsManyHangfireWorkersAsConfigured()
    {
        var database = await (await MySchool.Integration.Testing.PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync();
        await using var gateway = new GatewayFactory(database, new Dictionary<string, string> { ["Scheduler:Workers"] = "6" });
        gateway.CreateClient();
        var monitoring = gateway.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

        // The server announces itself once started.
        for (var waited = 0; waited < 60 && monitoring.Servers().Count == 0; waited++)
        {
            await Task.Delay(500);
        }

        Assert.Equal(6, monitoring.Servers().Single().WorkersCount);
    }

    [Fact]
    public async Task TwoGateways_InOneProcess_OnDifferentDatabases_KeepTheirJobsApart()
    {
        var cluster = await MySchool.Integration.Testing.PostgresCluster.SharedAsync();
        var (first, second) = (await cluster.CreateMigratedDatabaseAsync(), await cluster.CreateMigratedDatabaseAsync());
        await using var a = new GatewayFactory(first);
        await using var b = new GatewayFactory(second);
        a.CreateClient();
        b.CreateClient();

        a.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<SyncJobs>(job => job.RunAsync(0, "00", null, SyncMode.Full, CancellationToken.None));

        await using var dbA = NpgsqlDataSource.Create(first);
        await using var dbB = NpgsqlDataSource.Create(second);
        // The enqueued run only: a host's recurring jobs (the watchdog, the mail, scheduled syncs) may fire meanwhile, in its own database.
        const string SyncJobsQueued = "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%SyncJobs%' AND invocationdata::text LIKE '%RunAsync%'";
        Assert.Equal(1L, await dbA.ScalarAsync<long>(SyncJobsQueued));
        Assert.Equal(0L, await dbB.ScalarAsync<long>(SyncJobsQueued));
    }

    [Fact]
    public async Task AGatewayKeepsRunningJobs_AfterAnotherGatewayInTheSameProcessIsDisposed()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var staying = new GatewayFactory(harness.Db.ConnectionString, SyncApiTests.RegionSettings(harness));
        var client = await staying.CreateClientAsync("operator");
        var leaving = new GatewayFactory(await (await MySchool.Integration.Testing.PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());
        leaving.CreateClient();
        await leaving.DisposeAsync();

        using var response = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        for (var waited = 0; waited < 240 && (await harness.Runs.LatestAsync(1, CancellationToken.None)).Single().FinishedAt is null; waited++)
        {
            await Task.Delay(500);
        }

        var run = (await harness.Runs.LatestAsync(1, CancellationToken.None)).Single();
        Assert.True(run.Status == "succeeded", $"{run.Status}; Hangfire: {await HangfireStateAsync(harness)}");
    }

    /// <summary>What Hangfire did, for the failure message: job states with their reasons, held locks, live servers.</summary>
    private static Task<string> HangfireStateAsync(SyncHarness harness) => harness.Db.ScalarAsync<string>("""
        SELECT concat_ws(' | ',
            (SELECT string_agg(j.statename || ' ' || coalesce(s.reason, '') || ' ' || coalesce(s.data ->> 'ExceptionMessage', ''), '; ' ORDER BY j.id)
             FROM hangfire.job j LEFT JOIN hangfire.state s ON s.id = j.stateid),
            'locks: ' || (SELECT string_agg(resource, ', ') FROM hangfire.lock),
            'servers: ' || (SELECT count(*) FROM hangfire.server))
        """);
}
