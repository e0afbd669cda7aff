using MySchool.Integration.Adapters.Sferum;
using MySchool.Integration.Core.Communities;
using MySchool.Integration.Mocks.Sferum;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Communities;

/// <summary>«Сферум» provisioning and join requests against the mock, over HTTP, with the registry in PostgreSQL.</summary>
public class CommunitySyncTests
{
    [Fact]
    public async Task Provisioning_GivesEveryClassItsPlatformClassAndMembers_AndARepeatSendsNothing()
    {
        await using var communities = await CommunitiesHarness.StartAsync();

        var first = await communities.ProvisionAllAsync();
        var again = await communities.ProvisionAllAsync();

        Assert.Equal((8, 8, 0), (first.Classes, first.MembersSent, first.Unchanged));
        Assert.Equal((8, 0, 8), (again.Classes, again.MembersSent, again.Unchanged));
        Assert.Equal(8L, await communities.Harness.Db.ScalarAsync<long>("SELECT count(DISTINCT platform_class_id) FROM community_class"));
        // createClass is idempotent by our class id: asking again answers the same platform class.
        var (classId, platformClassId) = await communities.FirstClassAsync();
        var organization = await communities.Platform.FindOrganizationAsync(await communities.Harness.Db.ScalarAsync<string>("SELECT s.inn FROM school s JOIN class c ON c.school_id = s.id WHERE c.id = $1", classId), default);
        Assert.Equal(platformClassId, (await communities.Platform.EnsureClassAsync(organization!, classId, "8 «А»", "2023/2024", default)).ClassId);
    }

