using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>POST /api/sync/{region} and the runs API, through the real host with Hangfire running the job.</summary>
public class SyncApiTests
{
    [Fact]
    public async Task PostSync_QueuesAHangfireRun_ThatEndsWithTheStoreEqualToTheTruth()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        using var response = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>();
        Assert.Equal($"/api/sync/runs/{runId}", response.Headers.Location!.ToString());
        var run = await WaitForAsync(client, runId);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal(1f, run["progress"]!.GetValue<float>());
        // The run fanned out one Hangfire job per school, and every one reported back.
        Assert.Equal((2, 2), (run["schoolsTotal"]!.GetValue<int>(), run["schoolsDone"]!.GetValue<int>()));
        Assert.True(run["inserted"]!.GetValue<long>() > 0);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        var list = await client.GetFromJsonAsync<JsonArray>(new Uri("/api/sync/runs", UriKind.Relative));
        Assert.Equal(runId, list![0]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task PostSync_OfOneSchool_SyncsThatSchoolOnly()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await harness.SyncAsync();
        var schoolId = await harness.Db.ScalarAsync<Guid>("SELECT federal_id FROM identity_map WHERE kind = 'school' ORDER BY source_id LIMIT 1");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        using var response = await client.PostAsync(new Uri($"/api/sync/54?school={schoolId}&mode=full", UriKind.Relative), null);
        var run = await WaitForAsync(client, (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>());

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.EndsWith("/1001", run["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0L, run["inserted"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/api/sync/54")]
    [InlineData("/api/sync/54?mode=incremental")]
    public async Task PostSync_WhileARunOfTheRegionIsGoing_IsAConflictNamingThatRun(string path)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var running = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status, started_at) VALUES ('nso', '54/1001', 'full', 'running', now()) RETURNING id");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));

        using var response = await (await gateway.CreateClientAsync("operator")).PostAsync(new Uri(path, UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(running, problem["runId"]!.GetValue<long>());
        Assert.Contains($"запуск {running}", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run"));
    }

    [Fact]
    public async Task CancellingARun_EndsIt_AndIsAudited_ThenANewStartIsAccepted_AndAnEndedRunCannotBeCancelled()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var queued = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status) VALUES ('nso', '54', 'full', 'queued') RETURNING id");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        using var cancelled = await client.PostAsync(new Uri($"/api/sync/runs/{queued}/cancel", UriKind.Relative), null);
        using var again = await client.PostAsync(new Uri($"/api/sync/runs/{queued}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'sync.cancel' AND actor = 'operator'"));
        using var start = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
    }

    /// <summary>A file's check and a vendor's push are their sender's to send again: the region's adapter never reads them.</summary>
    [Fact]
    public async Task RetryingAFailedFileCheckOrPush_IsRefused_AndQueuesNothing()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var fileCheck = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status, finished_at) VALUES ('import:54', '54', 'reconcile', 'failed', now()) RETURNING id");
        var push = await harness.Db.ScalarAsync<long>("INSERT INTO sync_run (source_system, scope, mode, status, finished_at) VALUES ('vendor-54', '54', 'push', 'failed', now()) RETURNING id");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        foreach (var run in new[] { fileCheck, push })
        {
            using var retry = await client.PostAsync(new Uri($"/api/sync/runs/{run}/retry", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        }

        Assert.Equal(2L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run"));
    }

    [Fact]
    public async Task RetryingAFailedRun_ReadsOnlyItsFailedSchools_IsAudited_AndEndsEqualToTheTruth()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var (failed, plan) = await harness.RunWithAFailedSchoolAsync();
        // A school job run again (its process died after recording) adds nothing to the run.
        var adapter = harness.CreateAdapter();
        await harness.Engine.SyncSchoolAsync(harness.Region, adapter, plan, plan.Schools[0], CancellationToken.None);
        await RegionCatalog.ReleaseAsync(adapter);
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        var before = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/sync/runs/{failed}", UriKind.Relative)))!;
        var failedSchools = (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/sync/runs/{failed}/failed-schools", UriKind.Relative)))!;
        var schools = (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/sync/runs/{failed}/schools", UriKind.Relative)))!;
        using var retry = await client.PostAsync(new Uri($"/api/sync/runs/{failed}/retry", UriKind.Relative), null);

        Assert.Equal(("failed", 2), (before["status"]!.GetValue<string>(), before["schoolsDone"]!.GetValue<int>()));
        Assert.Equal(plan.Schools[1].SourceId, failedSchools.Single()!["schoolSourceId"]!.GetValue<string>());
        Assert.Contains("503", failedSchools.Single()!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        // Each school's own outcome, the failed one first; the succeeded one with what it read and wrote.
        Assert.Equal([plan.Schools[1].SourceId, plan.Schools[0].SourceId], schools.Select(s => s!["sourceId"]!.GetValue<string>()));
        Assert.False(schools[0]!["succeeded"]!.GetValue<bool>());
        Assert.True(schools[1]!["read"]!.GetValue<long>() > 0 && schools[1]!["written"]!.GetValue<long>() > 0);
        Assert.NotNull(schools[1]!["schoolId"]);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var retried = await WaitForAsync(client, (await retry.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>());
        Assert.Equal(("succeeded", 1), (retried["status"]!.GetValue<string>(), retried["schoolsTotal"]!.GetValue<int>()));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'sync.retry' AND actor = 'operator'"));
        using var again = await client.PostAsync(new Uri($"/api/sync/runs/{retried["id"]}/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        // The list of runs searches as the history page does: only the failed one, with the total in a header.
        using var failures = await client.GetAsync(new Uri("/api/sync/runs?status=failed", UriKind.Relative));
        Assert.Equal([failed], (await failures.Content.ReadFromJsonAsync<JsonArray>())!.Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal("1", failures.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task QuickStartsOfOneRegion_QueueOneRun_TheOthersAreConflicts()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));
        var client = await gateway.CreateClientAsync("operator");

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null)));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        await WaitForAsync(client, (await responses.Single(r => r.IsSuccessStatusCode).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>());
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run WHERE mode = 'full'"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("/api/sync/99", HttpStatusCode.NotFound)]
    [InlineData("/api/sync/54?mode=sideways", HttpStatusCode.BadRequest)]
    [InlineData("/api/sync/54?school=6d4a2f0e-0000-0000-0000-000000000000", HttpStatusCode.NotFound)]
    public async Task PostSync_BadRequest_IsAProblemInRussian(string path, HttpStatusCode status)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));

        using var response = await (await gateway.CreateClientAsync("operator")).PostAsync(new Uri(path, UriKind.Relative), null);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches("[А-Яа-я]", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_Unknown_Is404()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));

        using var response = await (await gateway.CreateClientAsync("operator")).GetAsync(new Uri("/api/sync/runs/424242", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PostSync_WithoutAToken_Is401_AndWithAFederalToken_Is403()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, RegionSettings(harness));

        using var anonymous = await gateway.CreateClient().PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
        using var federal = await (await gateway.CreateClientAsync("federal")).PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, federal.StatusCode);
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run"));
    }

    /// <summary>Region 54 as configuration, pointing at this harness's mock.</summary>
    public static Dictionary<string, string> RegionSettings(SyncHarness harness) => MockRegions.AsConfiguration(harness.Region);

    private static async Task<JsonObject> WaitForAsync(HttpClient client, long runId)
    {
        // Generous: on a busy 2-core CI machine Hangfire's hosts start and poll slower.
        for (var attempt = 0; attempt < 720; attempt++)
        {
            var run = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/sync/runs/{runId}", UriKind.Relative)))!;
            if (run["status"]!.GetValue<string>() is not ("queued" or "running"))
            {
                return run;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"run {runId} did not finish within three minutes");
    }
}
