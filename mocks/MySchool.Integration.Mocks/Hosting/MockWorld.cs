using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Hosting;

/// <summary>What to start: each system's port (0: any free one) and the regions behind NSO and RK.</summary>
public sealed record MockWorldOptions
{
    public int NsoPort { get; init; } = 5101;

    public RegionSpec NsoRegion { get; init; } = RegionSpec.Demo("54");

    public EljurOptions Nso { get; init; } = new();

    /// <summary>Every port 0: what tests use so parallel runs never collide.</summary>
    public static MockWorldOptions AnyFreePorts(RegionSpec? nsoRegion = null) => new()
    {
        NsoPort = 0,
        NsoRegion = nsoRegion ?? RegionSpec.Demo("54"),
    };
}

/// <summary>All mock systems in one process, each on its own port, sharing nothing but the process.</summary>
public sealed class MockWorld : IAsyncDisposable
{
    private MockWorld(MockSystem nso) => Nso = nso;

    public MockSystem Nso { get; }

    public static async Task<MockWorld> StartAsync(MockWorldOptions options)
    {
        var nsoRegion = SyntheticRegion.Generate(options.NsoRegion);
        var nsoFaults = new FaultBoard(EljurFaults.All);
        var nsoApi = new EljurApi(nsoRegion, options.Nso, nsoFaults);
        var nso = await MockSystem.StartAsync("nso", options.NsoPort, nsoFaults, nsoRegion, nsoApi.MapRoutes);
        return new MockWorld(nso);
    }

    public async ValueTask DisposeAsync()
    {
        await Nso.DisposeAsync();
    }
}
