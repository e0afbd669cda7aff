using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>What a run reads: its schools, and the source cursor their writes checkpoint.</summary>
public sealed record SyncPlan(long RunId, IReadOnlyList<SourceSchool> Schools, string? Cursor)
{
    /// <summary>Count what would be written, then roll it back (a reconciliation).</summary>
    public bool DryRun { get; init; }
}

public enum SyncMode
{
    Full,
    Incremental,

    /// <summary>A vendor's pushed batch, recorded like a run.</summary>
    Push,

    /// <summary>
    /// The monthly reconciliation: a full read whose writes are rolled back, so the run's counts are the
    /// differences between the store and the source, and nothing changes.
    /// </summary>
    Reconcile,
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
    JsonElement? HeldDeletions,
    int SchoolsTotal,
    int SchoolsDone,
    long? RetryOf,
    bool FailedTransiently);

/// <summary>One school's outcome within a run, with the federal school it is when the source's id is mapped.</summary>
public sealed record RunSchool(
    string SourceId, Guid? SchoolId, string? Name, bool Succeeded, long Read, long Written, long Quarantined, DateTimeOffset? StartedAt, DateTimeOffset FinishedAt, string? Error);

/// <summary>A student whose enrollment a held mass deletion would end: who, in which school and class.</summary>
public sealed record HeldPerson(Guid SchoolId, string School, string Class, string Name, string? Snils);

