using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Rk;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>Every fault of rk-netschool.md, armed over the admin endpoint, then seen over HTTP.</summary>
public sealed class RkMockFaultTests : IClassFixture<MockWorldFixture>, IAsyncLifetime, IDisposable
{
    private readonly MockWorldFixture _mocks;
    private readonly NetSchoolClient _rk;
    private int _studentId;

    public RkMockFaultTests(MockWorldFixture mocks)
    {
        _mocks = mocks;
        _rk = new NetSchoolClient(mocks.World.Rk);
    }

    private MockSystem Rk => _mocks.World.Rk;

    public async Task InitializeAsync()
    {
        Rk.Faults.Reset();
        await _rk.LoginAsync();
        _studentId = Rk.Region!.Students.First().Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _rk.Dispose();

    [Fact]
    public async Task WrongPassword_Is409EvenForTheRightOne()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.WrongPassword);
        using var client = new NetSchoolClient(Rk);

        Assert.Equal(HttpStatusCode.Conflict, await client.LoginAsync());
        Assert.Equal(HttpStatusCode.OK, await client.LoginAsync());
    }

    [Fact]
    public async Task SessionTimeout_Is401MidSync_AndANewLoginWorks()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.SessionTimeout);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfAsync("schools"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfAsync("schools"));
        await _rk.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("schools"));
    }

    [Fact]
    public async Task IdleLongerThanTimeOut_Is401_OnTheServersOwnClock()
    {
        var time = new ManualTime();
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(), time);
        using var client = new NetSchoolClient(world.Rk);
        await client.LoginAsync();
        time.Advance(TimeSpan.FromSeconds(899));
        Assert.Equal(HttpStatusCode.OK, (await client.GetRawAsync("schools")).Status);

        time.Advance(TimeSpan.FromSeconds(901));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetRawAsync("schools")).Status);
    }

    [Fact]
    public async Task TooManyRequests_Is429WithRetryAfter2()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.TooManyRequests);

        var (status, _, response) = await _rk.GetRawAsync("schools");
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("schools"));
    }

    [Fact]
    public async Task SecurityWarning_CallsAnswerHtml_UntilWarnType2IsPosted()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.SecurityWarning);
        using var client = new NetSchoolClient(Rk);
        await client.LoginAsync();
        Assert.Equal("/asp/SecurityWarning.asp", client.LoginAnswer!["entryPoint"]!.GetValue<string>());

        var (_, html, response) = await client.GetRawAsync("schools");
        response.Dispose();
        Assert.StartsWith("<html>", html, StringComparison.Ordinal);

        using var accepted = await client.PostAsync("asp/SecurityWarning.asp", new FormUrlEncodedContent(new Dictionary<string, string> { ["WarnType"] = "2" }));
        Assert.IsType<JsonArray>(await client.GetAsync("schools"));
    }

    [Fact]
    public async Task SecurityWarningAcknowledgement_WithoutTheSessionHeader_IsRefused()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.SecurityWarning);
        using var client = new NetSchoolClient(Rk);
        await client.LoginAsync();
        var at = client.LoginAnswer!["at"]!.GetValue<string>();

        client.DropSessionHeader();
        using var refused = await client.PostAsync("asp/SecurityWarning.asp", new FormUrlEncodedContent(new Dictionary<string, string> { ["WarnType"] = "2" }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // The warning still stands for the session: the refused acknowledgement changed nothing.
        var (_, html, response) = await client.GetRawAsync("schools", at);
        response.Dispose();
        Assert.StartsWith("<html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyDuplicateEsrnSecCookie_IsSentBesideTheRealOne()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.EmptyDuplicateCookie);
        using var client = new NetSchoolClient(Rk);

        // The client's cookie container keeps the last non-empty value, as an adapter must.
        Assert.Equal(HttpStatusCode.OK, await client.LoginAsync());
        Assert.False(string.IsNullOrEmpty(client.Cookies["ESRNSec"]?.Value));
        Assert.Equal(HttpStatusCode.OK, (await client.GetRawAsync("schools")).Status);
        Assert.False(Rk.Faults.IsArmed(NetSchoolFaults.EmptyDuplicateCookie));
    }

    [Fact]
    public async Task Delay5s_OutlastsAShortTimeout()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.Slow);
        using var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _rk.GetRawAsync("schools").WaitAsync(impatient.Token));
    }

    [Fact]
    public async Task WeekWithoutWeekDays_OmitsTheKey()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.WeekWithoutWeekDays);

        Assert.False((await DiaryAsync()).AsObject().ContainsKey("weekDays"));
    }

    [Fact]
    public async Task LessonWithoutAssignments_OmitsTheKey()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.LessonWithoutAssignments);

        Assert.Contains(Lessons(await DiaryAsync()), lesson => !lesson.AsObject().ContainsKey("assignments"));
    }

    [Fact]
    public async Task MarkSeven_AppearsInTheDiary()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.MarkSeven);

        Assert.Contains(Marks(await DiaryAsync()), mark => mark["mark"]!.GetValue<int>() == 7);
    }

    [Fact]
    public async Task LessonOnNovember31_AppearsInTheDiary()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.LessonOnNovember31);

        Assert.Contains(Lessons(await DiaryAsync()), lesson => lesson["day"]!.GetValue<string>() == "2023-11-31T00:00:00");
    }

    [Fact]
    public async Task MarkAssignmentIdDiffers_FromTheEnclosingAssignment()
    {
        await _mocks.ArmAsync(Rk, NetSchoolFaults.MarkAssignmentIdDiffers);

        var assignments = Lessons(await DiaryAsync()).SelectMany(lesson => lesson["assignments"]!.AsArray()).Select(a => a!);

        Assert.Contains(assignments, a => a["mark"] is JsonObject mark && mark["assignmentId"]!.GetValue<long>() != a["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task StudentMovedBetweenSyncs_TheNextRosterReadSeesTheTransfer()
    {
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts());
        using var client = new NetSchoolClient(world.Rk);
        await client.LoginAsync();
        var before = world.Rk.Region!.Students.ToDictionary(s => s.Id, s => s.ClassId);
        await _mocks.ArmAsync(world.Rk, NetSchoolFaults.StudentMoved);

        await client.GetAsync("schools");

        var moved = Assert.Single(world.Rk.Region.Students, s => before[s.Id] != s.ClassId);
        var listed = (await client.GetAsync($"classes/{moved.ClassId}/students")).AsArray();
        Assert.Contains(listed, s => s!["id"]!.GetValue<int>() == moved.Id);
    }

    private async Task<HttpStatusCode> StatusOfAsync(string path)
    {
        var (status, _, response) = await _rk.GetRawAsync(path);
        response.Dispose();
        return status;
    }

    private Task<JsonNode> DiaryAsync() => _rk.GetAsync($"student/diary?studentId={_studentId}&yearId=24&weekStart=2023-11-06&weekEnd=2023-11-12");

    private static IEnumerable<JsonNode> Lessons(JsonNode diary) =>
        diary["weekDays"]!.AsArray().SelectMany(day => day!["lessons"]!.AsArray()).Select(lesson => lesson!);

    private static IEnumerable<JsonObject> Marks(JsonNode diary) =>
        Lessons(diary).SelectMany(lesson => lesson["assignments"]?.AsArray() ?? []).Select(a => a!["mark"]).OfType<JsonObject>();
}
