using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Nso;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>Every fault of nso-eljur.md, armed over the admin endpoint, then seen over HTTP.</summary>
public class NsoMockFaultTests : IClassFixture<MockWorldFixture>, IAsyncLifetime
{
    private const string Week = "20231106-20231111";

    private readonly MockWorldFixture _mocks;
    private readonly EljurClient _nso;
    private string _classId = string.Empty;
    private string _studentId = string.Empty;

    public NsoMockFaultTests(MockWorldFixture mocks)
    {
        _mocks = mocks;
        _nso = new EljurClient(mocks.Http, mocks.World.Nso);
    }

    public async Task InitializeAsync()
    {
        _mocks.World.Nso.Faults.Reset();
        await _nso.AuthenticateAsync();
        var school = (await _nso.ResultAsync("getschools"))["schools"]!.AsObject().First().Key;
        _classId = (await _nso.ResultAsync("getclasses", ("school", school)))["classes"]!.AsObject().First().Key;
        _studentId = (await _nso.ResultAsync("getstudents", ("class", _classId)))["students"]!.AsObject().First().Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Http503_ForNCalls_ThenTheServiceRecovers()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.Unavailable, calls: 2);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _nso.CallRawAsync("getschools")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _nso.CallRawAsync("getschools")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _nso.CallRawAsync("getschools")).Status);
    }

    [Fact]
    public async Task Delay5s_OutlastsAClientWithAShorterTimeout()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.Slow);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => new EljurClient(impatient, _mocks.World.Nso).CallRawAsync("getschools"));
    }

    [Fact]
    public async Task TokenExpired_AnswersState401_AndANewAuthWorksAgain()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.TokenExpired);

        var (status, body) = await _nso.CallAsync("getschools");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(401, body!["response"]!["state"]!.GetValue<int>());
        Assert.Equal(401, (await _nso.CallAsync("getschools")).Body!["response"]!["state"]!.GetValue<int>());

        await _nso.AuthenticateAsync();
        await _nso.ResultAsync("getschools");
    }

    [Fact]
    public async Task DevKeyRejected_IsHttp400WithTheRealMessageAndAnEmptyObjectResult()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.DevKeyRejected);

        var (status, text) = await _nso.CallRawAsync("getschools");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var response = JsonNode.Parse(text)!["response"]!;
        Assert.Equal("не удалось авторизовать разработчика", response["error"]!.GetValue<string>());
        Assert.IsType<JsonObject>(response["result"]);
    }

    [Fact]
    public async Task CutBody_EndsMidJson_WithHttp200()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.CutBody);

        var (status, text) = await _nso.CallRawAsync("getschools");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(text));
    }

    [Fact]
    public async Task MarkValueSix_AppearsInTheDiary()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.MarkValueSix);

        Assert.Contains("6", await AssessmentValuesAsync(mark => mark["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task MarkDate20231131_AppearsInTheDiary()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.MarkDateInvalid);

        Assert.Contains("2023-11-31", await AssessmentValuesAsync(mark => mark["date"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PhantomMark_IsAnEmptyValue()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.PhantomMark);

        Assert.Contains(string.Empty, await AssessmentValuesAsync(mark => mark["value"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(EljurFaults.ItemsEmptyArray, "array")]
    [InlineData(EljurFaults.ItemsNull, "null")]
    [InlineData(EljurFaults.ItemsMissing, "missing")]
    public async Task DayWithoutLessons_ItemsComeAsArrayNullOrMissing(string fault, string shape)
    {
        await _mocks.ArmAsync(_mocks.World.Nso, fault);

        var saturday = (await DiaryDaysAsync())["20231111"]!.AsObject();

        var actual = !saturday.TryGetPropertyValue("items", out var items) ? "missing" : items is null ? "null" : items is JsonArray ? "array" : "object";
        Assert.Equal(shape, actual);
    }

    [Fact]
    public async Task StudentWithoutSnils_HasNoSnils()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.StudentWithoutSnils);

        var first = (await _nso.ResultAsync("getstudents", ("class", _classId)))["students"]!.AsObject().First().Value!;

        Assert.True(first["snils"] is null || first["snils"]!.GetValue<string>().Length == 0);
    }

    [Fact]
    public async Task DuplicateStudentAcrossClasses_ListsASiblingClassStudentToo()
    {
        var own = (await _nso.ResultAsync("getstudents", ("class", _classId)))["students"]!.AsObject().Select(s => s.Key).ToHashSet();
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.DuplicateStudent);

        var listed = (await _nso.ResultAsync("getstudents", ("class", _classId)))["students"]!.AsObject().Select(s => s.Key).ToList();

        var stranger = Assert.Single(listed, id => !own.Contains(id));
        Assert.NotEqual(_classId, _mocks.World.Nso.Region!.Student(int.Parse(stranger, System.Globalization.CultureInfo.InvariantCulture))!.ClassId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Admin_UnknownFault_IsRefusedWithTheListOfKinds()
    {
        using var response = await _mocks.Http.PostAsJsonAsync(new Uri(_mocks.World.Nso.BaseAddress, "admin/faults"), new { kind = "meteor", calls = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(EljurFaults.CutBody, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_Reset_DisarmsEveryFault()
    {
        await _mocks.ArmAsync(_mocks.World.Nso, EljurFaults.Unavailable, calls: 5);

        using var reset = await _mocks.Http.DeleteAsync(new Uri(_mocks.World.Nso.BaseAddress, "admin/faults"));

        Assert.Equal(HttpStatusCode.OK, (await _nso.CallRawAsync("getschools")).Status);
    }

    private async Task<JsonObject> DiaryDaysAsync() =>
        (await _nso.ResultAsync("getdiary", ("student", _studentId), ("days", Week)))["students"]![_studentId]!["days"]!.AsObject();

    private async Task<List<string>> AssessmentValuesAsync(Func<JsonNode, string> select) =>
        [.. (await DiaryDaysAsync())
            .SelectMany(day => day.Value!["items"] as JsonObject ?? [])
            .SelectMany(item => item.Value!["assessments"]!.AsArray())
            .Select(mark => select(mark!))];
}