    [Fact]
    public async Task AJoinRequestWithOneExactMatch_IsApprovedAndLinked_AndOneNotInTheRegistry_WaitsWithTheReason()
    {
        await using var communities = await CommunitiesHarness.StartAsync();
        communities.Harness.World.Sferum.Faults.Arm(SferumFaults.RequestNotInRegistry, 1);

        var result = await communities.MatchAllAsync();

        Assert.Equal((4, 1), (result.Approved, result.Held));
        Assert.Equal(4, communities.Harness.World.SferumApi.Decisions.Count(d => d.Value.Decision == "approve"));
        Assert.Equal(4L, await communities.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM join_request WHERE status = 'approved' AND person_id IS NOT NULL"));
        Assert.Equal("not-in-registry", await communities.Harness.Db.ScalarAsync<string>("SELECT reason_code FROM join_request WHERE status = 'held'"));
        Assert.Contains("Незнакомов", await communities.Harness.Db.ScalarAsync<string>("SELECT reason FROM join_request WHERE status = 'held'"), StringComparison.Ordinal);

        var repeat = await communities.MatchAllAsync(); // the held one is not decided again; nothing else is pending
        Assert.Equal((0, 0), (repeat.Approved, repeat.Held));
    }

    [Fact]
    public async Task AHeldJoinRequest_RejectedByTheSchoolAdmin_ReachesSferumWithTheReason_AndIsRecordedAndAudited()
    {
        await using var communities = await CommunitiesHarness.StartAsync();
        communities.Harness.World.Sferum.Faults.Arm(SferumFaults.RequestNotInRegistry, 1);
        await communities.MatchAllAsync();
        var held = await communities.Harness.Db.ScalarAsync<string>("SELECT request_id FROM join_request WHERE status = 'held'");

        Assert.NotNull(await communities.Sync.DecideAsync(held, approve: false, " ", "esia:1000000301", default));
        Assert.Null(await communities.Sync.DecideAsync(held, approve: false, "Такого ученика в школе нет", "esia:1000000301", default));
        Assert.NotNull(await communities.Sync.DecideAsync(held, approve: true, "", "esia:1000000301", default)); // decided once

        Assert.Equal(("reject", "Такого ученика в школе нет"), communities.Harness.World.SferumApi.Decisions[int.Parse(held, System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal("rejected esia:1000000301", await communities.Harness.Db.ScalarAsync<string>("SELECT status || ' ' || decided_by FROM join_request WHERE request_id = $1", held));
        Assert.Equal(1L, await communities.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'join-request.reject' AND details ->> 'requestId' = $1", held));
    }

    [Fact]
    public async Task AJoinRequestMatchingTwoRegistryPeople_WaitsForTheSchoolAdmin()
    {
        await using var communities = await CommunitiesHarness.StartAsync();
        communities.Harness.World.Sferum.Faults.Arm(SferumFaults.RequestMatchesTwo, 1);
        var organization = await communities.Platform.FindOrganizationAsync(communities.Harness.SourceRegion.Schools[0].Inn, default);
        await communities.Platform.JoinRequestsAsync(organization!, default); // the mock's registry now has a twin
        await communities.Harness.SyncAsync();

        await communities.MatchAllAsync();

        Assert.Equal("ambiguous", await communities.Harness.Db.ScalarAsync<string>("SELECT reason_code FROM join_request WHERE status = 'held'"));
    }

    [Fact]
    public async Task AfterARosterSyncThroughTheGateway_HangfireProvisionsTheSchoolsCommunities()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        var settings = SyncApiTests.RegionSettings(harness);
        settings["Sferum:BaseUrl"] = harness.World.Sferum.BaseAddress.ToString();
        settings["Sferum:ClientId"] = "myschool-gw";
        settings["Sferum:ClientSecret"] = "sferum-secret";
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, settings);
        var client = await gateway.CreateClientAsync("operator");

        using var response = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();

        for (var waited = 0; waited < 240 && await harness.Db.ScalarAsync<long>("SELECT count(*) FROM community_class") < 8; waited++)
        {
            await Task.Delay(500);
        }

        Assert.Equal(8L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM community_class"));
    }

    [Theory]
    [InlineData(SferumFaults.TooManyRequests, 2)]
    [InlineData(SferumFaults.TokenInvalidOnce, 1)]
    [InlineData(SferumFaults.BadGateway, 2)]
    [InlineData("error-1", 1)]
    [InlineData("error-10", 1)]
    public async Task ARetryableError_IsRetriedAsTheContractSays_AndTheCallSucceeds(string fault, int calls)
    {
        await using var communities = await CommunitiesHarness.StartAsync(synced: false);
        communities.Harness.World.Sferum.Faults.Arm(fault, calls);

        var organization = await communities.Platform.FindOrganizationAsync(communities.Harness.SourceRegion.Schools[0].Inn, default);

        Assert.NotNull(organization);
    }

    [Theory]
    [InlineData("error-15", 15, PlatformFailure.Refused)]
    [InlineData("error-100", 100, PlatformFailure.Refused)]
    [InlineData("error-14", 14, PlatformFailure.Operator)]
    [InlineData("error-9", 9, PlatformFailure.Later)]
    [InlineData("error-29", 29, PlatformFailure.Later)]
    public async Task AnErrorThatRetryingCannotFix_StopsAtOnce_WithWhatToDo(string fault, int code, PlatformFailure failure)
    {
        await using var communities = await CommunitiesHarness.StartAsync(synced: false);
        var classId = Guid.NewGuid();
        var organization = await communities.Platform.FindOrganizationAsync(communities.Harness.SourceRegion.Schools[0].Inn, default);
        communities.Harness.World.Sferum.Faults.Arm(fault, 1);

        var error = await Assert.ThrowsAsync<CommunityPlatformException>(() => communities.Platform.EnsureClassAsync(organization!, classId, "8 «А»", "2023/2024", default));

        Assert.Equal((code, failure), (error.Code, error.Failure));
        Assert.Matches("[А-Яа-я]", error.Message);
        // Not retried: the next call goes through on the first try.
        Assert.NotNull(await communities.Platform.EnsureClassAsync(organization!, classId, "8 «А»", "2023/2024", default));
    }

    /// <summary>A synced small region 54 and the Sferum client pointed at its mock.</summary>
    private sealed class CommunitiesHarness : IAsyncDisposable
    {
        private CommunitiesHarness(SyncHarness harness, SferumClient platform)
        {
            Harness = harness;
            Platform = platform;
            Sync = new CommunitySync(harness.Db, platform, new MySchool.Integration.Core.Store.AuditLog(harness.Db), TimeProvider.System);
        }

        public SyncHarness Harness { get; }

        public SferumClient Platform { get; }

        public CommunitySync Sync { get; }

        /// <param name="synced">Sync the region first; the platform's own faults need only its mock, which knows the schools by INN.</param>
        public static async Task<CommunitiesHarness> StartAsync(bool synced = true)
        {
            var harness = await SyncHarness.StartAsync("nso");
            if (synced)
            {
                await harness.SyncAsync();
            }

            var options = new MySchool.Integration.Adapters.Sferum.SferumOptions { BaseUrl = harness.World.Sferum.BaseAddress, ClientId = "myschool-gw", ClientSecret = "sferum-secret", Backoff = TimeSpan.FromMilliseconds(100) };
            return new CommunitiesHarness(harness, new SferumClient(new HttpClient(), options, TimeProvider.System));
        }

        public async Task<ProvisionResult> ProvisionAllAsync()
        {
            var total = new ProvisionResult(0, 0, 0);
            foreach (var school in await SchoolsAsync())
            {
                var result = await Sync.ProvisionSchoolAsync(school, default);
                total = new ProvisionResult(total.Classes + result.Classes, total.MembersSent + result.MembersSent, total.Unchanged + result.Unchanged);
            }

            return total;
        }

        public async Task<JoinRequestResult> MatchAllAsync()
        {
            var total = new JoinRequestResult(0, 0);
            foreach (var school in await SchoolsAsync())
            {
                var result = await Sync.MatchJoinRequestsAsync(school, default);
                total = new JoinRequestResult(total.Approved + result.Approved, total.Held + result.Held);
            }

            return total;
        }

        public async Task<(Guid ClassId, string PlatformClassId)> FirstClassAsync() =>
            (await Harness.Db.ScalarAsync<Guid>("SELECT class_id FROM community_class ORDER BY class_id LIMIT 1"),
             await Harness.Db.ScalarAsync<string>("SELECT platform_class_id FROM community_class ORDER BY class_id LIMIT 1"));

        private async Task<List<Guid>> SchoolsAsync()
        {
            var schools = new List<Guid>();
            await using var command = Harness.Db.CreateCommand("SELECT id FROM school ORDER BY inn");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                schools.Add(reader.GetGuid(0));
            }

            return schools;
        }

        public async ValueTask DisposeAsync()
        {
            Platform.Dispose();
            await Harness.DisposeAsync();
        }
    }
}
