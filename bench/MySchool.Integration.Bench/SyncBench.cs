using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Adapters.Rk;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// A full sync of a 30,000-student municipality with a week of journal, from an adapter's mock over HTTP into real
/// PostgreSQL, against a baseline measured in the same run: a raw binary COPY of the very rows the sync wrote
/// into an empty database of the same schema (same indexes, same triggers).
/// </summary>
internal static class SyncBench
{
    public static readonly string[] Tables =
        ["region", "municipality", "school", "academic_year", "period", "holiday", "grade_level", "class", "class_group", "person", "enrollment", "group_member", "guardianship", "staff", "subject", "lesson", "homework", "mark", "attendance", "event", "identity_map"];

    public static Task NsoAsync() => RunAsync("54");

    public static Task RkAsync() => RunAsync("11");

    private static async Task RunAsync(string regionCode)
    {
        var spec = new RegionSpec { Seed = 1, RegionCode = regionCode, Municipalities = 1, SchoolsPerMunicipality = 30, ClassesPerGrade = 4, StudentsPerClass = 23, Weeks = 1 };
        var cluster = await PostgresCluster.SharedAsync();
        await using var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("bench"));
        var small = RegionSpec.Demo(regionCode == "54" ? "11" : "54");
        await using var world = await MockWorld.StartAsync(regionCode == "54" ? MockWorldOptions.AnyFreePorts(spec, small) : MockWorldOptions.AnyFreePorts(small, spec));
        var mock = regionCode == "54" ? world.Nso : world.Rk;
        await using var sync = new FullSync(db, mock);

        // The read-only pass twice: first as the process's first pass over the mock (the JIT's, like the first sync),
        // then again; the sync's ratio is to the faster.
        var (readOnlySeconds, read, readOnlyCpu) = (new double[2], 0L, "");
        for (var pass = 0; pass < readOnlySeconds.Length; pass++)
        {
            var passCpu = new CpuSplit();
            var began = Stopwatch.GetTimestamp();
            read = await sync.ReadOnlyAsync();
            readOnlySeconds[pass] = Stopwatch.GetElapsedTime(began).TotalSeconds;
            readOnlyCpu = passCpu.Spent(); // the second, warm pass's is reported
        }

        // A first full sync too, into a database of its own: the process's first write of a region, JIT included, as
        // the read-only pass's first is; the timed sync below is a warm process's, as in a gateway that has synced before.
        // It is dropped after, so that no autovacuum of its rows falls in the timed sync.
        double firstSyncSeconds;
        var scratch = new NpgsqlConnectionStringBuilder(await cluster.CreateMigratedDatabaseAsync("first"));
        await using (var scratchDb = NpgsqlDataSource.Create(scratch.ConnectionString))
        await using (var first = new FullSync(scratchDb, mock))
        {
            var began = Stopwatch.GetTimestamp();
            await first.RunAsync();
            firstSyncSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        }

