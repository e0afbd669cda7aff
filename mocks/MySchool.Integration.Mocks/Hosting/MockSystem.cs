using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Hosting;

/// <summary>One running mock: its own Kestrel host and port, as the real system is its own server.</summary>
public sealed class MockSystem(string name, WebApplication app, FaultBoard faults, SyntheticRegion? region) : IAsyncDisposable
{
    public string Name { get; } = name;

    public FaultBoard Faults { get; } = faults;

    public SyntheticRegion? Region { get; } = region;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:5101/</c>.</summary>
    public Uri BaseAddress { get; } = new(app.Urls.First().TrimEnd('/') + "/");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Builds and starts a mock host on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<MockSystem> StartAsync(
        string name,
        int port,
        FaultBoard faults,
        SyntheticRegion? region,
        Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Whatever appsettings.json sits beside the process (a test host's carries the gateway's Kestrel
        // endpoints) must not move a mock off its own port.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        map(app);
        app.MapMockAdmin(faults, region);
        // With port 0, app.Urls holds the bound port once the host has started.
        await app.StartAsync();
        return new MockSystem(name, app, faults, region);
    }
}
