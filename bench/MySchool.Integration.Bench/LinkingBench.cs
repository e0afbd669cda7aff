using System.Diagnostics;
using MySchool.Integration.Adapters.Esia;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// A night's linking of a synced registry to ESIA by SNILS, against a baseline in the same run: the same number of
/// SNILS lookups sent straight to the mock ESIA with the same parallelism, no database at all. The ratio is what
/// the gateway adds around ESIA's own answers: choosing who is due, recording every answer, linking.
/// </summary>
internal static class LinkingBench
{
    public static async Task RunAsync()
    {
        var spec = new RegionSpec { Seed = 3, RegionCode = "54", Municipalities = 1, SchoolsPerMunicipality = 12, ClassesPerGrade = 4, StudentsPerClass = 23, Weeks = 1 };
        var cluster = await PostgresCluster.SharedAsync();
        await using var db = NpgsqlDataSource.Create(await cluster.CreateMigratedDatabaseAsync("linking"));
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(spec, RegionSpec.Demo("11")));
        await using (var sync = new FullSync(world.Nso))
        {
            await sync.RunAsync(db);
        }

        var options = new EsiaOptions { BaseUrl = world.Esia.BaseAddress };
        using var http = new HttpClient();
        using var directory = new EsiaDirectory(http, options, new DevelopmentClientSecret(options), TimeProvider.System);
        var due = await SnilsDueAsync(db);

        // Warm both sides (JIT, the mock's and the client's connections) so neither measurement pays for it.
        await LookUpAsync(directory, due.Take(2_000));
        var started = Stopwatch.GetTimestamp();
        await LookUpAsync(directory, due);
        var rawSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var linking = new AccountLinking(db, directory, new AuditLog(db), TimeProvider.System);
        started = Stopwatch.GetTimestamp();
        var report = await linking.LinkAsync(int.MaxValue, default);
        var linkSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        Console.WriteLine($"registry: {spec.StudentCount:N0} students; {due.Count:N0} people with SNILS and no ESIA oid");
        Console.WriteLine($"baseline: {due.Count:N0} lookups straight to ESIA, 4 at a time: {rawSeconds:F1} s = {due.Count / rawSeconds:N0}/s");
        Console.WriteLine($"linking pass: checked {report.Checked:N0}, linked {report.Linked:N0}, failed {report.Failed}: {linkSeconds:F1} s = {report.Checked / linkSeconds:N0}/s");
        Console.WriteLine($"ratio linking / raw lookups: {linkSeconds / rawSeconds:F2}x");
    }

    private static Task LookUpAsync(EsiaDirectory directory, IEnumerable<MySchool.Integration.Core.Rules.Snils> people) =>
        Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (snils, token) => await directory.FindBySnilsAsync(snils, token));

    private static async Task<List<MySchool.Integration.Core.Rules.Snils>> SnilsDueAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT snils FROM person WHERE snils IS NOT NULL AND esia_oid IS NULL");
        await using var reader = await command.ExecuteReaderAsync();
        var due = new List<MySchool.Integration.Core.Rules.Snils>();
        while (await reader.ReadAsync())
        {
            due.Add(MySchool.Integration.Core.Rules.Snils.Parse(reader.GetString(0)).Require());
        }

        return due;
    }
}
