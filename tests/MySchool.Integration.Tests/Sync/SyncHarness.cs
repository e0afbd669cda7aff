using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Adapters.Rk;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;
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
        Engine = new SyncEngine(db, Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);
    }

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

    public static async Task<SyncHarness> StartAsync(string adapter = "nso")
    {
        var cluster = await PostgresCluster.SharedAsync();
        var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("sync"));
        var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(SmallRegion("54"), SmallRegion("11")));
        var services = new ServiceCollection().AddNsoAdapter().AddRkAdapter().BuildServiceProvider();
        return new SyncHarness(adapter, world, db, services);
    }

    public async Task<SyncRun> SyncAsync(string? school = null, SyncMode mode = SyncMode.Full)
    {
        var region = Region;
        var adapter = _services.GetServices<ISourceAdapterFactory>().Single(f => f.Name == region.Adapter).Create(region);
        try
        {
            var runId = await Runs.QueueAsync(adapter.SourceSystem, region.Code, mode, CancellationToken.None);
            return await Engine.RunAsync(region, adapter, runId, school, mode, CancellationToken.None);
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }

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
