using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Gateway.Health;

/// <summary>
/// Healthy when PostgreSQL answers; degraded when a transaction that writes has been open longer than
/// <c>Health:FeedHoldSeconds</c> (15 minutes), since the federal change feed waits for it. Its data is the database's
/// state for operators and probes.
/// </summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, IConfiguration configuration, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var state = await DatabaseState.ReadAsync(dataSource, time, cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["serverVersion"] = state.ServerVersion,
                ["migrationsApplied"] = state.MigrationsApplied,
                ["latestMigration"] = state.LatestMigration ?? string.Empty,
                ["changeVersion"] = state.ChangeVersion,
                ["oldestWriteSeconds"] = Math.Round(state.OldestWrite.TotalSeconds),
                ["roundTripMs"] = Math.Round(state.RoundTrip.TotalMilliseconds, 1),
            };
            return state.OldestWrite > TimeSpan.FromSeconds(configuration.GetValue("Health:FeedHoldSeconds", 900.0))
                ? HealthCheckResult.Degraded(
                    $"Транзакция записи открыта {state.OldestWrite.TotalMinutes:F0} мин: федеральная лента изменений ждёт её завершения", data: data)
                : HealthCheckResult.Healthy("PostgreSQL отвечает", data);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL недоступна", exception);
        }
    }
}
