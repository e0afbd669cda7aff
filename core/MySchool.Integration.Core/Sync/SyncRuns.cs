using System.Text.Json;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

public enum SyncMode
{
    Full,
    Incremental,
}

/// <summary>A recorded sync run, as the JSON API and the dashboard show it.</summary>
public sealed record SyncRun(
    long Id,
    string SourceSystem,
    string Scope,
    string Mode,
    string Status,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Read,
    long Inserted,
    long Updated,
    long Deleted,
    long Quarantined,
    float Progress,
    string? Error,
    JsonElement? HeldDeletions);

/// <summary>The sync_run table: queued, running with progress, then succeeded, failed or held.</summary>
public sealed class SyncRuns(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, source_system, scope, mode, status, queued_at, started_at, finished_at, read_count, inserted_count, updated_count, deleted_count, quarantined_count, progress, error, held_deletions";

    public async Task<long> QueueAsync(string sourceSystem, string scope, SyncMode mode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO sync_run (source_system, scope, mode, status) VALUES ($1, $2, $3, 'queued') RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = sourceSystem });
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        command.Parameters.Add(new NpgsqlParameter { Value = mode.ToString().ToLowerInvariant() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task StartAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE sync_run SET status = 'running', started_at = now(), error = NULL WHERE id = $1", cancellationToken, id);

    public Task ProgressAsync(long id, float progress, WriteCounts counts, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE sync_run SET progress = $2, read_count = $3, inserted_count = $4, updated_count = $5, deleted_count = $6, quarantined_count = $7 WHERE id = $1",
        cancellationToken, id, progress, counts.Read, counts.Inserted, counts.Updated, counts.Deleted, counts.Quarantined);

    public Task FinishAsync(long id, string status, WriteCounts counts, string? error, IReadOnlyList<HeldDeletion> held, CancellationToken cancellationToken) => ExecuteAsync(
        """
        UPDATE sync_run SET status = $2, finished_at = now(), progress = 1, read_count = $3, inserted_count = $4, updated_count = $5,
            deleted_count = $6, quarantined_count = $7, error = $8, held_deletions = $9::jsonb WHERE id = $1
        """,
        cancellationToken, id, status, counts.Read, counts.Inserted, counts.Updated, counts.Deleted, counts.Quarantined, error,
        held.Count == 0 ? null : JsonSerializer.Serialize(held, JsonSerializerOptions.Web));

    public async Task<SyncRun?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM sync_run WHERE id = $1", cancellationToken, id)).FirstOrDefault();

    public Task<List<SyncRun>> LatestAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM sync_run ORDER BY id DESC LIMIT $1", cancellationToken, limit);

    private async Task<List<SyncRun>> QueryAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var runs = new List<SyncRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new SyncRun(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetFloat(13),
                reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.IsDBNull(15) ? null : JsonDocument.Parse(reader.GetString(15)).RootElement));
        }

        return runs;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
