using System.Net;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Sferum;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>sferum.md over HTTP: VK-style calls and errors, idempotent classes, members, join requests, faults.</summary>
public sealed class SferumMockTests : IClassFixture<MockWorldFixture>, IAsyncLifetime
{
    private readonly MockWorldFixture _mocks;
    private string _token = string.Empty;

    public SferumMockTests(MockWorldFixture mocks) => _mocks = mocks;

    private MockSystem Sferum => _mocks.World.Sferum;

    public async Task InitializeAsync()
    {
        Sferum.Faults.Reset();
        _token = await TokenAsync(_mocks.Http, Sferum);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetOrganization_ByInn()
    {
        var school = _mocks.World.Nso.Region!.Schools[0];

        var organization = (await CallAsync("education.getOrganization", ("inn", school.Inn)))["response"]!;

        Assert.Equal(school.Inn, organization["inn"]!.GetValue<string>());
        Assert.True(organization["id"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task CreateClass_SameExternalIdTwice_AnswersTheSameIds()
    {
        var organization = await OrganizationIdAsync();
        var externalId = Guid.NewGuid().ToString();

        var first = (await CallAsync("education.createClass", ("organization_id", organization), ("name", "9 «И»"), ("year", "2023/2024"), ("external_id", externalId)))["response"]!;
        await Task.Delay(TimeSpan.FromSeconds(1)); // stay under 3 requests/s
        var second = (await CallAsync("education.createClass", ("organization_id", organization), ("name", "9 «И»"), ("year", "2023/2024"), ("external_id", externalId)))["response"]!;

        Assert.Equal(first["class_id"]!.GetValue<int>(), second["class_id"]!.GetValue<int>());
        Assert.Equal(first["chat_id"]!.GetValue<long>(), second["chat_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task SetClassMembers_CountsInvitedAlreadyAndRemoved_UnlistedAreRemoved()
    {
        var organization = await OrganizationIdAsync();
        var classId = (await CallAsync("education.createClass", ("organization_id", organization), ("name", "5 «А»"), ("year", "2023/2024"), ("external_id", Guid.NewGuid().ToString())))["response"]!["class_id"]!.ToString();
        await Task.Delay(TimeSpan.FromSeconds(1));

        var first = (await CallAsync("education.setClassMembers", ("class_id", classId), ("members", Members("a", "b", "c"))))["response"]!;
        var second = (await CallAsync("education.setClassMembers", ("class_id", classId), ("members", Members("b", "c", "d"))))["response"]!;

        Assert.Equal(3, first["invited"]!.GetValue<int>());
        Assert.Equal((1, 2, 1), (second["invited"]!.GetValue<int>(), second["already"]!.GetValue<int>(), second["removed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task JoinRequests_PageAndResolve_AResolvedRequestLeavesTheList()
    {
        var organization = await OrganizationIdAsync();
        var before = (await CallAsync("education.getJoinRequests", ("organization_id", organization), ("offset", "0"), ("count", "200")))["response"]!;
        var request = before["items"]![0]!;
        Assert.Matches(@"^\d{1,2} «[А-ЯЁ]»$", request["class_name"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", request["birth_date"]!.GetValue<string>());

        var resolved = (await CallAsync("education.resolveJoinRequest", ("request_id", request["request_id"]!.ToString()), ("decision", "approve"), ("reason", "совпадение с реестром")))["response"]!;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = (await CallAsync("education.getJoinRequests", ("organization_id", organization), ("offset", "0"), ("count", "200")))["response"]!;

        Assert.Equal(1, resolved.GetValue<int>());
        Assert.Equal(before["count"]!.GetValue<int>() - 1, after["count"]!.GetValue<int>());
        Assert.Equal("approve", _mocks.World.SferumApi.Decisions[request["request_id"]!.GetValue<int>()].Decision);
    }

    [Fact]
    public async Task RateLimit_AFourthCallWithinASecond_IsError6()
    {
        var time = new ManualTime();
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(), time);
        var token = await TokenAsync(_mocks.Http, world.Sferum);
        var inn = world.Nso.Region!.Schools[0].Inn;

        var codes = new List<int?>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await CallAsync(world.Sferum, token, "education.getOrganization", ("inn", inn)))["error"]?["error_code"]?.GetValue<int>());
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var afterASecond = await CallAsync(world.Sferum, token, "education.getOrganization", ("inn", inn));

        Assert.Equal([null, null, null, 6], codes);
        Assert.NotNull(afterASecond["response"]);
    }

    [Fact]
    public async Task InvalidToken_IsError5OverHttp200()
    {
        var answer = await CallAsync(Sferum, "not-a-token", "education.getOrganization", ("inn", "1"));

        Assert.Equal(5, answer["error"]!["error_code"]!.GetValue<int>());
        Assert.DoesNotContain("not-a-token", answer.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadParameter_IsError100()
    {
        Assert.Equal(100, (await CallAsync("education.createClass", ("organization_id", "nope")))["error"]!["error_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_Error6ForNCalls()
    {
        await _mocks.ArmAsync(Sferum, SferumFaults.TooManyRequests, calls: 2);

        Assert.Equal(6, (await CallAsync("education.getOrganization", ("inn", "1")))["error"]!["error_code"]!.GetValue<int>());
        Assert.Equal(6, (await CallAsync("education.getOrganization", ("inn", "1")))["error"]!["error_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_Error5Once_InvalidatesTheToken_AndANewTokenWorks()
    {
        await _mocks.ArmAsync(Sferum, SferumFaults.TokenInvalidOnce);
        var inn = _mocks.World.Nso.Region!.Schools[0].Inn;

        Assert.Equal(5, (await CallAsync("education.getOrganization", ("inn", inn)))["error"]!["error_code"]!.GetValue<int>());
        Assert.Equal(5, (await CallAsync("education.getOrganization", ("inn", inn)))["error"]!["error_code"]!.GetValue<int>());
        _token = await TokenAsync(_mocks.Http, Sferum);
        Assert.NotNull((await CallAsync("education.getOrganization", ("inn", inn)))["response"]);
    }

    [Fact]
    public async Task Fault_Http502()
    {
        await _mocks.ArmAsync(Sferum, SferumFaults.BadGateway);

        using var response = await Post(Sferum, _token, "education.getOrganization", ("inn", "1"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Fault_Delay3s_OutlastsAShortTimeout()
    {
        await _mocks.ArmAsync(Sferum, SferumFaults.Slow);
        using var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallAsync("education.getOrganization", ("inn", "1")).WaitAsync(impatient.Token));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(29)]
    [InlineData(100)]
    public async Task Fault_EveryOtherVkErrorCode_CanBeForced(int code)
    {
        await _mocks.ArmAsync(Sferum, $"error-{code}");

        Assert.Equal(code, (await CallAsync("education.getOrganization", ("inn", "1")))["error"]!["error_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_JoinRequestNotInRegistry_IsListed()
    {
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts());
        var token = await TokenAsync(_mocks.Http, world.Sferum);
        var organization = (await CallAsync(world.Sferum, token, "education.getOrganization", ("inn", world.Nso.Region!.Schools[0].Inn)))["response"]!["id"]!.ToString();
        await _mocks.ArmAsync(world.Sferum, SferumFaults.RequestNotInRegistry);

        var items = (await CallAsync(world.Sferum, token, "education.getJoinRequests", ("organization_id", organization), ("count", "200")))["response"]!["items"]!.AsArray();

        Assert.Contains(items, item => item!["last_name"]!.GetValue<string>() == "Незнакомов");
        Assert.DoesNotContain(world.Nso.Region.Students, student => student.Name.LastName == "Незнакомов");
    }

    [Fact]
    public async Task Fault_JoinRequestMatchesTwo_TheRegistryHoldsTwins()
    {
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts());
        var token = await TokenAsync(_mocks.Http, world.Sferum);
        var organization = (await CallAsync(world.Sferum, token, "education.getOrganization", ("inn", world.Nso.Region!.Schools[0].Inn)))["response"]!["id"]!.ToString();
        await _mocks.ArmAsync(world.Sferum, SferumFaults.RequestMatchesTwo);

        var item = (await CallAsync(world.Sferum, token, "education.getJoinRequests", ("organization_id", organization), ("count", "200")))["response"]!["items"]!.AsArray().Last()!;

        var matches = world.Nso.Region.Students.Where(s => s.Name.LastName == item["last_name"]!.GetValue<string>()
            && s.Name.FirstName == item["first_name"]!.GetValue<string>() && s.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) == item["birth_date"]!.GetValue<string>());
        Assert.Equal(2, matches.Count());
    }

    private async Task<string> OrganizationIdAsync()
    {
        var id = (await CallAsync("education.getOrganization", ("inn", _mocks.World.Nso.Region!.Schools[0].Inn)))["response"]!["id"]!.ToString();
        await Task.Delay(TimeSpan.FromSeconds(1));
        return id;
    }

    private Task<JsonNode> CallAsync(string method, params (string, string)[] fields) => CallAsync(Sferum, _token, method, fields);

    private Task<JsonNode> CallAsync(MockSystem sferum, string token, string method, params (string, string)[] fields) =>
        SferumClient.CallAsync(_mocks.Http, sferum, token, method, fields);

    private Task<HttpResponseMessage> Post(MockSystem sferum, string token, string method, params (string Name, string Value)[] fields) =>
        SferumClient.PostAsync(_mocks.Http, sferum, token, method, fields);

    private static Task<string> TokenAsync(HttpClient http, MockSystem sferum) => SferumClient.TokenAsync(http, sferum);

    private static string Members(params string[] ids) => SferumClient.Members(ids);
}
