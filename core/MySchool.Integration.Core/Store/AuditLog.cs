using System.Text.Json;
using Npgsql;

namespace MySchool.Integration.Core.Store;

/// <summary>Significant events (003 §5с): who did what to which scope, kept in audit_event.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public async Task RecordAsync(string actor, string action, string? scope, object details, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO audit_event (actor, action, scope, details) VALUES ($1, $2, $3, $4::jsonb)");
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        command.Parameters.Add(new NpgsqlParameter { Value = action });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)scope ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(details, JsonSerializerOptions.Web) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An event recorded in the caller's transaction: it stands or falls with what it records.</summary>
    public static Task RecordAsync(NpgsqlConnection connection, string actor, string action, string? scope, object details, CancellationToken cancellationToken) =>
        Staging.ExecuteAsync(connection, "INSERT INTO audit_event (actor, action, scope, details) VALUES ($1, $2, $3, $4::jsonb)", cancellationToken,
            actor, action, scope, JsonSerializer.Serialize(details, JsonSerializerOptions.Web));
}
