using Npgsql;
using NpgsqlTypes;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Bulk writes the way ENGINEERING.md measured fastest: binary COPY into a temp table that lives until the
/// transaction commits, then one set-based statement per table.
/// </summary>
internal static class Staging
{
    /// <summary>The smallest stage worth an ANALYZE; below it the planner's guesses join it cheaply enough.</summary>
    private const int AnalyzedFrom = 1000;

    public static async Task CopyAsync<T>(
        NpgsqlConnection connection,
        string table,
        IEnumerable<T> rows,
        Func<StageColumns<T>, StageColumns<T>> columns,
        CancellationToken cancellationToken,
        bool joined = true)
    {
        var stage = columns(new StageColumns<T>());
        await ExecuteAsync(connection, $"CREATE TEMP TABLE {table} ({stage.Definition}) ON COMMIT DROP", cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", cancellationToken);
        var staged = 0;
        foreach (var row in rows)
        {
            staged++;
            await stage.WriteRowAsync(importer, row, cancellationToken);
        }

        // Without Complete the COPY rolls back.
        await importer.CompleteAsync(cancellationToken);
        await importer.DisposeAsync();

        // Temp tables have no statistics until analyzed: without them the planner nests loops over a large stage
        // (quadratic in a school's marks) where a hash join is linear. A small stage, most of a school's, is joined
        // well enough without: an ANALYZE of every stage of every school was a statement each. A stage never joined
        // (only ever read whole by one INSERT … SELECT) steers no plan: analyzing it was 2% of a full sync's statement time.
        if (joined && staged >= AnalyzedFrom)
        {
            await ExecuteAsync(connection, $"ANALYZE {table}", cancellationToken);
        }
    }

    /// <summary>
    /// What the store holds against <paramref name="rows"/>: <see cref="StoreHolds.Same"/> when writing them would change
    /// nothing, the rows <paramref name="storedSql"/> reads (the whole scope the stage upserts into and deletes from,
    /// each keyed as its upsert's conflict target) being exactly these, value for value. Equality is the upsert's own
    /// <c>IS DISTINCT FROM</c>: ordinal text, numbers by value, instants by instant. A key given twice is a doubt, and a
    /// doubt answers <see cref="StoreHolds.Different"/>: the stage is then written as always.
    /// </summary>
    public static async Task<StoreHolds> CompareStoredAsync<TKey, TRow>(
        NpgsqlConnection connection,
        IEnumerable<(TKey Key, TRow Row)> rows,
        string storedSql,
        Func<NpgsqlDataReader, (TKey Key, TRow Row)> read,
        CancellationToken cancellationToken,
        params object?[] parameters)
        where TKey : notnull
    {
        var wanted = new Dictionary<TKey, TRow>();
        foreach (var (key, row) in rows)
        {
            if (!wanted.TryAdd(key, row))
            {
                return StoreHolds.Different;
            }
        }

        await using var command = Command(connection, storedSql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var matched = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var (key, stored) = read(reader);
            if (!wanted.TryGetValue(key, out var row) || !EqualityComparer<TRow>.Default.Equals(row, stored))
            {
                return StoreHolds.Different;
            }

            matched++;
        }

        return matched == wanted.Count ? StoreHolds.Same : matched == 0 ? StoreHolds.Nothing : StoreHolds.Different;
    }

    /// <summary>What the store holds in a stage's scope, against the rows the stage would write.</summary>
    public enum StoreHolds
    {
        /// <summary>Exactly those rows: writing them changes nothing.</summary>
        Same,

        /// <summary>Something else.</summary>
        Different,

        /// <summary>Nothing at all (and the stage has rows to write).</summary>
        Nothing,
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs an upsert ending in <c>RETURNING (xmax = 0) AS inserted</c> and counts what it did.</summary>
    public static async Task<(long Inserted, long Updated)> UpsertAsync(NpgsqlConnection connection, string upsert, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, $"WITH up AS ({upsert}) SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Every row of one statement, each read by <paramref name="read"/>, on a connection of its own from the pool.</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(dataSource, sql, parameters);
        return await ReadAllAsync(command, read, cancellationToken);
    }

    /// <summary>Every row of one statement on the caller's connection (inside its transaction).</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await ReadAllAsync(command, read, cancellationToken);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] parameters) =>
        WithParameters(new NpgsqlCommand(sql, connection), parameters);

    /// <summary>A command on a connection of its own from the pool, for a single statement outside a transaction.</summary>
    public static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, params object?[] parameters) =>
        WithParameters(dataSource.CreateCommand(sql), parameters);

    private static NpgsqlCommand WithParameters(NpgsqlCommand command, object?[] parameters)
    {
        foreach (var parameter in parameters)
        {
            // A typed parameter (a null text, say) keeps its type even where the statement never names it.
            command.Parameters.Add(parameter is NpgsqlParameter typed ? typed.Clone() : new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }
}
