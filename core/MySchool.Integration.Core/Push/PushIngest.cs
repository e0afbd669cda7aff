using System.Text.Json;
using Microsoft.Extensions.Logging;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Push;

/// <summary>A school's records as a vendor pushed them, in the engine's neutral terms (values still raw).</summary>
public sealed record PushBatch(
    string IdempotencyKey,
    SourceSchool School,
    RosterParts Complete,
    IReadOnlyList<SourceClass> Classes,
    IReadOnlyList<SourceStudent> Students,
    IReadOnlyList<SourceTeacher> Teachers,
    IReadOnlyList<SourceLesson> Lessons,
    IReadOnlyList<SourceMark> Marks,
    IReadOnlyList<string> DeletedMarks,
    IReadOnlyList<SourceRejection> Rejections)
{
    public long RecordCount => Classes.Count + Students.Count + Teachers.Count + Lessons.Count + Marks.Count + DeletedMarks.Count + Rejections.Count
        + (Calendar is null ? 0 : Calendar.Periods.Count + Calendar.Holidays.Count) + Events.Count + Groups.Count;

    public IReadOnlyList<SourceEvent> Events { get; init; } = [];

    /// <summary>Groups with their members; none sent leaves the stored ones as they are.</summary>
    public IReadOnlyList<SourceGroup> Groups { get; init; } = [];

    /// <summary>The school's year when the batch carries one.</summary>
    public SourceCalendar? Calendar { get; init; }
}

/// <summary>Who pushed: the client, and the source system its records are known under in the identity map.</summary>
public sealed record PushClient(string ClientId, string SourceSystem);

public sealed record PushRejection(string Kind, string? SourceId, string ReasonCode, string Reason);

/// <summary>The answer to a batch; a repeat of the same idempotency key gets the same answer with <see cref="Duplicate"/> set.</summary>
public sealed record PushOutcome(
    string IdempotencyKey,
    bool Duplicate,
    long RunId,
    long Received,
    long Inserted,
    long Updated,
    long Deleted,
    IReadOnlyList<PushRejection> Rejected);

/// <summary>
/// Applies a vendor's batch through the same rules, quarantine and writers as a sync, in one transaction, once per
/// idempotency key (СМЭВ 3's delivery with ids): the key is recorded with the answer in that transaction, so a
/// repeat, even a concurrent one, is answered from the record and never applied twice.
/// </summary>
public sealed partial class PushIngest(NpgsqlDataSource dataSource, SyncRuns runs, TimeProvider time, ILogger<PushIngest> logger, StoreRetry? storeRetry = null)
{
    private readonly StoreRetry _storeRetry = storeRetry ?? StoreRetry.Default;

    public Task<PushOutcome> ApplyAsync(PushClient client, RegionSource region, PushBatch batch, CancellationToken cancellationToken) =>
        IngestAsync(client, region, batch, check: false, cancellationToken);

    /// <summary>
    /// What the batch would do, found by doing it and rolling it back (a run of mode reconcile: its counts are the
    /// differences): added, changed and ended, and the records refused. Nothing stays but the run; the key is not
    /// recorded, so the batch may then be applied. A key already applied is answered as a duplicate.
    /// </summary>
    public Task<PushOutcome> CheckAsync(PushClient client, RegionSource region, PushBatch batch, CancellationToken cancellationToken) =>
        IngestAsync(client, region, batch, check: true, cancellationToken);

    /// <summary>
    /// A file's batches, one per school, as one run of the region: its progress moves as each school is written, and
    /// an operator's cancel stops it between schools. Applied, each school commits on its own, once per key; one that
    /// fails is recorded in the run and the rest go on. Checked, all are written in one transaction (a branch sees
    /// its head school) and rolled back. The outcomes are those of the schools written, in order.
    /// </summary>
    /// <param name="schools">The file's schools, known before its batches are made: the run's plan, and the region's municipalities.</param>
    /// <param name="batches">A batch per school, made as they are enumerated (a file is not held whole).</param>
    /// <param name="inOrder">Each batch may need the ones before it written (a branch its head school): one school at a time.</param>
    /// <param name="queued">The run queued for it beforehand (<see cref="QueueFileAsync"/>), so that its page could be shown at once; otherwise a new one.</param>
    public async Task<(long RunId, IReadOnlyList<(SourceSchool School, PushOutcome Outcome)> Outcomes)> IngestFileAsync(
        PushClient client, RegionSource region, IReadOnlyList<SourceSchool> schools, IAsyncEnumerable<PushBatch> batches, bool check, bool inOrder, CancellationToken cancellationToken,
        long? queued = null)
    {
        var runId = queued ?? await QueueFileAsync(client, region, check, cancellationToken);
        await runs.StartAsync(runId, cancellationToken);
        var target = WriteTarget.For(client.SourceSystem, region, runId, Today(region));
        var outcomes = new List<(SourceSchool, PushOutcome)>();
        await using var checkConnection = check ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        await using var checkTransaction = checkConnection is null ? null : await checkConnection.BeginTransactionAsync(cancellationToken);
        try
        {
            var regionCounts = checkConnection is not null
                ? await SchoolWriter.WriteRegionAsync(checkConnection, target, schools, cancellationToken)
                : await SchoolWriter.WriteRegionAsync(dataSource, target, schools, cancellationToken);
            await runs.PlannedAsync(runId, schools.Count, regionCounts, cancellationToken);
            if (checkConnection is not null)
            {
                await foreach (var batch in batches.WithCancellation(cancellationToken))
                {
                    if (await runs.IsCancelledAsync(runId, cancellationToken))
                    {
                        break;
                    }

                    outcomes.Add((batch.School, await CheckInFileAsync(checkConnection, client, region, target, batch, cancellationToken)));
                }
            }
            else
            {
                // Schools are independent transactions: while one commits, the next is written.
                var order = schools.Select((school, index) => (school.SourceId, index)).ToDictionary(s => s.SourceId, s => s.index, StringComparer.Ordinal);
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = inOrder ? 1 : FileSchoolsAtOnce, CancellationToken = cancellationToken }, async (batch, ct) =>
                {
                    if (!await runs.IsCancelledAsync(runId, ct))
                    {
                        var outcome = await ApplyInFileAsync(client, region, target, batch, ct);
                        lock (outcomes)
                        {
                            outcomes.Add((batch.School, outcome));
                        }
                    }
                });
                outcomes.Sort((a, b) => order[a.Item1.SourceId].CompareTo(order[b.Item1.SourceId]));
            }

