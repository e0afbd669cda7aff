using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>Every method of nso-eljur.md, over HTTP, with the contract's quirks.</summary>
public partial class NsoMockTests : IClassFixture<MockWorldFixture>, IAsyncLifetime
{
    private readonly MockWorldFixture _mocks;
    private readonly EljurClient _nso;

    public NsoMockTests(MockWorldFixture mocks)
    {
        _mocks = mocks;
        _nso = new EljurClient(mocks.Http, mocks.World.Nso);
    }

    public async Task InitializeAsync()
    {
        _mocks.World.Nso.Faults.Reset();
        await _nso.AuthenticateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Auth_IntegrationAccount_AnswersTokenAndExpiryInTheWrapper()
    {
        var result = await _nso.ResultAsync("auth", ("login", "integration54"), ("password", "eljur-secret"));

        Assert.False(string.IsNullOrEmpty(result["token"]!.GetValue<string>()));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", result["expires"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auth_WrongPassword_IsAnErrorInTheWrapper()
    {
        var (_, body) = await _nso.CallAsync("auth", ("login", "integration54"), ("password", "wrong"));

        Assert.NotNull(body!["response"]!["error"]);
    }

    [Fact]
    public async Task AnyMethod_WithoutAValidToken_AnswersState401OverHttp200()
    {
        var (status, text) = await new EljurClient(_mocks.Http, _mocks.World.Nso).CallRawAsync("getschools");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"response":{"state":401,"error":"Токен недействителен","result":{}}}""",
            JsonNode.Parse(text)!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task GetRules_EmptyMapsArriveAsArrays_AsPhpSendsThem()
    {
        var rules = await _nso.ResultAsync("getrules");

        Assert.Equal("administrator", rules["roles"]![0]!.GetValue<string>());
        Assert.IsType<JsonArray>(rules["relations"]!["groups"]);
        Assert.IsType<JsonArray>(rules["relations"]!["students"]);
        Assert.Equal(2, rules["relations"]!["schools"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetSchools_KeyedById_WithEgrulNameInnAndOktmo()
    {
        var schools = (await _nso.ResultAsync("getschools"))["schools"]!.AsObject();

        Assert.Equal(2, schools.Count);
        foreach (var (id, school) in schools)
        {
            Assert.Equal(id, school!["id"]!.GetValue<string>());
            Assert.StartsWith("Муниципальное ", school["fullname"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Matches(@"^54\d{8}$", school["inn"]!.GetValue<string>());
            Assert.Matches(@"^\d{8}$", school["oktmo"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task GetClasses_NamesComeWithoutSpaceOrQuotes()
    {
        var classes = (await _nso.ResultAsync("getclasses", ("school", await FirstSchoolAsync())))["classes"]!.AsObject();

        Assert.Equal(4, classes.Count);
        Assert.All(classes, entry =>
        {
            var name = entry.Value!["name"]!.GetValue<string>();
            Assert.Matches(ClassNameForm(), name);
            Assert.Equal(entry.Value["parallel"]!.GetValue<string>(), ClassName.Parse(name).Require().Grade.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("2023/2024", entry.Value["year"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task GetStudents_PagesWithLimitAndPage_AndCarriesTotal()
    {
        var classId = await FirstClassAsync();
        var all = (await _nso.ResultAsync("getstudents", ("class", classId)))["students"]!.AsObject();

        var paged = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var result = await _nso.ResultAsync("getstudents", ("class", classId), ("limit", "2"), ("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(all.Count, result["total"]!.GetValue<int>());
            paged.AddRange(result["students"] is JsonObject students ? students.Select(entry => entry.Key) : []);
        }

        Assert.Equal(all.Select(entry => entry.Key), paged);
    }

    [Fact]
    public async Task GetStudents_SnilsIsDashedOrMissing_BirthdayIsYyyymmdd_ParentsKeyedById()
    {
        var students = (await _nso.ResultAsync("getstudents", ("class", await FirstClassAsync())))["students"]!.AsObject();

        foreach (var (_, student) in students)
        {
            Assert.Matches(@"^\d{8}$", student!["birthday"]!.GetValue<string>());
            Assert.Contains(student["gender"]!.GetValue<string>(), new[] { "m", "f" });
            if (student["snils"]?.GetValue<string>() is { Length: > 0 } snils)
            {
                Assert.Matches(@"^\d{3}-\d{3}-\d{3} \d{2}$", snils);
                Assert.True(Snils.Parse(snils).IsValid);
            }

            // A student without parents has PHP's empty map, [].
            Assert.All(student["parents"] as JsonObject ?? [], parent => Assert.NotNull(parent.Value!["relation"]));
        }
    }

    [Fact]
    public async Task GetTeachers_CarrySubjectsEmailAndTotal()
    {
        var result = await _nso.ResultAsync("getteachers", ("school", await FirstSchoolAsync()), ("limit", "1000"));

        var teachers = result["teachers"]!.AsObject();
        Assert.Equal(teachers.Count, result["total"]!.GetValue<int>());
        Assert.All(teachers, teacher =>
        {
            Assert.NotEmpty(teacher.Value!["subjects"]!.AsArray());
            Assert.Contains('@', teacher.Value["email"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task GetPeriods_IsAnArrayOfStudents_WithWeeksAndTheAmbigiousSpelling()
    {
        var student = await FirstStudentAsync();

        var result = await _nso.ResultAsync("getperiods", ("student", student), ("weeks", "true"));

        var entry = Assert.Single(result["students"]!.AsArray())!;
        Assert.Equal(student, entry["name"]!.GetValue<string>());
        var first = entry["periods"]![0]!;
        Assert.Equal("I триместр", first["name"]!.GetValue<string>());
        Assert.True(first.AsObject().ContainsKey("ambigious"));
        Assert.Matches(@"^\d{8}$", first["weeks"]![0]!["start"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetDiary_DaysKeyedByDate_ItemsKeyedByNumber_HomeworkKeyedById()
    {
        var student = await FirstStudentAsync();

        var days = (await _nso.ResultAsync("getdiary", ("student", student), ("days", "20231106-20231111"), ("rings", "true")))
            ["students"]![student]!["days"]!.AsObject();

        Assert.Equal(["20231106", "20231107", "20231108", "20231109", "20231110", "20231111"], days.Select(day => day.Key));
        var monday = days["20231106"]!["items"]!.AsObject();
        Assert.Equal("1", monday.First().Key);
        var lesson = monday.First().Value!;
        Assert.Matches(@"^\d{2}:\d{2}(:\d{2})?$", lesson["starttime"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(lesson["lesson_id"]!.GetValue<string>()));
        var withHomework = days.SelectMany(day => day.Value!["items"] as JsonObject ?? []).Select(item => item.Value!)
            .First(item => item["homework"] is JsonObject);
        var (homeworkId, homework) = withHomework["homework"]!.AsObject().First();
        Assert.Equal(homeworkId, homework!["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(homework["id"]!.GetValue<long>(), withHomework["files"]![0]!["toid"]!.GetValue<long>());
        Assert.IsType<JsonArray>(days["20231111"]!["items"]);
    }

    [Fact]
    public async Task GetGroups_ListsTheClassHalvesInEnglish_AndEachStudentsDiaryShowsTheirOwnHalf_AndTheClubOnlyToItsMembers()
    {
        var schoolClass = await FirstClassAsync();
        var students = (await _nso.ResultAsync("getstudents", ("class", schoolClass)))["students"]!.AsObject().Select(s => s.Key).ToList();

        var groups = (await _nso.ResultAsync("getgroups", ("class", schoolClass)))["groups"]!.AsObject().Select(g => g.Value!).ToList();

        Assert.Equal(["1 группа", "2 группа"], groups.Select(g => g["name"]!.GetValue<string>()));
        Assert.All(groups, g => Assert.Equal("Английский язык", g["subject"]!.GetValue<string>()));
        var halves = groups.ToDictionary(g => g["name"]!.GetValue<string>(), g => g["students"]!.AsArray().Select(s => s!.GetValue<string>()).ToList());
        Assert.Equal(students.Order(), halves.Values.SelectMany(half => half).Order());
        var clubMembers = new List<string>();
        foreach (var student in students)
        {
            var days = (await _nso.ResultAsync("getdiary", ("student", student), ("days", "20231106-20231111")))["students"]![student]!["days"]!.AsObject();
            var halvesSeen = days.SelectMany(day => day.Value!["items"] as JsonObject ?? []).Select(item => item.Value!["grp"]?.GetValue<string>()).OfType<string>().Distinct();
            Assert.All(halvesSeen, half => Assert.Contains(student, halves[half]));
            if (days.Any(day => day.Value!["items_extday"] is JsonArray))
            {
                clubMembers.Add(student);
            }
        }

        Assert.Equal(students.Where(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) % 3 == 0), clubMembers);
        Assert.NotEmpty(clubMembers);
    }

    [Fact]
    public async Task GetDiary_HolidayDay_HasAnAlertAndNoItems()
    {
        var student = await FirstStudentAsync();

        var day = (await _nso.ResultAsync("getdiary", ("student", student), ("days", "20231103-20231103")))["students"]![student]!["days"]!["20231103"]!;

        Assert.Equal("holiday", day["alert"]!.GetValue<string>());
        Assert.Equal("Осенние каникулы", day["holiday_name"]!.GetValue<string>());
        Assert.False(day.AsObject().ContainsKey("items"));
    }

    [Fact]
    public async Task GetDiary_TakesACommaListOfStudents()
    {
        var students = (await _nso.ResultAsync("getstudents", ("class", await FirstClassAsync())))["students"]!.AsObject().Select(s => s.Key).Take(3).ToList();

        var result = await _nso.ResultAsync("getdiary", ("student", string.Join(',', students)), ("days", "20231106-20231106"));

        Assert.Equal(students, result["students"]!.AsObject().Select(s => s.Key));
    }

    [Fact]
    public async Task GetMarks_AverageComesAsNumberOrAsStringWithPointOrComma()
    {
        var students = (await _nso.ResultAsync("getstudents", ("class", await FirstClassAsync())))["students"]!.AsObject().Select(s => s.Key).ToList();
        var averages = new List<JsonNode>();
        foreach (var student in students)
        {
            var lessons = (await _nso.ResultAsync("getmarks", ("student", student), ("days", "20231106-20231112")))["students"]![student]!["lessons"]!.AsArray();
            averages.AddRange(lessons.Select(lesson => lesson!["average"]!));
            Assert.All(lessons.SelectMany(lesson => lesson!["marks"]!.AsArray()), mark => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", mark!["date"]!.GetValue<string>()));
        }

        Assert.Contains(averages, average => average.GetValueKind() == System.Text.Json.JsonValueKind.Number);
        Assert.Contains(averages, average => average.GetValueKind() == System.Text.Json.JsonValueKind.String && average.GetValue<string>().Contains('.', StringComparison.Ordinal));
        Assert.Contains(averages, average => average.GetValueKind() == System.Text.Json.JsonValueKind.String && average.GetValue<string>().Contains(',', StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetChanges_ReportsWhatAdminChangesApplied_AndNothingBeforeThem()
    {
        // Changes mutate the region: this test gets a world of its own.
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(MockWorldFixture.SmallNso));
        var nso = new EljurClient(_mocks.Http, world.Nso);
        await nso.AuthenticateAsync();
        var before = await nso.ResultAsync("getchanges", ("since", world.Nso.Region!.Now.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture)));
        using var changed = await _mocks.Http.PostAsync(new Uri(world.Nso.BaseAddress, "admin/changes"), JsonContent.Create(new { editedMarks = 1, deletedMarks = 1, newMarks = 1, transfers = 1, newStudents = 1 }));
        var since = (await changed.Content.ReadFromJsonAsync<JsonObject>())!["applied"]![0]!["at"]!.GetValue<DateTimeOffset>()
            .AddMinutes(-1).ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture);

        var after = await nso.ResultAsync("getchanges", ("since", since));

        Assert.Empty(before["marks"]!.AsArray());
        Assert.Equal(3, after["marks"]!.AsArray().Count);
        Assert.Contains(after["marks"]!.AsArray(), mark => mark!["deleted"]!.GetValue<bool>());
        Assert.Equal(2, after["students"]!.AsArray().Count);
        Assert.Equal(2, after["classes"]!.AsArray().Count);
        Assert.Matches(@"^\d{8}T\d{6}$", after["now"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownMethod_AnswersNotFoundInTheWrapper()
    {
        var (status, body) = await _nso.CallAsync("getunicorns");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, body!["response"]!["state"]!.GetValue<int>());
    }

    private async Task<string> FirstSchoolAsync() => (await _nso.ResultAsync("getschools"))["schools"]!.AsObject().First().Key;

    private async Task<string> FirstClassAsync() =>
        (await _nso.ResultAsync("getclasses", ("school", await FirstSchoolAsync())))["classes"]!.AsObject().First().Key;

    private async Task<string> FirstStudentAsync() =>
        (await _nso.ResultAsync("getstudents", ("class", await FirstClassAsync())))["students"]!.AsObject().First().Key;

    [GeneratedRegex(@"^\d{1,2}[А-ЯЁ]$")]
    private static partial Regex ClassNameForm();
}
