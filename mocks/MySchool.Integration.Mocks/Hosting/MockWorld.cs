using MySchool.Integration.Mocks.Esia;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Mail;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Rk;
using MySchool.Integration.Mocks.Sferum;
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

    public int EsiaPort { get; init; } = 5103;

    public EsiaOptions Esia { get; init; } = new();

    public int SferumPort { get; init; } = 5104;

    public SferumOptions Sferum { get; init; } = new();

    /// <summary>The mail relay's SMTP port; its inbox page is on <see cref="MailPort"/>.</summary>
    public int SmtpPort { get; init; } = 5105;

    public int MailPort { get; init; } = 5106;

    /// <summary>Every port 0: what tests use so parallel runs never collide.</summary>
    public static MockWorldOptions AnyFreePorts(RegionSpec? nsoRegion = null, RegionSpec? rkRegion = null) => new()
    {
        NsoPort = 0,
        NsoRegion = nsoRegion ?? RegionSpec.Demo("54"),
        RkPort = 0,
        RkRegion = rkRegion ?? RegionSpec.Demo("11"),
        EsiaPort = 0,
        SferumPort = 0,
        SmtpPort = 0,
        MailPort = 0,
    };
}

/// <summary>All mock systems in one process, each on its own port as the real ones are separate servers.</summary>
public sealed class MockWorld : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private MockWorld()
    {
    }

    public MockSystem Nso { get; private set; } = null!;

    public MockSystem Rk { get; private set; } = null!;

    public MockSystem Esia { get; private set; } = null!;

    public MockSystem Sferum { get; private set; } = null!;

    public NetSchoolApi RkApi { get; private set; } = null!;

    public EsiaDirectory EsiaPeople { get; private set; } = null!;

    public EsiaTokens EsiaTokens { get; private set; } = null!;

    public SferumApi SferumApi { get; private set; } = null!;

    /// <summary>The mail relay's admin host (faults, <c>GET /admin/mail</c>); <see cref="Smtp"/> is the relay itself.</summary>
    public MockSystem Mail { get; private set; } = null!;

    public SmtpMock Smtp { get; private set; } = null!;

    public IEnumerable<MockSystem> Systems => [Nso, Rk, Esia, Sferum, Mail];

    public static async Task<MockWorld> StartAsync(MockWorldOptions options, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var world = new MockWorld();
        try
        {
            var nsoRegion = SyntheticRegion.Generate(options.NsoRegion);
            var nsoFaults = new FaultBoard(EljurFaults.All);
            world.Nso = await world.StartAsync("nso", options.NsoPort, nsoFaults, nsoRegion, new EljurApi(nsoRegion, options.Nso, nsoFaults).MapRoutes);

            var rkRegion = SyntheticRegion.Generate(options.RkRegion);
            var rkFaults = new FaultBoard(NetSchoolFaults.All);
            world.RkApi = new NetSchoolApi(rkRegion, options.Rk, rkFaults, time);
            world.Rk = await world.StartAsync("rk", options.RkPort, rkFaults, rkRegion, world.RkApi.MapRoutes);

            var esiaFaults = new FaultBoard(EsiaFaults.All);
            world.EsiaPeople = new EsiaDirectory([nsoRegion, rkRegion]);
            world.EsiaTokens = new EsiaTokens();
            var esia = new EsiaApi(world.EsiaPeople, options.Esia, esiaFaults, world.EsiaTokens, time);
            world.Esia = await world.StartAsync("esia", options.EsiaPort, esiaFaults, null, esia.MapRoutes);

            var sferumFaults = new FaultBoard(SferumFaults.All);
            world.SferumApi = new SferumApi([nsoRegion, rkRegion], options.Sferum, sferumFaults, time);
            world.Sferum = await world.StartAsync("sferum", options.SferumPort, sferumFaults, null, world.SferumApi.MapRoutes);

            var mailFaults = new FaultBoard(MailFaults.All);
            world.Smtp = SmtpMock.Start(options.SmtpPort, mailFaults, time);
            world._owned.Add(world.Smtp);
            world.Mail = await world.StartAsync("mail", options.MailPort, mailFaults, null, app =>
            {
                app.MapGet("/admin/mail", () => world.Smtp.Inbox);
                app.MapDelete("/admin/mail", () => world.Smtp.Clear());
            });
            return world;
        }
        catch
        {
            // A port already taken must not leave the systems started before it running.
            await world.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        EsiaTokens?.Dispose();
    }

    private async Task<MockSystem> StartAsync(string name, int port, FaultBoard faults, SyntheticRegion? region, Action<WebApplication> map)
    {
        var system = await MockSystem.StartAsync(name, port, faults, region, map);
        _owned.Add(system);
        return system;
    }
}
