using Npgsql;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// What the health endpoint reports of the database: reachable, which server, which schema, and how long the oldest
/// transaction that writes has been open: the federal change feed serves nothing newer until it ends.
/// </summary>
public sealed record DatabaseState(
    string ServerVersion,
    int MigrationsApplied,
    string? LatestMigration,
    long ChangeVersion,
    TimeSpan OldestWrite,
    TimeSpan RoundTrip)
{
    public static async Task<DatabaseState> ReadAsync(NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var command = dataSource.CreateCommand($"""
            SELECT current_setting('server_version'),
                   (SELECT count(*) FROM {SchemaMigrator.JournalTable}),
                   (SELECT scriptname FROM {SchemaMigrator.JournalTable} ORDER BY schemaversionsid DESC LIMIT 1),
                   (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM change_version_seq),
                   (SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::float8 FROM pg_stat_activity
                    WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseState(
            reader.GetString(0),
            (int)reader.GetInt64(1),
            reader.IsDBNull(2) ? null : SchemaMigrator.ScriptName(reader.GetString(2)),
            reader.GetInt64(3),
            TimeSpan.FromSeconds(reader.GetDouble(4)),
            time.GetElapsedTime(started));
    }
}
