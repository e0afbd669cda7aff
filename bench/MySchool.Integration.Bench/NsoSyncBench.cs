using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// A full sync of a 30,000-student NSO municipality with a week of journal, from the mock over HTTP into real
/// PostgreSQL, against a baseline measured in the same run: a raw binary COPY of the very rows the sync wrote
/// into an empty database of the same schema (same indexes, same triggers).
/// </summary>
internal static class NsoSyncBench
{
    private static readonly string[] Tables =
        ["region", "municipality", "school", "academic_year", "grade_level", "class", "person", "enrollment", "guardianship", "staff", "subject", "lesson", "homework", "mark", "attendance", "identity_map"];

    public static async Task RunAsync()
    {
        var spec = new RegionSpec { Seed = 1, RegionCode = "54", Municipalities = 1, SchoolsPerMunicipality = 30, ClassesPerGrade = 4, StudentsPerClass = 23, Weeks = 1 };
        var cluster = await PostgresCluster.SharedAsync();
        await using var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("bench"));
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(spec));
        await using var services = new ServiceCollection().AddNsoAdapter().BuildServiceProvider();
        var region = new RegionSource
        {
            Code = "54",
            Name = "Новосибирская область",
            TimeZone = "Asia/Novosibirsk",
            Adapter = "nso",
            BaseUrl = new Uri(world.Nso.BaseAddress, "apiv3/"),
            Settings = new() { ["Login"] = "integration54", ["Password"] = "eljur-secret", ["DevKey"] = "nso-devkey" },
            JournalFrom = world.Nso.Region!.JournalStart,
            JournalTo = world.Nso.Region.JournalEnd,
        };
        var runs = new SyncRuns(db);
        var engine = new SyncEngine(db, runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);
        var adapter = services.GetRequiredService<ISourceAdapterFactory>().Create(region);

        var started = Stopwatch.GetTimestamp();
        var run = await engine.RunAsync(region, adapter, await runs.QueueAsync("nso", "54", SyncMode.Full, default), null, SyncMode.Full, default);
        var syncSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rows = await RowCountAsync(db);

        started = Stopwatch.GetTimestamp();
        var repeat = await engine.RunAsync(region, adapter, await runs.QueueAsync("nso", "54", SyncMode.Full, default), null, SyncMode.Full, default);
        var repeatSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        await using var baseline = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("baseline"));
        started = Stopwatch.GetTimestamp();
        await CopyAllAsync(db, baseline);
        var copySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(run.Error is null ? string.Empty : $"errors: {run.Error[..Math.Min(run.Error.Length, 1500)]}");
        Console.WriteLine($"full sync: {spec.StudentCount:N0} students, {run.Status}, {rows:N0} rows in {syncSeconds:F1} s = {rows / syncSeconds:N0} rows/s (read {run.Read:N0} records, quarantined {run.Quarantined})");
        Console.WriteLine($"repeat sync (writes nothing): {repeatSeconds:F1} s, written {repeat.Inserted + repeat.Updated + repeat.Deleted}");
        Console.WriteLine($"baseline raw binary COPY of the same {rows:N0} rows: {copySeconds:F1} s = {rows / copySeconds:N0} rows/s");
        Console.WriteLine($"ratio sync / COPY: {syncSeconds / copySeconds:F1}x");
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

    /// <summary>Binary COPY out of one database and into the other, table by table in foreign-key order.</summary>
    private static async Task CopyAllAsync(NpgsqlDataSource from, NpgsqlDataSource to)
    {
        await using var source = await from.OpenConnectionAsync();
        await using var target = await to.OpenConnectionAsync();
        foreach (var table in Tables)
        {
            await using var reader = await source.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)");
            await using var writer = await target.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT BINARY)");
            await reader.CopyToAsync(writer);
        }
    }
}
