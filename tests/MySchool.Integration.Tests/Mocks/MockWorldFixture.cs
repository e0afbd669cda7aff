using System.Net.Http.Json;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>The mock systems on free ports over a small region, one world per test class.</summary>
public sealed class MockWorldFixture : IAsyncLifetime
{
    public static readonly RegionSpec SmallNso = new()
    {
        Seed = 7,
        RegionCode = "54",
        Municipalities = 1,
        SchoolsPerMunicipality = 2,
        ClassesPerGrade = 2,
        FirstGrade = 8,
        LastGrade = 9,
        StudentsPerClass = 5,
    };

    public MockWorld World { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync() => World = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(SmallNso));

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await World.DisposeAsync();
    }

    /// <summary>Arms a fault through the admin endpoint, as a test against a separately running mock would.</summary>
    public async Task ArmAsync(MockSystem system, string fault, int calls = 1)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(system.BaseAddress, "admin/faults"), new FaultRequestBody(fault, calls));
        response.EnsureSuccessStatusCode();
    }

    private sealed record FaultRequestBody(string Kind, int Calls);
}
