using Microsoft.Extensions.Logging;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// Runs a sync of a region (or one of its schools): reads each school through the region's adapter, checks it,
/// and writes it in one transaction per school. A school that fails is recorded and the others go on; the same
/// school never syncs twice at once, whichever gateway process runs it.
/// </summary>
public sealed partial class SyncEngine(NpgsqlDataSource dataSource, SyncRuns runs, TimeProvider time, ILogger<SyncEngine> logger, StoreRetry? storeRetry = null)
{
    private readonly StoreRetry _storeRetry = storeRetry ?? StoreRetry.Default;
    private readonly SourceReadSlots _readSlots = new(dataSource);

    /// <summary>
    /// Runs a whole sync in this process: the plan, then its schools, at most <see cref="RegionSource.MaxConcurrentSchools"/>
    /// read at once and as many written. The scheduler runs the same plan and schools as separate jobs spread over
    /// every gateway process.
    /// </summary>
    public async Task<SyncRun> RunAsync(RegionSource region, ISourceAdapter adapter, long runId, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken)
    {
        if (await PlanAsync(region, adapter, runId, schoolSourceId, mode, cancellationToken) is { } plan)
        {
            // A school being written holds no read slot: twice the slots in flight keep the source read at its capacity.
            await Parallel.ForEachAsync(plan.Schools, new ParallelOptions { MaxDegreeOfParallelism = 2 * region.MaxConcurrentSchools, CancellationToken = cancellationToken },
                (school, ct) => new ValueTask(SyncSchoolAsync(region, adapter, plan, school, ct)));
        }

        return (await runs.FindAsync(runId, CancellationToken.None))!;
    }

    /// <summary>
    /// Decides which schools a run reads. A full run reads every school in scope. An incremental run asks the
    /// source's change feed what changed since each school's cursor and reads only the schools it touches (writes
    /// are differences either way); a school without a cursor yet, or a source without a change feed, is read in
    /// full. Null when the source cannot be read at all: the run is then failed with the reason.
    /// </summary>
    public async Task<SyncPlan?> PlanAsync(RegionSource region, ISourceAdapter adapter, long runId, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken)
    {
        if (await runs.IsCancelledAsync(runId, cancellationToken))
        {
            return null; // cancelled while queued: nothing is read
        }

        await runs.StartAsync(runId, cancellationToken);
        try
        {
            var feed = adapter as IChangeFeedSource;
            // The cursor is taken before anything is read: what changes during the read is read again next time.
            var cursor = feed is null ? null : await feed.ReadCursorAsync(cancellationToken);
            // A retry reads again only the schools that did not succeed in the run it carries on.
            var settled = await runs.SettledSchoolsAsync(runId, cancellationToken);
            var schools = (await adapter.ReadSchoolsAsync(cancellationToken))
                .Where(school => (schoolSourceId is null || school.SourceId == schoolSourceId) && !settled.Contains(school.SourceId)).ToList();
            var cursors = new SyncCursors(dataSource, adapter.SourceSystem, region.Code);
            var touched = mode == SyncMode.Incremental && feed is not null
                ? await cursors.TouchedAsync(feed, schools, cancellationToken)
                : schools.Select(school => school.SourceId).ToHashSet(StringComparer.Ordinal);
            foreach (var untouched in schools.Where(school => !touched.Contains(school.SourceId)))
            {
                await cursors.AdvanceAsync(untouched.SourceId, cursor!, cancellationToken);
            }

            schools = [.. schools.Where(school => touched.Contains(school.SourceId))];
            var dryRun = mode == SyncMode.Reconcile;
            var regionCounts = dryRun ? WriteCounts.Zero : await SchoolWriter.WriteRegionAsync(dataSource, Target(region, adapter, runId), schools, cancellationToken);
            await runs.PlannedAsync(runId, schools.Count, regionCounts, cancellationToken);
            await runs.CompleteIfDoneAsync(runId, cancellationToken);
            // A reconciliation moves no cursor: the next incremental sync starts where the last real one ended.
            return new SyncPlan(runId, schools, dryRun ? null : cursor) { DryRun = dryRun };
        }
        catch (Exception exception) when (exception is SourceConfigurationException or SourceUnavailableException)
        {
            await runs.FailAsync(runId, exception, CancellationToken.None);
            return null;
        }
    }

