using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Adapters.Rk;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// A fresh database, a fresh mock world and the engine with the real adapter registrations, for one adapter: one
/// per test. Adding an adapter to the acceptance suite is one entry in <see cref="Regions"/>.
/// </summary>
public sealed class SyncHarness : IAsyncDisposable
{
    /// <summary>Every registered adapter with the mock that stands for its system, as region configuration.</summary>
    private static readonly Dictionary<string, Func<MockWorld, RegionSource>> Regions = new(StringComparer.Ordinal)
    {
        ["nso"] = world => Impatient(MockRegions.For(world.Nso)),
        ["rk"] = world => Impatient(MockRegions.For(world.Rk)),
    };

    private readonly ServiceProvider _services;

    private SyncHarness(string adapter, MockWorld world, NpgsqlDataSource db, ServiceProvider services)
    {
        Adapter = adapter;
        World = world;
        Db = db;
        _services = services;
        Runs = new SyncRuns(db);
        Engine = new SyncEngine(db, Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance, Patient);
    }

    /// <summary>The engine's retries of transient database failures, quick enough for tests.</summary>
    public static readonly StoreRetry Patient = new(3, TimeSpan.FromMilliseconds(20));

    public static IEnumerable<string> Adapters => Regions.Keys;

    public string Adapter { get; }

    public MockWorld World { get; }

    public NpgsqlDataSource Db { get; }

    public SyncRuns Runs { get; }

    public SyncEngine Engine { get; }

    /// <summary>The mock standing for this adapter's system.</summary>
    public MockSystem Source => Adapter == "rk" ? World.Rk : World.Nso;

    public SyntheticRegion SourceRegion => Source.Region!;

    public RegionSource Region => Regions[Adapter](World);

    /// <summary>Two schools of two grades with two classes each: small, but every shape of the contract occurs.</summary>
    public static RegionSpec SmallRegion(string regionCode) => new()
    {
        Seed = 54,
        RegionCode = regionCode,
        Municipalities = 1,
        SchoolsPerMunicipality = 2,
        ClassesPerGrade = 2,
        FirstGrade = 8,
        LastGrade = 9,
        StudentsPerClass = 12,
    };

    /// <param name="mess">What each region's source gets wrong, by region code (the options real registries need).</param>
    /// <param name="cluster">A cluster of the test's own (to restart under it); the shared one by default.</param>
    public static async Task<SyncHarness> StartAsync(string adapter = "nso", Func<RegionSpec, RegionSpec>? mess = null, PostgresCluster? cluster = null)
    {
        cluster ??= await PostgresCluster.SharedAsync();
        var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("sync"));
        mess ??= spec => spec;
        var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(mess(SmallRegion("54")), mess(SmallRegion("11"))));
        var services = new ServiceCollection().AddNsoAdapter().AddRkAdapter().BuildServiceProvider();
        return new SyncHarness(adapter, world, db, services);
    }

    /// <summary>The other adapter of the suite: the second region's source, on the same database.</summary>
    public string OtherAdapter => Regions.Keys.First(name => name != Adapter);

    /// <param name="adapter">Another adapter than this harness's, to sync its region into the same database.</param>
    public async Task<SyncRun> SyncAsync(string? school = null, SyncMode mode = SyncMode.Full, string? adapter = null)
    {
        var region = Regions[adapter ?? Adapter](World);
        var source = _services.GetServices<ISourceAdapterFactory>().Single(f => f.Name == region.Adapter).Create(region);
        try
        {
            var runId = await Runs.QueueAsync(source.SourceSystem, region.Code, mode, CancellationToken.None);
            return await Engine.RunAsync(region, source, runId, school, mode, CancellationToken.None);
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(source);
        }
    }

    /// <summary>
    /// A full NSO run whose first school is written and whose second failed: ЭлЖур answered 503 to every attempt at
    /// it. Schools are synced one after the other so the fault meets only the second.
    /// </summary>
    public async Task<(long RunId, SyncPlan Plan)> RunWithAFailedSchoolAsync()
    {
        Assert.Equal("nso", Adapter);
        var (region, adapter) = (Region, CreateAdapter());
        try
        {
            var runId = await Runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
            var plan = (await Engine.PlanAsync(region, adapter, runId, null, SyncMode.Full, CancellationToken.None))!;
            await Engine.SyncSchoolAsync(region, adapter, plan, plan.Schools[0], CancellationToken.None);
            World.Nso.Faults.Arm(EljurFaults.Unavailable, 1000);
            await Engine.SyncSchoolAsync(region, adapter, plan, plan.Schools[1], CancellationToken.None);
            World.Nso.Faults.Reset();
            return (runId, plan);
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

    /// <summary>This harness's adapter over its region (release it with <see cref="RegionCatalog.ReleaseAsync"/>).</summary>
    public ISourceAdapter CreateAdapter() => _services.GetServices<ISourceAdapterFactory>().Single(f => f.Name == Region.Adapter).Create(Region);

    public List<MySchool.Integration.Mocks.Synthetic.TruthRecord> Truth() => [.. GroundTruth.Records(SourceRegion)];

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync();
        await Db.DisposeAsync();
        await _services.DisposeAsync();
    }

    /// <summary>Short attempts and backoff: faults such as the 5 s delay are retried within a test's patience.</summary>
    private static RegionSource Impatient(RegionSource region)
    {
        region.Settings["AttemptTimeoutSeconds"] = "1";
        region.Settings["RetryDelayMs"] = "20";
        return region;
    }
}
