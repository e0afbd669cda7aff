using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// How long a run takes to end after a fault, for a 10-school, 5,500-student NSO region synced through the API by
/// gateway processes on a durable PostgreSQL of its own: a run without faults, a run whose gateway is killed with
/// SIGKILL after its first school (a second process carries it on), and a run whose PostgreSQL is stopped as a crash
/// would after its first school and started again 5 s later.
/// </summary>
internal static class RunFaultsBench
{
    public static async Task RunAsync()
    {
        var spec = new RegionSpec { Seed = 3, RegionCode = "54", Municipalities = 1, SchoolsPerMunicipality = 10, ClassesPerGrade = 2, StudentsPerClass = 25, Weeks = 1 };
        await using var world = await MockWorld.StartAsync(MockWorldOptions.AnyFreePorts(spec, RegionSpec.Demo("11")));
        var settings = MockRegions.AsConfiguration(MockRegions.For(world.Nso));
        var cluster = await PostgresCluster.StartPrivateAsync();
        try
        {
            var clean = await TimedRunAsync(cluster, settings, fault: null);
            Console.WriteLine($"{spec.StudentCount:N0} students in 10 schools, no fault: the run took {clean.Total:F1} s");

            var killed = await TimedRunAsync(cluster, settings, async (gateway, _) =>
            {
                await gateway.KillAsync();
                return await GatewayProcess.StartAsync(gateway.ConnectionString, settings);
            });
            Console.WriteLine($"SIGKILL after the first school, a second process started at once: the run ended {killed.AfterFault:F1} s after the kill ({killed.Total:F1} s in all)");

            var restarted = await TimedRunAsync(cluster, settings, async (gateway, _) =>
            {
                await cluster.StopImmediatelyAsync();
                await Task.Delay(TimeSpan.FromSeconds(5));
                await cluster.StartAgainAsync();
                return gateway;
            });
            Console.WriteLine($"PostgreSQL stopped (immediate) after the first school, started 5 s later: the run ended {restarted.AfterFault:F1} s after its return ({restarted.Total:F1} s in all)");
        }
        finally
        {
            await cluster.RemoveAsync(); // as DatabaseRestartTests does: the process-exit hook is only a fallback
        }
    }

    /// <param name="fault">Done once the run's first school is written; answers the gateway process that carries on.</param>
    private static async Task<(double Total, double AfterFault)> TimedRunAsync(
        PostgresCluster cluster, Dictionary<string, string> settings, Func<GatewayProcess, NpgsqlDataSource, Task<GatewayProcess>>? fault)
    {
        var connectionString = await cluster.CreateMigratedDatabaseAsync("faults");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var gateway = await GatewayProcess.StartAsync(connectionString, settings);
        try
        {
            using var client = await gateway.ClientAsync();
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(new Uri("/api/sync/54", UriKind.Relative), null);
            var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<long>();
            var faultAt = started;
            if (fault is not null)
            {
                await StorePolling.UntilAsync(db, "SELECT schools_done >= 1 FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(5));
                gateway = await fault(gateway, db);
                faultAt = Stopwatch.GetTimestamp();
            }

            await StorePolling.UntilAsync(db, "SELECT status NOT IN ('queued', 'running') FROM sync_run WHERE id = $1", runId, TimeSpan.FromMinutes(5));
            var ended = Stopwatch.GetTimestamp();
            await using var status = db.CreateCommand($"SELECT status FROM sync_run WHERE id = {runId}");
            var outcome = (string)(await status.ExecuteScalarAsync())!;
            if (outcome != "succeeded")
            {
                throw new InvalidOperationException($"run {runId} ended {outcome}");
            }

            return (Stopwatch.GetElapsedTime(started, ended).TotalSeconds, Stopwatch.GetElapsedTime(faultAt, ended).TotalSeconds);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
