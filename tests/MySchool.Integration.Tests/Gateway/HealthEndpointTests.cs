using System.Net;
using System.Text.Json;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Gateway;

public class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_OnAnEmptyDatabase_MigratesAtStartAndReportsTheDatabaseState()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var gateway = new GatewayFactory(await cluster.CreateEmptyDatabaseAsync());

        var response = await gateway.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var database = body.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        var data = database.GetProperty("data");
        var scripts = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Where(name => name.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(scripts.Count, data.GetProperty("migrationsApplied").GetInt32());
        Assert.EndsWith(data.GetProperty("latestMigration").GetString()!, scripts[^1], StringComparison.Ordinal);
        Assert.StartsWith("15", data.GetProperty("serverVersion").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_AWriteTransactionOpenTooLong_IsDegraded_BecauseTheChangeFeedWaitsForIt()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateMigratedDatabaseAsync();
        await using var gateway = new GatewayFactory(connectionString, new Dictionary<string, string> { ["Health:FeedHoldSeconds"] = "1" });
        await using var db = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var stuck = await db.OpenConnectionAsync();
        await using var transaction = await stuck.BeginTransactionAsync();
        await using (var write = new Npgsql.NpgsqlCommand("INSERT INTO audit_event (actor, action, details) VALUES ('test', 'stuck', '{}')", stuck, transaction))
        {
            await write.ExecuteNonQueryAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var response = await gateway.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded, not down: probes keep the host
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var database = body.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Degraded", database.GetProperty("status").GetString());
        Assert.Contains("федеральная лента изменений ждёт", database.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(database.GetProperty("data").GetProperty("oldestWriteSeconds").GetDouble() >= 2);
    }

    [Fact]
    public async Task Healthz_WhenPostgreSqlStops_Answers503WithTheReason()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateMigratedDatabaseAsync();
        await using var gateway = new GatewayFactory(connectionString);
        var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        // Dropping the database under the running host stands for PostgreSQL going away.
        await using (var admin = Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString("postgres")))
        {
            var name = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
            await admin.ExecuteAsync($"DROP DATABASE {name} WITH (FORCE)");
        }

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var database = body.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Equal("PostgreSQL недоступна", database.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Metrics_AnswersPrometheusTextWithRequestCounters()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var gateway = new GatewayFactory(await cluster.CreateMigratedDatabaseAsync());
        var client = gateway.CreateClient();
        await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_requests_received_total", text, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/healthz\"", text, StringComparison.Ordinal);
    }
}
