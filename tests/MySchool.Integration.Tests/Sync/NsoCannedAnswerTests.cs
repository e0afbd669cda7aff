using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// The ЭлЖур adapter and the engine against exact canned answers (WireMock.Net), where a whole mock region is
/// too much: one school's source failing, a SNILS with a wrong check number, a class name that is no class.
/// </summary>
public sealed class NsoCannedAnswerTests : IAsyncLifetime
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync("canned"));
        Answer("auth", """{"token":"t-1","expires":"2024-02-13 10:00:00"}""");
        Answer("getchanges", """{"now":"20231113T100000","students":[],"marks":[],"classes":[]}""");
        Answer("getschools", """
            {"schools":{"1":{"id":"1","fullname":"Муниципальное бюджетное общеобразовательное учреждение «Школа № 1»","shortname":"Школа № 1","inn":"5401000014","oktmo":"50701000","municipality":"г. Новосибирск"},
                        "2":{"id":"2","fullname":"Муниципальное бюджетное общеобразовательное учреждение «Школа № 2»","shortname":"Школа № 2","inn":"5401000021","oktmo":"50701000","municipality":"г. Новосибирск"}}}
            """);
        Answer("getclasses", """{"classes":{"11":{"id":"11","name":"9И","parallel":"9","year":"2023/2024"},"12":{"id":"12","name":"9 класс","parallel":"9","year":"2023/2024"}}}""", ("school", "1"));
        Answer("getstudents", """
            {"students":{"101":{"id":"101","lastname":"Мӧдлапӧва","firstname":"Іра","birthday":"20090412","snils":"112-233-445 95","gender":"f","parents":[]},
                         "102":{"id":"102","lastname":"Петров","firstname":"Пётр","middlename":"Петрович","birthday":"20090301","snils":"112-233-445 96","gender":"m","parents":[]}},"total":2}
            """, ("class", "11"));
        Answer("getstudents", """{"students":{"103":{"id":"103","lastname":"Сидоров","firstname":"Иван","birthday":"20090101","gender":"m","parents":[]}},"total":1}""", ("class", "12"));
        Answer("getteachers", """{"teachers":[],"total":0}""", ("school", "1"));
        // No subgroups: an empty map, as PHP writes it.
        Answer("getgroups", """{"groups":[]}""");
        Answer("getperiods", """{"students":[{"name":"101","title":"Мӧдлапӧва Іра","periods":[{"name":"I триместр","fullname":"1 триместр","disabled":false,"ambigious":null,"start":"20230901","end":"20231130"}]}]}""");
        Answer("getdiary", """{"students":{"101":{"name":"101","title":"Мӧдлапӧва Іра","days":[]}}}""");
        // School 2's source is down for good: more failures than the adapter's retries.
        _server.Given(Request.Create().WithPath("/apiv3/getclasses").WithParam("school", "2").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("<html>503</html>"));
    }

    public async Task DisposeAsync()
    {
        _server.Stop();
        _server.Dispose();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Sync_OneSchoolsSourceDown_TheOtherSchoolStillCommits_AndTheRunSaysWhichFailed()
    {
        var run = await SyncAsync();

        Assert.Equal("failed", run.Status);
        Assert.Contains("Школа № 2", run.Error, StringComparison.Ordinal);
        Assert.Equal((2, 2), (run.SchoolsTotal, run.SchoolsDone));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM school"));
        Assert.Equal("Мӧдлапӧва", await _db.ScalarAsync<string>("SELECT last_name FROM person WHERE snils = '11223344595'"));
    }

    [Fact]
    public async Task Sync_SnilsWithAWrongCheckNumber_IsQuarantined_TheRestOfTheClassCommits()
    {
        await SyncAsync();

        Assert.Equal("snils.checksum", await _db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE source_id = '102'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name = 'Петров'"));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
    }

    [Fact]
    public async Task Sync_ClassNameThatIsNoClass_IsQuarantinedWithItsStudents()
    {
        await SyncAsync();

        Assert.Equal("class.format", await _db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE kind = 'class' AND source_id = '12'"));
        Assert.Equal("student.unknown-class", await _db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE kind = 'student' AND source_id = '103'"));
        Assert.Contains("\"snils\"", await _db.ScalarAsync<string>("SELECT raw_payload FROM quarantine WHERE source_id = '102'"), StringComparison.Ordinal);
    }

    private async Task<SyncRun> SyncAsync()
    {
        var region = new RegionSource
        {
            Code = "54",
            Name = "Новосибирская область",
            TimeZone = "Asia/Novosibirsk",
            Adapter = "nso",
            BaseUrl = new Uri($"{_server.Url}/apiv3/"),
            Settings = new() { ["Login"] = "l", ["Password"] = "p", ["DevKey"] = "k", ["AttemptTimeoutSeconds"] = "1", ["RetryDelayMs"] = "10", ["Retries"] = "2" },
            JournalFrom = new DateOnly(2023, 11, 6),
            JournalTo = new DateOnly(2023, 11, 12),
        };
        await using var services = new ServiceCollection().AddNsoAdapter().BuildServiceProvider();
        var runs = new SyncRuns(_db);
        var engine = new SyncEngine(_db, runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);
        var runId = await runs.QueueAsync("nso", "54", SyncMode.Full, CancellationToken.None);
        return await engine.RunAsync(region, services.GetRequiredService<ISourceAdapterFactory>().Create(region), runId, null, SyncMode.Full, CancellationToken.None);
    }

    /// <summary>A method's answer in ЭлЖур's wrapper, optionally only for given query parameters.</summary>
    private void Answer(string method, string result, params (string Name, string Value)[] parameters)
    {
        var request = Request.Create().WithPath($"/apiv3/{method}").UsingGet();
        foreach (var (name, value) in parameters)
        {
            request = request.WithParam(name, value);
        }

        _server.Given(request).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8")
            .WithBody($$$"""{"response":{"state":200,"error":null,"result":{{{result}}}}}"""));
    }
}
