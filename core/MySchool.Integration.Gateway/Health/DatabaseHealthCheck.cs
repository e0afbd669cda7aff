using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Gateway.Health;

/// <summary>Healthy when PostgreSQL answers; its data is the database's state for operators and probes.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var state = await DatabaseState.ReadAsync(dataSource, time, cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL отвечает", new Dictionary<string, object>
            {
                ["serverVersion"] = state.ServerVersion,
                ["migrationsApplied"] = state.MigrationsApplied,
                ["latestMigration"] = state.LatestMigration ?? string.Empty,
                ["changeVersion"] = state.ChangeVersion,
                ["roundTripMs"] = Math.Round(state.RoundTrip.TotalMilliseconds, 1),
            });
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL недоступна", exception);
        }
    }
}
