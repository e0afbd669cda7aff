using System.Net;
using System.Text.RegularExpressions;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.People;

/// <summary>
/// A synced region 54 behind a gateway on real ports, shared by a test class: each test picks its own family, so
/// requests never meet. Parents and students walk through the mock ESIA as plain HTTP clients with cookies.
/// </summary>
public sealed class FamilyFixture : IAsyncLifetime
{
    private SiteOnPorts _site = null!;

    public SyncHarness Harness => _site.Harness;

    public GatewayFactory Gateway => _site.Gateway;

    public Uri Address => _site.Address;

    private int _nextFamily;

    public async Task InitializeAsync()
    {
        _site = await SiteOnPorts.StartAsync();
        await Harness.SyncAsync();
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    /// <summary>
    /// A student of the registry (with SNILS and an ESIA account, trusted or not as asked) whose parent has an ESIA
    /// account; each call gives a family no other test has used.
    /// </summary>
    public (SyntheticStudent Student, SyntheticParent Parent) NextFamily(Func<SyntheticStudent, bool>? also = null)
    {
        var families = Harness.SourceRegion.Students
            .Where(s => s.Snils is not null && s.EsiaOid is not null && s.Parents.Any(p => p.EsiaOid is not null) && (also?.Invoke(s) ?? true))
            .Select(s => (s, s.Parents.First(p => p.EsiaOid is not null)))
            .ToList();
        return families[Interlocked.Increment(ref _nextFamily) * 7 % families.Count];
    }

    /// <summary>A family no other test has used, the parent logged in to the family page.</summary>
    public async Task<LoggedInParent> ParentLoggedInAsync()
    {
        var (student, parent) = NextFamily();
        return new LoggedInParent(student, parent, await PlacementAsync(student), await FamilyLoginAsync(parent.EsiaOid!.Value));
    }

    /// <summary>The student's federal person, class and school, as the sync stored them.</summary>
    public async Task<(Guid Person, Guid Class, Guid School, string ClassName)> PlacementAsync(SyntheticStudent student)
    {
        var person = student.Snils is { } snils
            ? await Harness.Db.ScalarAsync<Guid>("SELECT id FROM person WHERE snils = $1", snils)
            : await Harness.Db.ScalarAsync<Guid>("SELECT id FROM person WHERE last_name = $1 AND first_name = $2 AND birth_date = $3", student.Name.LastName, student.Name.FirstName, student.BirthDate);
        var classId = await Harness.Db.ScalarAsync<Guid>("SELECT class_id FROM enrollment WHERE student_id = $1 AND ends_on IS NULL", person);
        var school = await Harness.Db.ScalarAsync<Guid>("SELECT school_id FROM class WHERE id = $1", classId);
        var name = await Harness.Db.ScalarAsync<string>("SELECT grade || ' «' || letter || '»' FROM class WHERE id = $1", classId);
        return (person, classId, school, name);
    }

    /// <summary>A person logged in to the family page through ESIA: a client holding the session cookie.</summary>
    public async Task<HttpClient> FamilyLoginAsync(long oid)
    {
        var client = EsiaWalk.Client();
        client.BaseAddress = Address;
        using var landed = await EsiaWalk.LogInAsync(client, new Uri(Address, "/family/login"), oid);
        Assert.True(landed.StatusCode == HttpStatusCode.Redirect, $"the family login ended in {(int)landed.StatusCode}: {await landed.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>An operator of region 54 logged in to the dashboard through ESIA.</summary>
    public Task<HttpClient> OperatorLoginAsync() => EsiaWalk.OperatorSessionAsync(Address, SiteOnPorts.Operator54);

    /// <summary>A parent's request through the family page.</summary>
    public static Task<HttpResponseMessage> RequestAsync(HttpClient family, Guid school, string className, long? child) =>
        PageForms.PostAsync(family, "/family", "/family", new()
        {
            ["SchoolId"] = school.ToString(),
            ["ClassName"] = className,
            ["ChildId"] = child?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        });
}

/// <summary>A parent logged in to the family page (<see cref="Client"/> holds the session), their child and where the child is.</summary>
public sealed record LoggedInParent(
    SyntheticStudent Student, SyntheticParent Parent, (Guid Person, Guid Class, Guid School, string ClassName) Placement, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
