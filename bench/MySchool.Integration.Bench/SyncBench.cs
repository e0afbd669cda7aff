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
/// PostgreSQL, and a repeat of it, against two baselines measured in the same run: a read-only pass of the same adapter
/// just before each sync (issue 17's), and a raw binary COPY of the very rows the sync wrote into an empty database of
/// the same schema (same indexes, same triggers).
/// </summary>
internal static class SyncBench
{
    public static readonly string[] Tables =
        ["region", "municipality", "school", "academic_year", "period", "holiday", "grade_level", "class", "class_group", "person", "enrollment", "group_member", "guardianship", "staff", "subject", "lesson", "homework", "mark", "attendance", "event", "identity_map"];

    public static Task NsoAsync() => RunAsync("54");

    public static Task RkAsync() => RunAsync("11");

    /// <summary>Rounds of a read-only pass, a full sync and a repeat, each sync's ratio taken to the pass just before it.</summary>
    private const int Rounds = 5;

    private static async Task RunAsync(string regionCode)
    {
        var spec = new RegionSpec { Seed = 1, RegionCode = regionCode, Municipalities = 1, SchoolsPerMunicipality = 30, ClassesPerGrade = 4, StudentsPerClass = 23, Weeks = 1 };
        var cluster = await PostgresCluster.SharedAsync();
        var small = RegionSpec.Demo(regionCode == "54" ? "11" : "54");
        await using var world = await MockWorld.StartAsync(regionCode == "54" ? MockWorldOptions.AnyFreePorts(spec, small) : MockWorldOptions.AnyFreePorts(small, spec));
        var mock = regionCode == "54" ? world.Nso : world.Rk;
        await using var sync = new FullSync(mock);
        await using var untouched = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("readonly"));

        // The process's first read-only pass, full sync and repeat, untimed but printed: the JIT's, as a gateway pays
        // them once; the rounds measure a warm process, as a gateway that has synced before runs.
        var began = Stopwatch.GetTimestamp();
        var read = await sync.ReadOnlyAsync(untouched);
        var coldReadOnly = Stopwatch.GetElapsedTime(began).TotalSeconds;
        var cold = await TimeSyncsAsync(cluster, sync, "first", profile: false);
        await DropAsync(cold.Database);

        var rounds = new List<Round>();
        for (var round = 0; round < Rounds; round++)
        {
            var cpu = new CpuSplit();
            began = Stopwatch.GetTimestamp();
            await sync.ReadOnlyAsync(untouched);
            var readOnly = (Seconds: Stopwatch.GetElapsedTime(began).TotalSeconds, Cpu: cpu.Spent());
            var syncs = await TimeSyncsAsync(cluster, sync, "bench", profile: round == 0);
            rounds.Add(new Round(readOnly.Seconds, readOnly.Cpu, syncs));
            if (round < Rounds - 1)
            {
                await DropAsync(syncs.Database); // no autovacuum of its rows in the next round
            }
        }