    /// <summary>Reads, checks and writes one school of a plan, and adds the outcome to the plan's run.</summary>
    public async Task SyncSchoolAsync(RegionSource region, ISourceAdapter adapter, SyncPlan plan, SourceSchool school, CancellationToken cancellationToken)
    {
        if (await runs.IsCancelledAsync(plan.RunId, cancellationToken))
        {
            return; // an operator cancelled the run: schools not started are not started
        }

        var startedAt = time.GetUtcNow();
        // Once the school holds its read slot: other processes may have held every slot for long, so the operator's
        // cancellation is asked again, and the school's own time starts there, not in the wait. The database may have
        // gone while the school waited (its slot given up with it): the question waits for it as a write would.
        async Task StartingAsync(CancellationToken ct)
        {
            if (await _storeRetry.Records.ExecuteAsync(async retryToken => await runs.IsCancelledAsync(plan.RunId, retryToken), ct))
            {
                throw new CancelledBeforeReading();
            }

            startedAt = time.GetUtcNow();
        }

        try
        {
            var (counts, held, failure) = await ReadAndWriteAsync(region, adapter, plan, school, StartingAsync, cancellationToken);
            await _storeRetry.Records.ExecuteAsync(
                async ct => await runs.SchoolDoneAsync(plan.RunId, school.SourceId, startedAt, counts, failure?.Error, failure?.Transient ?? false, held, ct), CancellationToken.None);
        }
        catch (CancelledBeforeReading)
        {
            // cancelled while the school waited for its source: not started either
        }
    }

    /// <summary>
    /// Reads one school whole (roster, the journal's window, calendar) and checks it: the snapshot a sync writes.
    /// Everything is read before anything is written, so a cut-off or failed read never leaves a half-written school.
    /// The read holds one of the source's read slots (<see cref="SourceReadSlots"/>), whichever process it runs in.
    /// </summary>
    public Task<SchoolSnapshot> ReadSchoolAsync(RegionSource region, ISourceAdapter adapter, SourceSchool school, CancellationToken cancellationToken) =>
        ReadSchoolAsync(region, adapter, school, starting: null, cancellationToken);

    /// <param name="starting">Run once the read slot is held, before anything is read.</param>
    private async Task<SchoolSnapshot> ReadSchoolAsync(
        RegionSource region, ISourceAdapter adapter, SourceSchool school, Func<CancellationToken, Task>? starting, CancellationToken cancellationToken)
    {
        var today = Today(region);
        SchoolRoster roster;
        SchoolJournal journal;
        await using (await _readSlots.TakeAsync(region, adapter.SourceSystem, cancellationToken))
        {
            if (starting is not null)
            {
                await starting(cancellationToken);
            }

            roster = await adapter.ReadRosterAsync(school, cancellationToken);
            journal = await adapter.ReadJournalAsync(roster, region.JournalFrom ?? today.AddDays(-region.JournalDays), region.JournalTo ?? today, cancellationToken);
            if (adapter is ICalendarSource calendars)
            {
                roster = roster with { Calendar = await calendars.ReadCalendarAsync(roster, cancellationToken) };
            }
        }

        return SnapshotBuilder.Build(roster, journal, region.Zone);
    }

