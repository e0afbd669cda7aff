using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Rk;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>Every method of rk-netschool.md, over HTTP, with the contract's quirks.</summary>
public sealed class RkMockTests : IClassFixture<MockWorldFixture>, IAsyncLifetime, IDisposable
{
    private readonly MockWorldFixture _mocks;
    private readonly NetSchoolClient _rk;

    public RkMockTests(MockWorldFixture mocks)
    {
        _mocks = mocks;
        _rk = new NetSchoolClient(mocks.World.Rk);
    }

    public async Task InitializeAsync()
    {
        _mocks.World.Rk.Faults.Reset();
        Assert.Equal(HttpStatusCode.OK, await _rk.LoginAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _rk.Dispose();

    [Fact]
    public void Pw2_IsMd5OfSaltAndMd5OfTheWindows1251Password()
    {
        // Computed independently: md5("9369808045" + md5(cp1251("Пароль-Коми11"))).
        Assert.Equal("8569c95c3cdd340b279f408238d27aaa", NetSchoolPassword.Pw2("9369808045", "Пароль-Коми11"));
    }

    [Fact]
    public void Login_AnswersAtTimeOutAndSetsBothCookies()
    {
        var answer = _rk.LoginAnswer!;

        Assert.Equal(900_000, answer["timeOut"]!.GetValue<int>());
        Assert.Equal(answer["at"]!.GetValue<string>(), answer["accountInfo"]!["accessToken"]!.GetValue<string>());
        Assert.Equal("Bearer", answer["tokenType"]!.GetValue<string>());
        Assert.NotNull(_rk.Cookies["NSSESSIONID"]);
        Assert.NotNull(_rk.Cookies["ESRNSec"]);
    }

    [Fact]
    public async Task Login_TheNewerAuthLoginForm_IsAcceptedToo()
    {
        using var client = new NetSchoolClient(_mocks.World.Rk);

        Assert.Equal(HttpStatusCode.OK, await client.LoginAsync(newForm: true));
        await client.GetAsync("years/current");
    }

    [Fact]
    public async Task Login_WrongPassword_IsHttp409()
    {
        using var client = new NetSchoolClient(_mocks.World.Rk);

        Assert.Equal(HttpStatusCode.Conflict, await client.LoginAsync(password: "Неверный"));
        Assert.Equal("Неправильный пароль", client.LoginAnswer!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Calls_WithoutLogin_AreHttp401()
    {
        using var client = new NetSchoolClient(_mocks.World.Rk);

        var (status, _, response) = await client.GetRawAsync("schools");
        response.Dispose();

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        using var logout = await _rk.PostAsync("webapi/auth/logout");

        var (status, _, response) = await _rk.GetRawAsync("schools");
        response.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task YearsCurrent_AndAssignmentTypes()
    {
        Assert.Equal("2023/2024", (await _rk.GetAsync("years/current"))["name"]!.GetValue<string>());
        var types = (await _rk.GetAsync("grade/assignment/types?all=false")).AsArray();
        Assert.Contains(types, type => type!["abbr"]!.GetValue<string>() == "ДЗ" && type["id"]!.GetValue<int>() == 3);
    }

    [Fact]
    public async Task Roster_SchoolsClassesStudentsTeachers_InTheContractsShapes()
    {
        var school = (await _rk.GetAsync("schools"))[0]!;
        Assert.Matches(@"^11\d{8}$", school["inn"]!.GetValue<string>());
        Assert.StartsWith("Муниципальное", school["fullName"]!.GetValue<string>(), StringComparison.Ordinal);

        var schoolClass = (await _rk.GetAsync($"schools/{school["id"]}/classes"))[0]!;
        Assert.Matches(@"^\d{1,2}[а-яё]$", schoolClass["name"]!.GetValue<string>());

        var students = (await _rk.GetAsync($"classes/{schoolClass["id"]}/students")).AsArray();
        Assert.NotEmpty(students);
        Assert.All(students, student =>
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T00:00:00$", student!["birthDate"]!.GetValue<string>());
            Assert.Contains(student["sex"]!.GetValue<string>(), new[] { "M", "F" });
            if (student["snils"]?.GetValue<string>() is { } snils)
            {
                Assert.Matches(@"^\d{11}$", snils);
                Assert.True(Snils.Parse(snils).IsValid);
            }
        });

        var teachers = (await _rk.GetAsync($"schools/{school["id"]}/teachers")).AsArray();
        Assert.All(teachers, teacher => Assert.Contains('@', teacher!["email"]!.GetValue<string>()));
        Assert.Equal(school["inn"]!.GetValue<string>(), (await _rk.GetAsync($"schools/{school["id"]}/card"))["otherInfo"]!["inn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Roster_KomiNamesArriveByteExact()
    {
        var expected = _mocks.World.Rk.Region!.Students.First(s => s.Name.FirstName.Contains('Ӧ', StringComparison.Ordinal) || s.Name.LastName.Contains('ӧ', StringComparison.Ordinal));

        var listed = (await _rk.GetAsync($"classes/{expected.ClassId}/students")).AsArray().Single(s => s!["id"]!.GetValue<int>() == expected.Id)!;

        Assert.Equal(expected.Name.LastName, listed["lastName"]!.GetValue<string>());
        Assert.Equal(expected.Name.FirstName, listed["firstName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Diary_WeekWithNumericMarksZeroWeightsAndAssignments()
    {
        var student = _mocks.World.Rk.Region!.Students.First();

        var diary = await _rk.GetAsync($"student/diary?studentId={student.Id}&yearId=24&weekStart=2023-11-06&weekEnd=2023-11-12");

        Assert.Equal("2023-11-06T00:00:00", diary["weekStart"]!.GetValue<string>());
        Assert.Equal("2 четверть", diary["termName"]!.GetValue<string>());
        var lessons = diary["weekDays"]!.AsArray().SelectMany(day => day!["lessons"]!.AsArray()).ToList();
        Assert.Matches(@"^\d{2}:\d{2}$", lessons[0]!["startTime"]!.GetValue<string>());
        var assignments = lessons.SelectMany(lesson => lesson!["assignments"]!.AsArray()).ToList();
        Assert.All(assignments, assignment => Assert.Equal(0, assignment!["weight"]!.GetValue<int>()));
        var marks = assignments.Select(assignment => assignment!["mark"]).OfType<JsonObject>().ToList();
        Assert.NotEmpty(marks);
        Assert.All(marks, mark => Assert.InRange(mark["mark"]!.GetValue<int>(), 2, 5));
        Assert.Contains(assignments, assignment => assignment!["mark"] is null);
    }

    [Fact]
    public async Task Subgroups_AreTheClassHalvesInEnglish_NamedAfterTheClass_AndADiaryLessonOfAHalfCarriesItsSubgroupId()
    {
        var region = _mocks.World.Rk.Region!;
        var schoolClass = region.Classes.First(c => region.HasHalves(c));

        var subgroups = (await _rk.GetAsync($"classes/{schoolClass.Id}/subgroups")).AsArray().Select(g => g!).ToList();

        Assert.Equal([$"{schoolClass.SourceName(lowerCase: true)}/Английский язык/1 подгруппа", $"{schoolClass.SourceName(lowerCase: true)}/Английский язык/2 подгруппа"],
            subgroups.Select(g => g["name"]!.GetValue<string>()));
        var members = subgroups.SelectMany(g => g["studentIds"]!.AsArray().Select(id => (Group: g["id"]!.GetValue<long>(), Student: id!.GetValue<int>()))).ToList();
        Assert.Equal(region.StudentsOf(schoolClass.Id).Select(s => s.Id).Order(), members.Select(m => m.Student).Order());
        var student = region.StudentsOf(schoolClass.Id).First();
        var own = members.Single(m => m.Student == student.Id).Group;
        var seen = new HashSet<long>();
        for (var monday = new DateOnly(2023, 11, 6); monday < new DateOnly(2023, 11, 27); monday = monday.AddDays(7))
        {
            var diary = await _rk.GetAsync($"student/diary?studentId={student.Id}&yearId=24&weekStart={monday:yyyy-MM-dd}&weekEnd={monday.AddDays(6):yyyy-MM-dd}");
            seen.UnionWith(diary["weekDays"]!.AsArray().SelectMany(day => day!["lessons"]!.AsArray())
                .Select(lesson => lesson!["subgroupId"]?.GetValue<long>()).OfType<long>());
        }

        Assert.Equal([own], seen);
    }

    [Fact]
    public async Task AssignmentDetails_CarryTheRealWeight_InEitherTeacherShape_AndAreCounted()
    {
        var student = _mocks.World.Rk.Region!.Students.First();
        var diary = await _rk.GetAsync($"student/diary?studentId={student.Id}&yearId=24&weekStart=2023-11-06&weekEnd=2023-11-12");
        var ids = diary["weekDays"]!.AsArray().SelectMany(day => day!["lessons"]!.AsArray()).Take(2)
            .Select(lesson => lesson!["assignments"]![0]!["id"]!.GetValue<long>()).ToList();

        var details = new List<JsonNode>();
        foreach (var id in ids)
        {
            details.Add(await _rk.GetAsync($"student/diary/assigns/{id}?studentId={student.Id}"));
        }

        Assert.All(details, detail => Assert.Contains(detail["weight"]!.GetValue<int>(), new[] { 10, 20, 40 }));
        Assert.Contains(details, detail => detail["teachers"] is JsonArray);
        Assert.Contains(details, detail => detail["teacher"] is JsonObject);
        Assert.All(ids, id => Assert.True(_mocks.World.RkApi.AssignmentReads[id] >= 1));
    }

    [Fact]
    public async Task PastMandatory_ListsTheDebtsOfTheWeek()
    {
        var region = _mocks.World.Rk.Region!;
        var debtor = region.Students.First(student => region.JournalLessons(student).Any(lesson => region.MarkOf(student.Id, lesson) is { IsDebt: true }));
        var debt = region.JournalLessons(debtor).First(lesson => region.MarkOf(debtor.Id, lesson) is { IsDebt: true });
        var monday = MySchool.Integration.Mocks.Synthetic.Curriculum.MondayOf(debt.Date);
        var week = $"weekStart={monday:yyyy-MM-dd}&weekEnd={monday.AddDays(6):yyyy-MM-dd}";

        var overdue = (await _rk.GetAsync($"student/diary/pastMandatory?studentId={debtor.Id}&yearId=24&{week}")).AsArray();
        var diary = await _rk.GetAsync($"student/diary?studentId={debtor.Id}&yearId=24&{week}");

        Assert.Contains(overdue, assignment => assignment!["subjectName"]!.GetValue<string>() == debt.Subject);
        Assert.Contains(diary["weekDays"]!.AsArray().SelectMany(d => d!["lessons"]!.AsArray()).SelectMany(l => l!["assignments"]!.AsArray()),
            assignment => assignment!["mark"] is JsonObject mark && mark["dutyMark"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Announcements_TakeAll_AreThePortfolioFeed()
    {
        var announcements = (await _rk.GetAsync("announcements?take=-1")).AsArray();

        Assert.NotEmpty(announcements);
        Assert.All(announcements, a => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$", a!["postDate"]!.GetValue<string>()));
        Assert.StartsWith("<p>", announcements[0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_ReportStudentsClassesAndDiaryWeeks()
    {
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts());
        using var rk = new NetSchoolClient(world.Rk);
        await rk.LoginAsync();
        var since = world.Rk.Region!.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        world.Rk.Region.ApplyChanges(new() { EditedMarks = 1, DeletedMarks = 0, NewMarks = 0, Transfers = 1, NewStudents = 0 });

        var changes = await rk.GetAsync($"changes?since={since}");

        Assert.Single(changes["studentIds"]!.AsArray());
        Assert.Equal(2, changes["classIds"]!.AsArray().Count);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", changes["diary"]![0]!["weekStart"]!.GetValue<string>());
        Assert.Equal(DayOfWeek.Monday, DateOnly.Parse(changes["diary"]![0]!["weekStart"]!.GetValue<string>(), CultureInfo.InvariantCulture).DayOfWeek);
    }
}
