using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>Logged-in clients of every mock and the ids the samples need, made once per mock world.</summary>
public sealed class ContractSession
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<MockWorld, ContractSession> Sessions = [];

    private ContractSession(MockWorldFixture mocks)
    {
        World = mocks.World;
        Http = mocks.Http;
        Nso = new EljurClient(Http, World.Nso);
        Rk = new NetSchoolClient(World.Rk);
        Esia = new EsiaClient(World.Esia);
    }

    public MockWorld World { get; }

    public HttpClient Http { get; }

    public EljurClient Nso { get; }

    public NetSchoolClient Rk { get; }

    public EsiaClient Esia { get; }

    public string NsoSchool => World.Nso.Region!.Schools[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string NsoClass => World.Nso.Region!.Classes.Where(c => c.SchoolId == World.Nso.Region.Schools[0].Id).Min(c => c.Id).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string NsoStudent => World.Nso.Region!.StudentsOf(int.Parse(NsoClass, System.Globalization.CultureInfo.InvariantCulture)).First().Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int RkSchool => World.Rk.Region!.Schools[0].Id;

    public int RkClass => World.Rk.Region!.Classes.Where(c => c.SchoolId == RkSchool).Max(c => c.Id);

    public int RkStudent => World.Rk.Region!.StudentsOf(RkClass).First().Id;

    /// <summary>A student with a debt in the fixtures' week, so the overdue list has a shape to keep.</summary>
    public int RkDebtor
    {
        get
        {
            var region = World.Rk.Region!;
            return region.Students.First(student => region.JournalLessons(student)
                .Any(lesson => lesson.Date <= new DateOnly(2023, 11, 12) && region.MarkOf(student.Id, lesson) is { IsDebt: true })).Id;
        }
    }

    public long RkAssignment => (World.Rk.Region!.JournalLessons(World.Rk.Region.Student(RkStudent)!).First().Id * 10) + 1;

    public JsonNode RkLoginAnswer { get; private set; } = null!;

    public long EsiaParent => World.EsiaPeople.People.Where(p => p.Kids.Count > 0).Min(p => p.Oid);

    public JsonNode EsiaTokens { get; private set; } = null!;

    public string EsiaAccessToken => EsiaTokens["access_token"]!.GetValue<string>();

    public string SferumOrganization { get; private set; } = string.Empty;

    private string SferumToken { get; set; } = string.Empty;

    public static async Task<ContractSession> ForAsync(MockWorldFixture mocks)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Sessions.TryGetValue(mocks.World, out var session))
            {
                session = new ContractSession(mocks);
                await session.LoginAsync();
                Sessions[mocks.World] = session;
            }

            return session;
        }
        finally
        {
            Gate.Release();
        }
    }

    public async Task<JsonNode> RkRaw(string path) => (await Http.GetFromJsonAsync<JsonNode>(new Uri(World.Rk.BaseAddress, path)))!;

    /// <summary>Sferum allows 3 calls a second per token: the samples pace themselves.</summary>
    public async Task<JsonNode> SferumAsync(string method, params (string, string)[] fields)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        return await SferumClient.CallAsync(Http, World.Sferum, SferumToken, method, fields);
    }

    public async Task<string> SferumClassAsync() =>
        (await SferumAsync("education.createClass", ("organization_id", SferumOrganization), ("name", "9 «И»"), ("year", "2023/2024"), ("external_id", "fixture-class")))["response"]!["class_id"]!.ToString();

    public async Task<string> SferumPendingRequestAsync() =>
        (await SferumAsync("education.getJoinRequests", ("organization_id", SferumOrganization), ("count", "200")))["response"]!["items"]![0]!["request_id"]!.ToString();

    private async Task LoginAsync()
    {
        await Nso.AuthenticateAsync();
        await Rk.LoginAsync();
        RkLoginAnswer = Rk.LoginAnswer!;
        EsiaTokens = await Esia.LoginAsync(EsiaParent);
        SferumToken = await SferumClient.TokenAsync(Http, World.Sferum);
        SferumOrganization = (await SferumAsync("education.getOrganization", ("inn", World.Nso.Region!.Schools[0].Inn)))["response"]!["id"]!.ToString();
    }
}
