using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Rk;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Hosting;

/// <summary>What to start: each system's port (0: any free one) and the regions behind NSO and RK.</summary>
public sealed record MockWorldOptions
{
    public int NsoPort { get; init; } = 5101;

    public RegionSpec NsoRegion { get; init; } = RegionSpec.Demo("54");

    public EljurOptions Nso { get; init; } = new();

    public int RkPort { get; init; } = 5102;

    public RegionSpec RkRegion { get; init; } = RegionSpec.Demo("11");

    public NetSchoolOptions Rk { get; init; } = new();

    /// <summary>Every port 0: what tests use so parallel runs never collide.</summary>
    public static MockWorldOptions AnyFreePorts(RegionSpec? nsoRegion = null, RegionSpec? rkRegion = null) => new()
    {
        NsoPort = 0,
        NsoRegion = nsoRegion ?? RegionSpec.Demo("54"),
        RkPort = 0,
        RkRegion = rkRegion ?? RegionSpec.Demo("11"),
    };
}

/// <summary>All mock systems in one process, each on its own port, sharing nothing but the process.</summary>
public sealed class MockWorld : IAsyncDisposable
{
    private MockWorld(MockSystem nso, MockSystem rk, NetSchoolApi rkApi)
    {
        Nso = nso;
        Rk = rk;
        RkApi = rkApi;
    }

    public MockSystem Nso { get; }

    public MockSystem Rk { get; }

    public NetSchoolApi RkApi { get; }

    public static async Task<MockWorld> StartAsync(MockWorldOptions options, TimeProvider? time = null)
    {
        var nsoRegion = SyntheticRegion.Generate(options.NsoRegion);
        var nsoFaults = new FaultBoard(EljurFaults.All);
        var nso = await MockSystem.StartAsync("nso", options.NsoPort, nsoFaults, nsoRegion, new EljurApi(nsoRegion, options.Nso, nsoFaults).MapRoutes);

        var rkRegion = SyntheticRegion.Generate(options.RkRegion);
        var rkFaults = new FaultBoard(NetSchoolFaults.All);
        var rkApi = new NetSchoolApi(rkRegion, options.Rk, rkFaults, time ?? TimeProvider.System);
        var rk = await MockSystem.StartAsync("rk", options.RkPort, rkFaults, rkRegion, rkApi.MapRoutes);
        return new MockWorld(nso, rk, rkApi);
    }

    public async ValueTask DisposeAsync()
    {
        await Nso.DisposeAsync();
        await Rk.DisposeAsync();
    }
}
