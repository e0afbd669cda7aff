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
    public static readonly IReadOnlyList<string> Kinds = [.. FederalKinds.All.Select(kind => kind.Name)];

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
    public IAsyncEnumerable<FederalRow> RowsAsync(string kind, string? region, long after, long upTo, int pageSize, CancellationToken cancellationToken)
    {
        var source = FederalKinds.Find(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind the feed serves");
        return PagedAsync(
            source.Select($"t.id, t.change_version, {source.JsonText}"),
            reader => new FederalRow(kind, reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2)),
            row => row.ChangeVersion, after, upTo, pageSize, cancellationToken, region);
    }

    /// <summary>
    /// Every change with a version in (<paramref name="after"/>, <paramref name="upTo"/>], rows and deletions in
    /// version order. Deletions are not scoped to a region (a deleted row's region is gone with it): deleting an
    /// id a mirror never held is a no-op.
    /// </summary>
    /// <remarks>
    /// Each kind and the tombstones are read as their own keyset-paged stream (an ordered scan of the table's version
    /// index) and merged here: one statement uniting every kind made PostgreSQL join every kind to its region again
    /// for each page, and fetch each kept row's JSON by its id (a random-UUID index) after the sort.
    /// </remarks>
    public async IAsyncEnumerable<FederalChange> ChangesAsync(
        string? region, long after, long upTo, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streams = Kinds.Select(kind => Changes(RowsAsync(kind, region, after, upTo, pageSize, cancellationToken)))
            .Append(PagedAsync(
                "SELECT change_version, kind, federal_id, natural_key::text FROM tombstone WHERE change_version > $1 AND change_version <= $2 ORDER BY change_version LIMIT $3",
                reader => new FederalChange(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), true, reader.GetString(3)),
                change => change.ChangeVersion, after, upTo, pageSize, cancellationToken));
        var next = new PriorityQueue<IAsyncEnumerator<FederalChange>, long>();
        var open = new List<IAsyncEnumerator<FederalChange>>();
        try
        {
            foreach (var stream in streams)
            {
                var enumerator = stream.GetAsyncEnumerator(cancellationToken);
                open.Add(enumerator);
                if (await enumerator.MoveNextAsync())
                {
                    next.Enqueue(enumerator, enumerator.Current.ChangeVersion);
                }
            }

            while (next.TryDequeue(out var earliest, out _))
            {
                yield return earliest.Current;
                if (await earliest.MoveNextAsync())
                {
                    next.Enqueue(earliest, earliest.Current.ChangeVersion);
                }
            }
        }
        finally
        {
            foreach (var enumerator in open)
            {
                await enumerator.DisposeAsync();
            }
        }
    }

    private static async IAsyncEnumerable<FederalChange> Changes(IAsyncEnumerable<FederalRow> rows)
    {
        await foreach (var row in rows)
        {
            yield return new FederalChange(row.ChangeVersion, row.Kind, row.Id, false, row.Json);
        }
    }

    /// <summary>
    /// A statement's rows page by page, by keyset on the version: $1 the version after which a page starts, $2 the
    /// last version to read, $3 the page's size, then <paramref name="parameters"/>.
    /// </summary>
    private async IAsyncEnumerable<T> PagedAsync<T>(
        string sql, Func<NpgsqlDataReader, T> read, Func<T, long> version, long after, long upTo, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken, params object?[] parameters)
    {
        while (true)
        {
            var page = 0;
            await foreach (var item in QueryAsync(sql, read, cancellationToken, [after, upTo, pageSize, .. parameters]))
            {
                page++;
                after = version(item);
                yield return item;
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