    private async Task<(WriteCounts Counts, List<HeldDeletion> Held, (string Error, bool Transient)? Failure)> ReadAndWriteAsync(
        RegionSource region, ISourceAdapter adapter, SyncPlan plan, SourceSchool school, Func<CancellationToken, Task> starting, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await ReadSchoolAsync(region, adapter, school, starting, cancellationToken);
            var target = Target(region, adapter, plan.RunId);
            var digest = SnapshotDigest.Of(snapshot, target);
            // Read once, written as often as a restarting database needs: a failed transaction rolled back whole.
            var (counts, held) = await _storeRetry.Writes.ExecuteAsync(
                async ct => await WriteAsync(adapter, plan, school, target, snapshot, digest, ct), cancellationToken);
            LogSchoolSynced(school.SourceId, counts.Read, counts.Written, counts.Quarantined);
            return (counts, held, null);
        }
        // Whatever breaks one school is recorded on the run and the others go on; only cancellation stops the run.
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSchoolFailed(exception, school.SourceId);
            return (WriteCounts.Zero, [], ($"Школа {school.ShortName ?? school.SourceId}: {RunFailures.Describe(exception)}", RunFailures.IsTransient(exception)));
        }
    }

    /// <summary>
    /// One school's snapshot in one transaction, with its checkpoint; a reconciliation rolls it back. A snapshot whose
    /// digest the school's last write kept, in a school nobody has touched since, is not compared: it would write nothing.
    /// </summary>
    private async Task<(WriteCounts Counts, List<HeldDeletion> Held)> WriteAsync(
        ISourceAdapter adapter, SyncPlan plan, SourceSchool school, WriteTarget target, SchoolSnapshot snapshot, byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One school, one writer at a time, across every gateway process on this database.
        await Staging.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"sync:{adapter.SourceSystem}:{school.SourceId}");
        var (unchanged, comparedIn) = await SchoolDigests.CheckAsync(connection, adapter.SourceSystem, school.SourceId, digest, cancellationToken);
        var (counts, held) = (WriteCounts.Zero with { Read = snapshot.RecordsRead }, new List<HeldDeletion>());
        if (unchanged)
        {
            LogSchoolUnchanged(school.SourceId);
        }
        else
        {
            var (written, writer) = await RecordIsolation.WriteAsync(connection, target, snapshot, cancellationToken);
            (counts, held) = (written, writer.Held);
            if (writer.Quarantined.Count == 0 && writer.Held.Count == 0 && writer.SchoolId is { } schoolId)
            {
                await SchoolDigests.RecordAsync(connection, adapter.SourceSystem, schoolId, digest, comparedIn, cancellationToken);
            }
        }

        if (plan.Cursor is not null)
        {
            // Checkpoint in the same transaction as the data it covers: both land, or neither.
            await SyncCursors.SaveAsync(connection, adapter.SourceSystem, $"{target.RegionCode}/{school.SourceId}", plan.Cursor, cancellationToken);
        }

        if (plan.DryRun)
        {
            await transaction.RollbackAsync(cancellationToken); // the counts are the report; the store stays as it was
            return (counts, []);
        }

        await transaction.CommitAsync(cancellationToken);
        return (counts, held);
    }

    /// <summary>The run was cancelled while its school waited for a read slot: the school is not started.</summary>
    /// <remarks>An <see cref="OperationCanceledException"/>, so that it passes the school's failure handling untouched.</remarks>
    private sealed class CancelledBeforeReading : OperationCanceledException;

    private WriteTarget Target(RegionSource region, ISourceAdapter adapter, long runId) =>
        WriteTarget.For(adapter.SourceSystem, region, runId, Today(region));

    /// <summary>The region's local date: transfers start and end on the schools' own days.</summary>
    private DateOnly Today(RegionSource region) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), region.Zone).DateTime);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "School {SchoolSourceId} synced: {Read} read, {Written} written, {Quarantined} quarantined")]
    private partial void LogSchoolSynced(string schoolSourceId, long read, long written, long quarantined);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "School {SchoolSourceId} failed to sync")]
    private partial void LogSchoolFailed(Exception exception, string schoolSourceId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "School {SchoolSourceId} unchanged since its last write: not compared")]
    private partial void LogSchoolUnchanged(string schoolSourceId);
}