        await using (var postgres = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(scratch.ConnectionString) { Database = "postgres" }.ConnectionString))
        await using (var drop = postgres.CreateCommand($"DROP DATABASE {scratch.Database} WITH (FORCE)"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var statements = await StatementProfile.StartAsync(db);
        var cpu = new CpuSplit();
        var started = Stopwatch.GetTimestamp();
        var run = await sync.RunAsync();
        var syncSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var syncCpu = cpu.Spent();
        var rows = await RowCountAsync(db);

        // The store as autovacuum leaves it between two nightly syncs, not in the middle of vacuuming the first one's rows
        // (untimed; it shows among the full sync's statements).
        await using (var settle = db.CreateCommand("VACUUM ANALYZE"))
        {
            await settle.ExecuteNonQueryAsync();
        }

        await statements.PrintAsync("full sync");

        cpu = new CpuSplit();
        started = Stopwatch.GetTimestamp();
        var repeat = await sync.RunAsync();
        var repeatSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var repeatCpu = cpu.Spent();
        await statements.PrintAsync("repeat sync");

        await using var baseline = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("baseline"));
        started = Stopwatch.GetTimestamp();
        await CopyAllAsync(db, baseline);
        var copySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(run.Error is null ? string.Empty : $"errors: {run.Error[..Math.Min(run.Error.Length, 1500)]}");
        Console.WriteLine($"{mock.Name} full sync: {spec.StudentCount:N0} students, {run.Status}, {rows:N0} rows in {syncSeconds:F1} s = {rows / syncSeconds:N0} rows/s (read {run.Read:N0} records, quarantined {run.Quarantined})");
        Console.WriteLine($"repeat sync (writes nothing): {repeatSeconds:F1} s, written {repeat.Inserted + repeat.Updated + repeat.Deleted}");
        Console.WriteLine($"baseline raw binary COPY of the same {rows:N0} rows: {copySeconds:F1} s = {rows / copySeconds:N0} rows/s");
        Console.WriteLine($"ratio sync / COPY: {syncSeconds / copySeconds:F1}x");
        Console.WriteLine($"read-only pass (the same adapter reads and checks every school, writes nothing): {read:N0} records in {readOnlySeconds[0]:F1} s, again {readOnlySeconds[1]:F1} s");
        Console.WriteLine($"ratio full sync / read-only: {syncSeconds / readOnlySeconds.Min():F2}x; repeat sync / read-only: {repeatSeconds / readOnlySeconds.Min():F2}x");
        Console.WriteLine($"the process's first full sync (into a database of its own, before the timed one): {firstSyncSeconds:F1} s = {firstSyncSeconds / readOnlySeconds[0]:F2}x its first read-only pass, {firstSyncSeconds / readOnlySeconds.Min():F2}x the faster");
        Console.WriteLine($"CPU (the bench's process: mock, adapter, engine / PostgreSQL): read-only pass {readOnlyCpu}; full sync {syncCpu}; repeat {repeatCpu}");
        Console.WriteLine($"peak working set of the process (mock + engine): {process.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB");
    }

    private static async Task<long> RowCountAsync(NpgsqlDataSource db)
    {
        long total = 0;
        foreach (var table in Tables)
        {
            await using var command = db.CreateCommand($"SELECT count(*) FROM {table}");
            total += (long)(await command.ExecuteScalarAsync())!;
        }

        return total;
    }

    /// <summary>Binary COPY out of one database and into the other, table by table in foreign-key order (or one table into another of the same columns).</summary>
    public static async Task CopyAllAsync(NpgsqlDataSource from, NpgsqlDataSource to, IEnumerable<string>? tables = null, string? into = null)
    {
        await using var source = await from.OpenConnectionAsync();
        await using var target = await to.OpenConnectionAsync();
        foreach (var table in tables ?? Tables)
        {
            await using var reader = await source.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)");
            await using var writer = await target.BeginRawBinaryCopyAsync($"COPY {into ?? table} FROM STDIN (FORMAT BINARY)");
            await reader.CopyToAsync(writer);
        }
    }
}

/// <summary>CPU seconds spent from its creation by this process (the mock, the adapter and the engine) and by PostgreSQL.</summary>
internal sealed class CpuSplit
{
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly double _postgres = ExchangeBench.CpuSeconds()["postgres"];

    public string Spent() =>
        $"{(Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds:F1} s / {ExchangeBench.CpuSeconds()["postgres"] - _postgres:F1} s";
}

/// <summary>A region's full sync from its mock, as the engine runs it: for scenarios that time it or only need its rows.</summary>
internal sealed class FullSync(NpgsqlDataSource db, MockSystem mock) : IAsyncDisposable
{
    private readonly ServiceProvider _adapters = new ServiceCollection().AddNsoAdapter().AddRkAdapter().BuildServiceProvider();
    private readonly RegionSource _region = MockRegions.For(mock);
    private ISourceAdapter? _adapter;

    private SyncRuns Runs => new(db);

    private SyncEngine Engine => new(db, Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);

    // One adapter for every run, as a host keeps one: its session carries over.
    private ISourceAdapter Adapter => _adapter ??= _adapters.GetServices<ISourceAdapterFactory>().Single(f => f.Name == mock.Name).Create(_region);

    public async Task<SyncRun> RunAsync() =>
        await Engine.RunAsync(_region, Adapter, await Runs.QueueAsync(mock.Name, _region.Code, SyncMode.Full, default), null, SyncMode.Full, default);

    /// <summary>
    /// The sync's baseline: the same adapter reads and checks every school as the sync does (as many at once), and
    /// nothing is written. Returns the records read.
    /// </summary>
    public async Task<long> ReadOnlyAsync()
    {
        var (engine, adapter, read) = (Engine, Adapter, 0L);
        await Parallel.ForEachAsync(await adapter.ReadSchoolsAsync(default), new ParallelOptions { MaxDegreeOfParallelism = _region.MaxConcurrentSchools }, async (school, ct) =>
            Interlocked.Add(ref read, (await engine.ReadSchoolAsync(_region, adapter, school, ct)).RecordsRead));
        return read;
    }

    public ValueTask DisposeAsync() => _adapters.DisposeAsync();
}