/// <summary>
/// Which runs a history search reads: those of whole regions and of single schools (<c>54/1001</c>) the viewer holds,
/// narrowed by scope, status, mode and the days they were queued on.
/// </summary>
public sealed record RunFilter(
    IReadOnlyCollection<string> Regions, IReadOnlyCollection<string> SchoolScopes, string? Scope = null, string? Status = null, string? Mode = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>A run by what a retry of it needs: a run that stopped moving, or one that failed on an outage.</summary>
public sealed record RunToRetry(long Id, string SourceSystem, string Scope, SyncMode Mode, long? RetryOf);

/// <summary>
/// The sync_run table: queued, running with progress, then succeeded, failed, held, skipped or cancelled. Errors are
/// exception texts that may quote a source's data: they are stored with every SNILS masked, as every reader shows them.
/// </summary>
public sealed class SyncRuns(NpgsqlDataSource dataSource)
{
    /// <summary>Every status a run can have (the table's check constraint).</summary>
    public static readonly IReadOnlyList<string> Statuses = ["queued", "running", "succeeded", "failed", "held", "skipped", "cancelled"];

    private const string Columns = "id, source_system, scope, mode, status, queued_at, started_at, finished_at, read_count, inserted_count, updated_count, deleted_count, quarantined_count, progress, error, held_deletions, schools_total, schools_done, retry_of, failed_transiently";

    public async Task<long> QueueAsync(string sourceSystem, string scope, SyncMode mode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO sync_run (source_system, scope, mode, status) VALUES ($1, $2, $3, 'queued') RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = sourceSystem });
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        command.Parameters.Add(new NpgsqlParameter { Value = mode.ToString().ToLowerInvariant() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Queues a run unless a run of an overlapping scope (the whole region, or the same school) is queued or running;
    /// then answers that run's id and queues nothing. Atomic across gateway processes (one lock per source and region).
    /// </summary>
    /// <param name="retryOf">The interrupted run this one carries on (the watchdog's), if any.</param>
    public async Task<(long RunId, bool Queued)> QueueOnceAsync(string sourceSystem, string scope, SyncMode mode, CancellationToken cancellationToken, long? retryOf = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var region = scope.Split('/')[0];
        await Staging.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"runs:{sourceSystem}:{region}");
        if (await Staging.ScalarAsync<object?>(connection, """
            SELECT id FROM sync_run
            WHERE source_system = $1 AND split_part(scope, '/', 1) = $2 AND status IN ('queued', 'running') AND mode <> 'push' AND (scope = $2 OR $3 = $2 OR scope = $3)
            ORDER BY id LIMIT 1
            """, cancellationToken, sourceSystem, region, scope) is long active)
        {
            return (active, false);
        }

        var runId = await Staging.ScalarAsync<long>(connection, "INSERT INTO sync_run (source_system, scope, mode, status, retry_of) VALUES ($1, $2, $3, 'queued', $4) RETURNING id",
            cancellationToken, sourceSystem, scope, mode.ToString().ToLowerInvariant(), new NpgsqlParameter { Value = (object?)retryOf ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        await transaction.CommitAsync(cancellationToken);
        return (runId, true);
    }

    /// <summary>A scheduled start that met <paramref name="activeRunId"/> still going: recorded, so operators see it was not lost.</summary>
    public Task SkippedAsync(string sourceSystem, string scope, SyncMode mode, long activeRunId, CancellationToken cancellationToken) => ExecuteAsync("""
        INSERT INTO sync_run (source_system, scope, mode, status, started_at, finished_at, error)
        VALUES ($1, $2, $3, 'skipped', now(), now(), $4)
        """, cancellationToken, sourceSystem, scope, mode.ToString().ToLowerInvariant(), $"Плановый запуск пропущен: ещё идёт запуск {activeRunId}");

    /// <summary>
    /// Runs queued or running that have not moved for <paramref name="quiet"/>: a sync whose job was lost, or a push or
    /// file whose process died while writing it.
    /// </summary>
    public Task<List<RunToRetry>> StalledAsync(TimeSpan quiet, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, """
            SELECT id, source_system, scope, mode, retry_of FROM sync_run
            WHERE status IN ('queued', 'running') AND coalesce(last_activity_at, started_at, queued_at) < now() - $1
            ORDER BY id
            """, ReadRunToRetry, cancellationToken, quiet);

    /// <summary>
    /// Reads of a source that failed in the last day on an outage (<see cref="RunFailures.IsTransient"/>), with fewer
    /// than <paramref name="retries"/> retries before them, ended longer ago than <paramref name="pause"/> doubled for
    /// each of those, and followed by no other run of their kind over their scope or their whole region: a run that
    /// came since read those schools already, or is reading them.
    /// </summary>
    public Task<List<RunToRetry>> FailedOnOutageAsync(TimeSpan pause, int retries, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, """
            WITH RECURSIVE failed AS (
                SELECT id, source_system, scope, mode, retry_of, finished_at FROM sync_run
                WHERE status = 'failed' AND failed_transiently AND finished_at > now() - interval '1 day' AND mode <> 'push'),
            earlier (id, run) AS (
                SELECT id, retry_of FROM failed WHERE retry_of IS NOT NULL
                UNION ALL SELECT earlier.id, run.retry_of FROM earlier JOIN sync_run run ON run.id = earlier.run WHERE run.retry_of IS NOT NULL)
            SELECT f.id, f.source_system, f.scope, f.mode, f.retry_of
            FROM failed f LEFT JOIN (SELECT id, count(*)::int AS retries FROM earlier GROUP BY id) e ON e.id = f.id
            WHERE coalesce(e.retries, 0) < $2 AND f.finished_at < now() - $1 * power(2, coalesce(e.retries, 0))
              AND NOT EXISTS (
                  SELECT FROM sync_run later
                  WHERE later.source_system = f.source_system AND later.scope IN (f.scope, split_part(f.scope, '/', 1)) AND later.id > f.id
                    AND later.mode = f.mode AND later.status <> 'skipped')
            ORDER BY f.id
            """, ReadRunToRetry, cancellationToken, pause, retries);

    /// <summary>
    /// An operator's cancel: a queued or running run ends as cancelled. Schools not started are not started; the one
    /// being written commits or rolls back whole. False when the run had ended already.
    /// </summary>
    public async Task<bool> CancelAsync(long id, CancellationToken cancellationToken) => await ExecuteAsync("""
        UPDATE sync_run SET status = 'cancelled', finished_at = now(), error = concat_ws('; ', error, 'отменён оператором')
        WHERE id = $1 AND status IN ('queued', 'running')
        """, cancellationToken, id) == 1;

    public async Task<bool> IsCancelledAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = Staging.Command(dataSource, "SELECT status FROM sync_run WHERE id = $1", id);
        return await command.ExecuteScalarAsync(cancellationToken) is "cancelled";
    }

    /// <summary>Ends a run that stopped moving as failed with <paramref name="reason"/>; false when it ended meanwhile.</summary>
    public async Task<bool> InterruptAsync(long id, string reason, CancellationToken cancellationToken) => await ExecuteAsync("""
        UPDATE sync_run SET status = 'failed', finished_at = now(), error = concat_ws('; ', error, $2::text)
        WHERE id = $1 AND status IN ('queued', 'running')
        """, cancellationToken, id, Snils.MaskAll(reason)) == 1;

    public Task StartAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE sync_run SET status = 'running', started_at = now(), last_activity_at = now(), error = NULL WHERE id = $1 AND status <> 'cancelled'", cancellationToken, id);

    /// <summary>The plan is made: the region's own rows are counted, and the run now waits for its schools.</summary>
    public Task PlannedAsync(long id, int schools, WriteCounts counts, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE sync_run SET schools_total = $2, read_count = $3, inserted_count = $4, updated_count = $5, deleted_count = $6, quarantined_count = $7, last_activity_at = now() WHERE id = $1",
        cancellationToken, id, schools, counts.Read, counts.Inserted, counts.Updated, counts.Deleted, counts.Quarantined);

    /// <summary>
    /// One school is done (in whichever process ran it): its outcome is recorded once, its counts, error and held
    /// deletions are added to the run, and the school that completes the count decides the run's status. A school
    /// recorded already (its job run again after its process died) adds nothing.
    /// </summary>
    /// <param name="transient">The school failed on something unavailable for a while (<see cref="RunFailures.IsTransient"/>).</param>
    public async Task SchoolDoneAsync(
        long id, string schoolSourceId, DateTimeOffset startedAt, WriteCounts counts, string? error, bool transient, IReadOnlyList<HeldDeletion> held, CancellationToken cancellationToken)
    {
        await ExecuteAsync("""
            WITH outcome AS (
                INSERT INTO sync_run_school (run_id, school_source_id, succeeded, error, started_at, read_count, inserted_count, updated_count, deleted_count, quarantined_count)
                VALUES ($1, $9, $7::text IS NULL, $7::text, $10, $2, $3, $4, $5, $6)
                ON CONFLICT DO NOTHING RETURNING run_id)
            UPDATE sync_run SET schools_done = schools_done + 1, read_count = read_count + $2, inserted_count = inserted_count + $3,
                updated_count = updated_count + $4, deleted_count = deleted_count + $5, quarantined_count = quarantined_count + $6,
                error = CASE WHEN $7::text IS NULL THEN error ELSE concat_ws('; ', error, $7::text) END,
                held_deletions = CASE WHEN $8::jsonb IS NULL THEN held_deletions ELSE COALESCE(held_deletions, '[]'::jsonb) || $8::jsonb END,
                failed_transiently = failed_transiently OR $11,
                progress = LEAST(1, (schools_done + 1)::real / GREATEST(schools_total, 1)), last_activity_at = now()
            WHERE id IN (SELECT run_id FROM outcome)
            """, cancellationToken, id, counts.Read, counts.Inserted, counts.Updated, counts.Deleted, counts.Quarantined, error is null ? null : Snils.MaskAll(error),
            held.Count == 0 ? null : JsonSerializer.Serialize(held, JsonSerializerOptions.Web), schoolSourceId, startedAt, error is not null && transient);
        await CompleteIfDoneAsync(id, cancellationToken);
    }

    /// <summary>
    /// The schools a retry need not read again: those that succeeded in the run it retries, or in any run that one
    /// retried in turn. Empty for a run that is no retry.
    /// </summary>
    public async Task<HashSet<string>> SettledSchoolsAsync(long id, CancellationToken cancellationToken) =>
        [.. await Staging.ListAsync(dataSource, """
            WITH RECURSIVE retried (id) AS (
                SELECT retry_of FROM sync_run WHERE id = $1 AND retry_of IS NOT NULL
                UNION SELECT run.retry_of FROM sync_run run JOIN retried ON run.id = retried.id WHERE run.retry_of IS NOT NULL)
            SELECT school_source_id FROM sync_run_school WHERE run_id IN (SELECT id FROM retried) AND succeeded
            """, r => r.GetString(0), cancellationToken, id)];

    /// <summary>The schools of a run that failed, with their reasons, in the order they failed.</summary>
    public Task<List<(string SchoolSourceId, string Error)>> FailedSchoolsAsync(long id, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, "SELECT school_source_id, error FROM sync_run_school WHERE run_id = $1 AND NOT succeeded ORDER BY finished_at, school_source_id",
            r => (r.GetString(0), r.GetString(1)), cancellationToken, id);

    /// <summary>The runs queued as retries of this one (by an operator or the watchdog), oldest first.</summary>
    public Task<List<long>> RetriesAsync(long id, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, "SELECT id FROM sync_run WHERE retry_of = $1 ORDER BY id", r => r.GetInt64(0), cancellationToken, id);

    /// <summary>Each school the run has finished, failures first, then in the order they finished.</summary>
    public Task<List<RunSchool>> SchoolsAsync(long id, CancellationToken cancellationToken) => Staging.ListAsync(dataSource, """
        SELECT rs.school_source_id, s.id, s.full_name, rs.succeeded, rs.read_count, rs.inserted_count + rs.updated_count + rs.deleted_count,
               rs.quarantined_count, rs.started_at, rs.finished_at, rs.error
        FROM sync_run_school rs JOIN sync_run r ON r.id = rs.run_id
        LEFT JOIN identity_map im ON im.source_system = r.source_system AND im.kind = 'school' AND im.source_id = rs.school_source_id
        LEFT JOIN school s ON s.id = im.federal_id
        WHERE rs.run_id = $1 ORDER BY rs.succeeded, rs.finished_at, rs.school_source_id
        """, r => new RunSchool(r.GetString(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetBoolean(3), r.GetInt64(4), r.GetInt64(5),
            r.GetInt64(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetString(9)), cancellationToken, id);

    /// <summary>The students a held run would take out of their classes, as people (the SNILS masked), by school and class.</summary>
    public async Task<List<HeldPerson>> HeldPeopleAsync(SyncRun run, CancellationToken cancellationToken)
    {
        if (run.HeldDeletions is not { } held)
        {
            return [];
        }

        var ids = held.Deserialize<List<HeldDeletion>>(JsonSerializerOptions.Web)!.SelectMany(h => h.EnrollmentIds).ToArray();
        return await Staging.ListAsync(dataSource, """
            SELECT s.id, s.full_name, c.grade || ' «' || c.letter || '»', concat_ws(' ', p.last_name, p.first_name, p.middle_name), p.snils
            FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school s ON s.id = c.school_id JOIN person p ON p.id = e.student_id
            WHERE e.id = ANY($1) ORDER BY s.full_name, c.grade, c.letter, p.search_name
            """, r => new HeldPerson(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : Snils.MaskAll(r.GetString(4))), cancellationToken, ids);
    }

    /// <summary>Sets the final status once every school is done (at once, for a run with no school to read).</summary>
    public Task CompleteIfDoneAsync(long id, CancellationToken cancellationToken) => ExecuteAsync("""
        UPDATE sync_run SET finished_at = now(), progress = 1,
            status = CASE WHEN error IS NOT NULL THEN 'failed' WHEN held_deletions IS NOT NULL THEN 'held' ELSE 'succeeded' END
        WHERE id = $1 AND status = 'running' AND schools_done >= schools_total
        """, cancellationToken, id);

    /// <summary>A run that could not even be planned (configuration, an unreachable source).</summary>
    public Task FailAsync(long id, string error, CancellationToken cancellationToken) => FailAsync(id, error, transient: false, cancellationToken);

    /// <summary>A run ended by <paramref name="exception"/>: its sentence for operators, and whether it passes by itself.</summary>
    public Task FailAsync(long id, Exception exception, CancellationToken cancellationToken) =>
        FailAsync(id, RunFailures.Describe(exception), RunFailures.IsTransient(exception), cancellationToken);

    private Task FailAsync(long id, string error, bool transient, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE sync_run SET status = 'failed', finished_at = now(), error = $2, failed_transiently = $3 WHERE id = $1", cancellationToken, id, Snils.MaskAll(error), transient);

    public async Task<SyncRun?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM sync_run WHERE id = $1", cancellationToken, id)).FirstOrDefault();

    public Task<List<SyncRun>> LatestAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM sync_run ORDER BY id DESC LIMIT $1", cancellationToken, limit);

    /// <summary>
    /// Runs of the given regions (and their schools), newest first. For a school's scope: its own runs, and the
    /// region's runs it was part of (an outcome recorded for it) or that are still going.
    /// </summary>
    public Task<List<SyncRun>> LatestAsync(IReadOnlyCollection<string> regions, string? scope, int limit, CancellationToken cancellationToken) => QueryAsync(
        $"""
        SELECT {Columns} FROM sync_run WHERE split_part(scope, '/', 1) = ANY($1) AND ($2 = '' OR scope = $2 OR (scope = split_part($2, '/', 1)
            AND (status IN ('queued', 'running') OR EXISTS (SELECT 1 FROM sync_run_school s WHERE s.run_id = sync_run.id AND s.school_source_id = substr($2, length(scope) + 2)))))
        ORDER BY id DESC LIMIT $3
        """,
        cancellationToken, regions.ToArray(), scope ?? "", limit);

    /// <summary>
    /// The run history as operators search it: newest first, one page of it and how many match in all. A filter's
    /// scope is a region (its runs and its schools' runs) or one school's (<c>54/1001</c>); days are Moscow's.
    /// </summary>
    public async Task<(List<SyncRun> Page, long Total)> SearchAsync(RunFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE (split_part(scope, '/', 1) = ANY($1) OR scope = ANY($2))
              AND ($3 = '' OR scope = $3 OR scope LIKE $3 || '/%') AND ($4 = '' OR status = $4) AND ($5 = '' OR mode = $5)
              AND ($6::date IS NULL OR (queued_at AT TIME ZONE 'Europe/Moscow')::date >= $6::date)
              AND ($7::date IS NULL OR (queued_at AT TIME ZONE 'Europe/Moscow')::date <= $7::date)
            """;
        object?[] parameters = [filter.Regions.ToArray(), filter.SchoolScopes.ToArray(), filter.Scope ?? "", filter.Status ?? "", filter.Mode ?? "", filter.From, filter.To];
        await using var count = Staging.Command(dataSource, $"SELECT count(*) FROM sync_run {Where}", parameters);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        var page = await QueryAsync($"SELECT {Columns} FROM sync_run {Where} ORDER BY id DESC OFFSET $8 LIMIT $9", cancellationToken, [.. parameters, offset, limit]);
        return (page, total);
    }

    /// <summary>
    /// An operator's decision on a run's held enrollment endings: approved, they end yesterday (the operator's
    /// day); rejected, they stay open. Either way the run is no longer held. False when the run holds nothing.
    /// </summary>
    public async Task<bool> ResolveHeldAsync(long id, bool approve, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var held = new NpgsqlCommand("SELECT held_deletions::text FROM sync_run WHERE id = $1 AND status = 'held' FOR UPDATE", connection) { Parameters = { new() { Value = id } } };
        if (await held.ExecuteScalarAsync(cancellationToken) is not string json)
        {
            return false;
        }

        var ids = JsonSerializer.Deserialize<List<HeldDeletion>>(json, JsonSerializerOptions.Web)!.SelectMany(h => h.EnrollmentIds).ToArray();
        if (approve)
        {
            await using var end = new NpgsqlCommand("UPDATE enrollment SET ends_on = GREATEST(starts_on, $1) WHERE id = ANY($2) AND ends_on IS NULL", connection)
            {
                Parameters = { new() { Value = today.AddDays(-1) }, new() { Value = ids } },
            };
            await end.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var resolve = new NpgsqlCommand(
            "UPDATE sync_run SET status = 'succeeded', held_deletions = NULL, deleted_count = deleted_count + $2 WHERE id = $1", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = approve ? (long)ids.Length : 0L } },
        };
        await resolve.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<List<SyncRun>> QueryAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Staging.Command(dataSource, sql, parameters);
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
                reader.IsDBNull(15) ? null : JsonDocument.Parse(reader.GetString(15)).RootElement,
                reader.GetInt32(16),
                reader.GetInt32(17),
                reader.IsDBNull(18) ? null : reader.GetInt64(18),
                reader.GetBoolean(19)));
        }

        return runs;
    }

    /// <summary>One statement; the number of rows it touched.</summary>
    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Staging.Command(dataSource, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static RunToRetry ReadRunToRetry(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Enum.Parse<SyncMode>(r.GetString(3), ignoreCase: true), r.IsDBNull(4) ? null : r.GetInt64(4));
}
