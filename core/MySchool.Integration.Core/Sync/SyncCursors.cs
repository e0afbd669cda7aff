using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>Per-school change-feed cursors (sync_cursor, scope <c>region/school</c>), and which schools a feed touches.</summary>
internal sealed class SyncCursors(NpgsqlDataSource dataSource, string sourceSystem, string regionCode)
{
    public static Task SaveAsync(NpgsqlConnection connection, string sourceSystem, string scope, string cursor, CancellationToken cancellationToken) =>
        Staging.ExecuteAsync(connection, """
            INSERT INTO sync_cursor (source_system, scope, cursor) VALUES ($1, $2, $3)
            ON CONFLICT (source_system, scope) DO UPDATE SET cursor = excluded.cursor, updated_at = now()
            """, cancellationToken, sourceSystem, scope, cursor);

    public async Task AdvanceAsync(string schoolSourceId, string cursor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await SaveAsync(connection, sourceSystem, $"{regionCode}/{schoolSourceId}", cursor, cancellationToken);
    }

    /// <summary>
    /// The schools the feed touches since the oldest school cursor: those of the changed classes and of the changed
    /// students' current classes. A school without a cursor, or a student the store has never seen (whose school
    /// the feed does not say), makes the read a full one.
    /// </summary>
    public async Task<HashSet<string>> TouchedAsync(IChangeFeedSource feed, IReadOnlyList<SourceSchool> schools, CancellationToken cancellationToken)
    {
        var all = schools.Select(school => school.SourceId).ToHashSet(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var cursors = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT scope, cursor FROM sync_cursor WHERE source_system = $1 AND scope = ANY($2)", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sourceSystem });
            command.Parameters.Add(new NpgsqlParameter { Value = all.Select(id => $"{regionCode}/{id}").ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cursors[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (cursors.Count < all.Count)
        {
            return all;
        }

        var changes = await feed.ReadChangesAsync(cursors.Values.Min(StringComparer.Ordinal)!, cancellationToken);
        if (changes.IsEmpty)
        {
            return [];
        }

        var known = await Staging.ScalarAsync<long>(connection,
            "SELECT count(*) FROM identity_map WHERE source_system = $1 AND kind = 'student' AND source_id = ANY($2)",
            cancellationToken, sourceSystem, changes.Students.ToArray());
        if (known < changes.Students.Count)
        {
            return all;
        }

        var touched = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT ms.source_id FROM identity_map mc JOIN class c ON c.id = mc.federal_id
            JOIN identity_map ms ON ms.federal_id = c.school_id AND ms.kind = 'school' AND ms.source_system = $1
            WHERE mc.source_system = $1 AND mc.kind = 'class' AND (mc.source_id = ANY($2) OR c.id IN (
                SELECT e.class_id FROM enrollment e JOIN identity_map m ON m.federal_id = e.student_id
                WHERE m.source_system = $1 AND m.kind = 'student' AND m.source_id = ANY($3) AND e.ends_on IS NULL))
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sourceSystem });
            command.Parameters.Add(new NpgsqlParameter { Value = changes.Classes.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = changes.Students.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                touched.Add(reader.GetString(0));
            }
        }

        return touched;
    }
}