        var last = rounds[^1].Syncs;
        await using var db = NpgsqlDataSource.Create(last.Database);
        var rows = await RowCountAsync(db);
        await using var baseline = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("baseline"));
        began = Stopwatch.GetTimestamp();
        await CopyAllAsync(db, baseline);
        var copySeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(last.Run.Error is null ? string.Empty : $"errors: {last.Run.Error[..Math.Min(last.Run.Error.Length, 1500)]}");
        Console.WriteLine($"{mock.Name} full sync: {spec.StudentCount:N0} students, {last.Run.Status}, {rows:N0} rows in {last.Seconds:F1} s = {rows / last.Seconds:N0} rows/s (read {last.Run.Read:N0} records, quarantined {last.Run.Quarantined})");
        Console.WriteLine($"baseline raw binary COPY of the same {rows:N0} rows: {copySeconds:F1} s = {rows / copySeconds:N0} rows/s; ratio sync / COPY: {last.Seconds / copySeconds:F1}x");
        Console.WriteLine($"the process's first read-only pass, full sync and repeat (untimed warm-up): {read:N0} records in {coldReadOnly:F1} s, {cold.Seconds:F1} s, {cold.RepeatSeconds:F1} s");
        foreach (var (round, i) in rounds.Select((r, i) => (r, i + 1)))
        {
            Console.WriteLine($"round {i}: read-only pass {round.ReadOnlySeconds:F1} s, full sync ({round.Syncs.Run.Status}) {round.Syncs.Seconds:F1} s = {round.FullRatio:F2}x, repeat {round.Syncs.RepeatSeconds:F1} s = {round.RepeatRatio:F2}x (written {round.Syncs.RepeatWritten})");
            Console.WriteLine($"  CPU (the bench's process: mock, adapter, engine / PostgreSQL): read-only pass {round.ReadOnlyCpu}; full sync {round.Syncs.Cpu}; repeat {round.Syncs.RepeatCpu}");
        }

        Console.WriteLine($"median of {Rounds} rounds: full sync / read-only {Median(rounds.Select(r => r.FullRatio)):F2}x; repeat sync / read-only {Median(rounds.Select(r => r.RepeatRatio)):F2}x");
        Console.WriteLine($"peak working set of the process (mock + engine): {process.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB");
    }

    /// <summary>A full sync into a new database of the schema, then (the store vacuumed, untimed) a repeat that writes nothing.</summary>
    private static async Task<Syncs> TimeSyncsAsync(PostgresCluster cluster, FullSync sync, string prefix, bool profile)
    {
        var database = await cluster.CreateMigratedDatabaseAsync(prefix);
        await using var db = NpgsqlDataSource.Create(database);
        var statements = profile ? await StatementProfile.StartAsync(db) : StatementProfile.None;
        var cpu = new CpuSplit();
        var began = Stopwatch.GetTimestamp();
        var run = await sync.RunAsync(db);
        var (seconds, spent) = (Stopwatch.GetElapsedTime(began).TotalSeconds, cpu.Spent());

        // The store as autovacuum and the checkpointer leave it between two nightly syncs, not in the middle of vacuuming
        // the first one's rows or of writing its pages out (untimed; it shows among the full sync's statements).
        foreach (var settling in new[] { "VACUUM ANALYZE", "CHECKPOINT" })
        {
            await using var settle = db.CreateCommand(settling);
            await settle.ExecuteNonQueryAsync();
        }

        await statements.PrintAsync("full sync");
        cpu = new CpuSplit();
        began = Stopwatch.GetTimestamp();
        var repeat = await sync.RunAsync(db);
        var (repeatSeconds, repeatSpent) = (Stopwatch.GetElapsedTime(began).TotalSeconds, cpu.Spent());
        await statements.PrintAsync("repeat sync");
        return new Syncs(database, run, seconds, spent, repeatSeconds, repeatSpent, repeat.Inserted + repeat.Updated + repeat.Deleted);
    }

    private static async Task DropAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var postgres = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database) { Database = "postgres" }.ConnectionString);
        await using var drop = postgres.CreateCommand($"DROP DATABASE {name} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Syncs(string Database, SyncRun Run, double Seconds, string Cpu, double RepeatSeconds, string RepeatCpu, long RepeatWritten);

    private sealed record Round(double ReadOnlySeconds, string ReadOnlyCpu, Syncs Syncs)
    {
        public double FullRatio => Syncs.Seconds / ReadOnlySeconds;

        public double RepeatRatio => Syncs.RepeatSeconds / ReadOnlySeconds;
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
internal sealed class FullSync(MockSystem mock) : IAsyncDisposable
{
    private readonly ServiceProvider _adapters = new ServiceCollection().AddNsoAdapter().AddRkAdapter().BuildServiceProvider();
    private readonly RegionSource _region = MockRegions.For(mock);
    private ISourceAdapter? _adapter;

    // One adapter for every run, into whichever database, as a host keeps one: its session carries over.
    private ISourceAdapter Adapter => _adapter ??= _adapters.GetServices<ISourceAdapterFactory>().Single(f => f.Name == mock.Name).Create(_region);

    public async Task<SyncRun> RunAsync(NpgsqlDataSource db)
    {
        var runs = new SyncRuns(db);
        return await Engine(db).RunAsync(_region, Adapter, await runs.QueueAsync(mock.Name, _region.Code, SyncMode.Full, default), null, SyncMode.Full, default);
    }

    /// <summary>
    /// The sync's baseline: the same adapter reads and checks every school as the sync does (as many at once), and
    /// nothing is written. Returns the records read.
    /// </summary>
    public async Task<long> ReadOnlyAsync(NpgsqlDataSource db)
    {
        var (engine, adapter, read) = (Engine(db), Adapter, 0L);
        await Parallel.ForEachAsync(await adapter.ReadSchoolsAsync(default), new ParallelOptions { MaxDegreeOfParallelism = _region.MaxConcurrentSchools }, async (school, ct) =>
            Interlocked.Add(ref read, (await engine.ReadSchoolAsync(_region, adapter, school, ct)).RecordsRead));
        return read;
    }

    public ValueTask DisposeAsync() => _adapters.DisposeAsync();

    private static SyncEngine Engine(NpgsqlDataSource db) => new(db, new SyncRuns(db), TimeProvider.System, NullLogger<SyncEngine>.Instance);
}
