using Npgsql;

namespace MySchool.Integration.Bench;

/// <summary>
/// Where PostgreSQL's time goes, statement by statement, when the bench's cluster was started with
/// <c>MSI_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements"</c>; otherwise it prints nothing. Statements are
/// grouped by their text, since a temp table's new OID makes each school's copy of a statement an entry of its own.
/// </summary>
internal sealed class StatementProfile(NpgsqlDataSource? db)
{
    /// <summary>A profile that prints nothing.</summary>
    public static readonly StatementProfile None = new(null);

    public static async Task<StatementProfile> StartAsync(NpgsqlDataSource db)
    {
        await using var loaded = db.CreateCommand("SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%'");
        if (!(bool)(await loaded.ExecuteScalarAsync())!)
        {
            return None;
        }

        await using var reset = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(), pg_stat_reset()");
        await reset.ExecuteNonQueryAsync();
        return new StatementProfile(db);
    }

    /// <summary>The statements that took longest since the last print (or the start), then starts counting again.</summary>
    public async Task PrintAsync(string phase, int top = 30)
    {
        if (db is null)
        {
            return;
        }

        await using var command = db.CreateCommand($"""
            SELECT round(sum(total_exec_time)::numeric) AS ms, sum(calls) AS calls, sum(rows) AS rows, q,
                   round(sum(sum(total_exec_time)) OVER ()::numeric) AS total, round(sum(sum(total_plan_time)) OVER ()::numeric) AS planning
            FROM (SELECT total_exec_time, total_plan_time, calls, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS q FROM pg_stat_statements) s
            GROUP BY q ORDER BY ms DESC LIMIT {top}
            """);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var first = true;
            while (await reader.ReadAsync())
            {
                if (first)
                {
                    // Planning is counted only under -c pg_stat_statements.track_planning=on.
                    var planning = reader.GetDecimal(5) > 0 ? $", {reader.GetDecimal(5):N0} ms planning them" : "";
                    Console.WriteLine($"{phase}: PostgreSQL's statements, {reader.GetDecimal(4):N0} ms in all (waits for the client included){planning}");
                    first = false;
                }

                Console.WriteLine($"  {reader.GetDecimal(0),8:N0} ms {reader.GetDecimal(1),8:N0} calls {reader.GetDecimal(2),9:N0} rows  {reader.GetString(3)}");
            }
        }

        // Trigger functions, when the cluster also tracks them (-c track_functions=pl): pg_stat_statements shows only
        // their statements, apart from the statement that fired them.
        await using (var functions = db.CreateCommand("""
            SELECT round(total_time::numeric), round(self_time::numeric), calls, funcname FROM pg_stat_user_functions
            WHERE total_time > 50 ORDER BY total_time DESC LIMIT 10
            """))
        await using (var reader = await functions.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"  {reader.GetDecimal(0),8:N0} ms ({reader.GetDecimal(1):N0} ms its own) {reader.GetInt64(2),8:N0} calls  function {reader.GetString(3)}");
            }
        }

        await using var reset = db.CreateCommand("SELECT pg_stat_statements_reset(), pg_stat_reset()");
        await reset.ExecuteNonQueryAsync();
    }
}
