using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Tests.Sync;

/// <summary>A fresh database, a fresh mock world and the engine with the real adapter registration: one per test.</summary>
public sealed class SyncHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SyncHarness(MockWorld world, NpgsqlDataSource db, ServiceProvider services)
    {
        World = world;
        Db = db;
        _services = services;
        Runs = new SyncRuns(db);
        Engine = new SyncEngine(db, Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);
    }

    public MockWorld World { get; }

    public NpgsqlDataSource Db { get; }

    public SyncRuns Runs { get; }

    public SyncEngine Engine { get; }

    public RegionSource Nso => new()
    {
        Code = "54",
        Name = "Новосибирская область",
        TimeZone = "Asia/Novosibirsk",
        Adapter = "nso",
        BaseUrl = new Uri(World.Nso.BaseAddress, "apiv3/"),
        Settings = new()
        {
            ["Login"] = "integration54",
            ["Password"] = "eljur-secret",
            ["DevKey"] = "nso-devkey",
            // Short attempts and backoff: faults such as the 5 s delay are retried within the test's patience.
            ["AttemptTimeoutSeconds"] = "1",
            ["RetryDelayMs"] = "20",
        },
        JournalFrom = World.Nso.Region!.JournalStart,
        JournalTo = World.Nso.Region.JournalEnd,
    };

    public static async Task<SyncHarness> StartAsync(RegionSpec? nso = null)
    {
        var cluster = await PostgresCluster.SharedAsync();
        var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("sync"));
        var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(nso ?? SmallRegion));
        var services = new ServiceCollection().AddNsoAdapter().BuildServiceProvider();
        return new SyncHarness(world, db, services);
    }

    /// <summary>Two schools of two grades with two classes each: small, but every shape of the contract occurs.</summary>
    public static RegionSpec SmallRegion => new()
    {
        Seed = 54,
        RegionCode = "54",
        Municipalities = 1,
        SchoolsPerMunicipality = 2,
        ClassesPerGrade = 2,
        FirstGrade = 8,
        LastGrade = 9,
        StudentsPerClass = 12,
    };

    public async Task<SyncRun> SyncNsoAsync(string? school = null, SyncMode mode = SyncMode.Full)
    {
        var region = Nso;
        var adapter = _services.GetServices<ISourceAdapterFactory>().Single(f => f.Name == region.Adapter).Create(region);
        var runId = await Runs.QueueAsync(adapter.SourceSystem, region.Code, mode, CancellationToken.None);
        return await Engine.RunAsync(region, adapter, runId, school, mode, CancellationToken.None);
    }

    public List<TruthRecord> Truth() => [.. GroundTruth.Records(World.Nso.Region!)];

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync();
        await Db.DisposeAsync();
        await _services.DisposeAsync();
    }
}