            return (runId, outcomes);
        }
        catch (Exception exception)
        {
            await runs.FailAsync(runId, exception, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A file's run, queued before the file is read: its page exists from the start.</summary>
    public Task<long> QueueFileAsync(PushClient client, RegionSource region, bool check, CancellationToken cancellationToken) =>
        runs.QueueAsync(client.SourceSystem, region.Code, check ? SyncMode.Reconcile : SyncMode.Push, cancellationToken);

    /// <summary>A file's schools written at once: two keep PostgreSQL busy while one of them commits.</summary>
    private const int FileSchoolsAtOnce = 2;

    private async Task<PushOutcome> ApplyInFileAsync(PushClient client, RegionSource region, WriteTarget target, PushBatch batch, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        try
        {
            // Two schools written at once may meet on one person (a parent of children in both): a deadlock is retried.
            var (outcome, counts, held) = await _storeRetry.Writes.ExecuteAsync(async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                if (await RecordedAsync(connection, client, batch, ct) is { } recorded)
                {
                    return (recorded, WriteCounts.Zero, (IReadOnlyList<HeldDeletion>)[]);
                }

                var (written, counts, writer) = await WriteSchoolAsync(connection, client, region, target, batch, ct);
                await RecordAsync(connection, client, batch, written, ct);
                await transaction.CommitAsync(ct);
                LogPushApplied(client.ClientId, batch.IdempotencyKey, written.Received, counts.Written, written.Rejected.Count);
                return (written, counts with { Read = batch.RecordCount }, writer.Held);
            }, cancellationToken);
            await runs.SchoolDoneAsync(target.RunId, batch.School.SourceId, startedAt, counts, null, false, held, CancellationToken.None);
            return outcome;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One school's failure is the run's record of it; the file's other schools go on.
            await runs.SchoolDoneAsync(target.RunId, batch.School.SourceId, startedAt, WriteCounts.Zero, RunFailures.Describe(exception), RunFailures.IsTransient(exception), [], CancellationToken.None);
            return new PushOutcome(batch.IdempotencyKey, false, target.RunId, batch.RecordCount, 0, 0, 0,
                [new PushRejection("school", batch.School.SourceId, "import.failed", $"Школа не записана: {RunFailures.Describe(exception)}")]);
        }
    }

    private async Task<PushOutcome> CheckInFileAsync(NpgsqlConnection connection, PushClient client, RegionSource region, WriteTarget target, PushBatch batch, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        if (await RecordedAsync(connection, client, batch, cancellationToken) is { } recorded)
        {
            await runs.SchoolDoneAsync(target.RunId, batch.School.SourceId, startedAt, WriteCounts.Zero, null, false, [], CancellationToken.None);
            return recorded;
        }

        var (outcome, counts, _) = await WriteSchoolAsync(connection, client, region, target, batch, cancellationToken);
        // The next school stages its rows in tables of the same names; they are dropped at commit, which a check never reaches.
        await ExecuteAsync(connection, "DISCARD TEMP", cancellationToken);
        await runs.SchoolDoneAsync(target.RunId, batch.School.SourceId, startedAt, counts with { Read = batch.RecordCount }, null, false, [], CancellationToken.None);
        return outcome;
    }

    private async Task<PushOutcome> IngestAsync(PushClient client, RegionSource region, PushBatch batch, bool check, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await RecordedAsync(connection, client, batch, cancellationToken) is { } recorded)
        {
            return recorded;
        }

        var startedAt = time.GetUtcNow();
        var runId = await runs.QueueAsync(client.SourceSystem, $"{region.Code}/{batch.School.SourceId}", check ? SyncMode.Reconcile : SyncMode.Push, cancellationToken);
        await runs.StartAsync(runId, cancellationToken);
        try
        {
            var target = WriteTarget.For(client.SourceSystem, region, runId, Today(region));
            // A check writes even the region and municipality inside its transaction, to roll them back with the rest.
            var regionCounts = check
                ? await SchoolWriter.WriteRegionAsync(connection, target, [batch.School], cancellationToken)
                : await SchoolWriter.WriteRegionAsync(dataSource, target, [batch.School], cancellationToken);
            await runs.PlannedAsync(runId, 1, regionCounts, cancellationToken);
            var (outcome, counts, writer) = await WriteSchoolAsync(connection, client, region, target, batch, cancellationToken);
            if (check)
            {
                await transaction.RollbackAsync(cancellationToken);
            }
            else
            {
                await RecordAsync(connection, client, batch, outcome, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogPushApplied(client.ClientId, batch.IdempotencyKey, outcome.Received, counts.Written, outcome.Rejected.Count);
            }

            // A check holds nothing back: its deletions were never made, only counted.
            await runs.SchoolDoneAsync(runId, batch.School.SourceId, startedAt, counts with { Read = batch.RecordCount }, null, false, check ? [] : writer.Held, CancellationToken.None);
            return outcome;
        }
        catch (Exception exception)
        {
            await runs.FailAsync(runId, $"Пакет {batch.IdempotencyKey}: {RunFailures.Describe(exception)}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>The answer already given to this key (its first application's), under a lock held until the caller's transaction ends.</summary>
    private static async Task<PushOutcome?> RecordedAsync(NpgsqlConnection connection, PushClient client, PushBatch batch, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"push:{client.ClientId}:{batch.IdempotencyKey}");
        return await ScalarAsync<object?>(connection, "SELECT response::text FROM push_batch WHERE client_id = $1 AND idempotency_key = $2", cancellationToken, client.ClientId, batch.IdempotencyKey) is string recorded
            ? JsonSerializer.Deserialize<PushOutcome>(recorded, JsonSerializerOptions.Web)! with { Duplicate = true }
            : null;
    }

    private static async Task RecordAsync(NpgsqlConnection connection, PushClient client, PushBatch batch, PushOutcome outcome, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "INSERT INTO push_batch (client_id, idempotency_key, response) VALUES ($1, $2, $3::jsonb)", cancellationToken,
            client.ClientId, batch.IdempotencyKey, JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web));
    }

    /// <summary>The batch through the rules and into the school, inside the caller's transaction, under the school's sync lock.</summary>
    private async Task<(PushOutcome Outcome, WriteCounts Counts, SchoolWriter Writer)> WriteSchoolAsync(
        NpgsqlConnection connection, PushClient client, RegionSource region, WriteTarget target, PushBatch batch, CancellationToken cancellationToken)
    {
        var roster = new SchoolRoster(batch.School, batch.Classes, batch.Students, batch.Teachers) { Calendar = batch.Calendar };
        var dates = batch.Lessons.Select(l => l.Date).Concat(batch.Marks.Select(m => m.LessonDate)).DefaultIfEmpty(Today(region)).ToList();
        var journal = new SchoolJournal(dates.Min(), dates.Max(), batch.Lessons, batch.Marks, batch.Events, batch.Rejections) { Groups = batch.Groups };
        var snapshot = SnapshotBuilder.Build(roster, journal, region.Zone, new PushOptions(batch.Complete, batch.DeletedMarks));

        // The same lock as a sync of this school: a push and a pull never write one school at once.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"sync:{client.SourceSystem}:{batch.School.SourceId}");
        var (counts, writer) = await RecordIsolation.WriteAsync(connection, target, snapshot, cancellationToken);
        if (writer.SchoolId is { } schoolId)
        {
            await SchoolDigests.ForgetSeenTouchesAsync(connection, schoolId, cancellationToken);
        }

        var outcome = new PushOutcome(batch.IdempotencyKey, false, target.RunId, batch.RecordCount, counts.Inserted, counts.Updated, counts.Deleted,
            [.. writer.Quarantined.Select(ForVendor)]);
        return (outcome, counts, writer);
    }

    /// <summary>A vendor learns its record conflicts with the registry, never what the registry holds elsewhere.</summary>
    private static PushRejection ForVendor(QuarantinedRecord record)
    {
        var reason = OwnershipReasons.IsOwnershipConflict(record.Reason.Code) ? OwnershipReasons.ForVendor : record.Reason;
        return new PushRejection(record.Kind, record.SourceId, reason.Code, reason.Message);
    }

    private DateOnly Today(RegionSource region) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), region.Zone).DateTime);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Push {IdempotencyKey} of {ClientId} applied: {Received} received, {Written} written, {Rejected} rejected")]
    private partial void LogPushApplied(string clientId, string idempotencyKey, long received, long written, int rejected);
}
