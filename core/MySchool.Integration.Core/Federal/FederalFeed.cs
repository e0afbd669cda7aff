using System.Runtime.CompilerServices;
using Npgsql;

namespace MySchool.Integration.Core.Federal;

/// <summary>A model row as the federal side reads it: its kind, federal id, change version and fields as JSON.</summary>
public sealed record FederalRow(string Kind, Guid Id, long ChangeVersion, string Json);

/// <summary>A change: a row as it is now, or a deletion with the deleted row's natural key (<see cref="Json"/>).</summary>
public sealed record FederalChange(long ChangeVersion, string Kind, Guid Id, bool Deleted, string Json);

/// <summary>The versions a consumer can ask for: everything newer than <see cref="Oldest"/>, up to <see cref="Newest"/>.</summary>
public sealed record ChangeVersions(long Oldest, long Newest);

/// <summary>
/// The federal pull, Ed-Fi's change queries in shape: registries (every row of a kind in a region) and the change
/// feed since a version, both paged by keyset on the change version, never by offset. A consumer reads the
/// registries up to <see cref="ChangeVersions.Newest"/>, then asks for changes since that version, again and again.
/// </summary>
public sealed class FederalFeed(NpgsqlDataSource dataSource)
{
    /// <summary>Every kind the feed serves, parents before children: the order a mirror loads them in.</summary>
    public static readonly IReadOnlyList<string> Kinds =
    [
        "region", "municipality", "school", "academic_year", "period", "holiday", "grade_level", "class", "class_group",
        "person", "enrollment", "guardianship", "staff", "subject", "lesson", "homework", "mark", "attendance", "event", "group_member",
    ];

    /// <summary>
    /// Tombstones are kept, so every version since 0 can be asked for. The newest is the newest committed version
    /// below which no transaction still running can commit (see 0013_committed_change_versions.sql): a consumer
    /// that reads up to it and then asks for changes since it misses nothing.
    /// </summary>
    public async Task<ChangeVersions> VersionsAsync(CancellationToken cancellationToken)
    {
        // Two statements, in this order: the sequence first, then the transactions running.
        await using (var last = dataSource.CreateCommand("SELECT coalesce(pg_sequence_last_value('change_version_seq'), 0)"))
        await using (var mark = dataSource.CreateCommand("""
            INSERT INTO change_watermark (version, running)
            SELECT $1, coalesce(array_agg(backend_xid) FILTER (WHERE backend_xid IS NOT NULL), '{}') FROM pg_stat_activity WHERE datname = current_database()
            """))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = (long)(await last.ExecuteScalarAsync(cancellationToken))! });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var safe = dataSource.CreateCommand("""
            WITH safe AS (
                SELECT coalesce(max(version), 0) AS version FROM change_watermark w
                WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_xid = ANY(w.running))),
            pruned AS (DELETE FROM change_watermark WHERE version < (SELECT version FROM safe))
            SELECT version FROM safe
            """);
        return new ChangeVersions(0, (long)(await safe.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <summary>Rows of one kind in a region (every region when null) with versions in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public async IAsyncEnumerable<FederalRow> RowsAsync(
        string kind, string? region, long after, long upTo, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = 0;
            await foreach (var row in QueryAsync(
                "SELECT kind, id, change_version, row::text FROM federal_row WHERE kind = $1 AND change_version > $2 AND change_version <= $3 AND ($4::text IS NULL OR $4 = ANY(regions)) ORDER BY change_version LIMIT $5",
                reader => new FederalRow(reader.GetString(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3)),
                cancellationToken, kind, after, upTo, region, pageSize))
            {
                page++;
                after = row.ChangeVersion;
                yield return row;
            }

            if (page < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Every change with a version in (<paramref name="after"/>, <paramref name="upTo"/>], rows and deletions in
    /// version order. Deletions are not scoped to a region (a deleted row's region is gone with it): deleting an
    /// id a mirror never held is a no-op.
    /// </summary>
    public async IAsyncEnumerable<FederalChange> ChangesAsync(
        string? region, long after, long upTo, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = 0;
            await foreach (var change in QueryAsync(
                """
                (SELECT change_version, kind, id, false, row::text FROM federal_row
                 WHERE change_version > $1 AND change_version <= $2 AND ($3::text IS NULL OR $3 = ANY(regions)) ORDER BY change_version LIMIT $4)
                UNION ALL
                (SELECT change_version, kind, federal_id, true, natural_key::text FROM tombstone
                 WHERE change_version > $1 AND change_version <= $2 ORDER BY change_version LIMIT $4)
                ORDER BY 1 LIMIT $4
                """,
                reader => new FederalChange(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.GetBoolean(3), reader.GetString(4)),
                cancellationToken, after, upTo, region, pageSize))
            {
                page++;
                after = change.ChangeVersion;
                yield return change;
            }

            if (page < pageSize)
            {
                yield break;
            }
        }
    }

    private async IAsyncEnumerable<T> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        // A page is read whole before the next is asked for: no connection is held while the caller streams.
        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }
        }

        foreach (var row in rows)
        {
            yield return row;
        }
    }
}
