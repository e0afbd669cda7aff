using Microsoft.Extensions.Logging;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// Runs a sync of a region (or one of its schools): reads each school through the region's adapter, checks it,
/// and writes it in one transaction per school. A school that fails is recorded and the others go on; the same
/// school never syncs twice at once, whichever gateway process runs it.
/// </summary>
public sealed partial class SyncEngine(NpgsqlDataSource dataSource, SyncRuns runs, TimeProvider time, ILogger<SyncEngine> logger)
{
    /// <summary>
    /// A full run reads every school in scope. An incremental run asks the source's change feed what changed since
    /// each school's cursor and re-reads only the schools it touches (writes are differences either way); a school
    /// without a cursor yet, or a source without a change feed, gets a full read.
    /// </summary>
    public async Task<SyncRun> RunAsync(RegionSource region, ISourceAdapter adapter, long runId, string? schoolSourceId, SyncMode mode, CancellationToken cancellationToken)
    {
        await runs.StartAsync(runId, cancellationToken);
        var total = WriteCounts.Zero;
        var held = new List<HeldDeletion>();
        var errors = new List<string>();
        try
        {
            var feed = adapter as IChangeFeedSource;
            // The cursor is taken before anything is read: what changes during the read is read again next time.
            var nextCursor = feed is null ? null : await feed.ReadCursorAsync(cancellationToken);
            var schools = (await adapter.ReadSchoolsAsync(cancellationToken))
                .Where(school => schoolSourceId is null || school.SourceId == schoolSourceId).ToList();
            var cursors = new SyncCursors(dataSource, adapter.SourceSystem, region.Code);
            var touched = mode == SyncMode.Incremental && feed is not null
                ? await cursors.TouchedAsync(feed, schools, cancellationToken)
                : schools.Select(school => school.SourceId).ToHashSet(StringComparer.Ordinal);
            foreach (var untouched in schools.Where(school => !touched.Contains(school.SourceId)))
            {
                await cursors.AdvanceAsync(untouched.SourceId, nextCursor!, cancellationToken);
            }

            schools = [.. schools.Where(school => touched.Contains(school.SourceId))];
            total = await SchoolWriter.WriteRegionAsync(dataSource, Target(region, adapter, runId), schools, cancellationToken);
            var done = 0;
            var gate = new Lock();
            await Parallel.ForEachAsync(schools, new ParallelOptions { MaxDegreeOfParallelism = region.MaxConcurrentSchools, CancellationToken = cancellationToken }, async (school, ct) =>
            {
                var (counts, schoolHeld, error) = await SyncSchoolAsync(region, adapter, runId, school, nextCursor, ct);
                WriteCounts snapshot;
                lock (gate)
                {
                    total = total.Add(counts);
                    held.AddRange(schoolHeld);
                    if (error is not null)
                    {
                        errors.Add(error);
                    }

                    snapshot = total;
                    done++;
                }

                await runs.ProgressAsync(runId, (float)done / schools.Count, snapshot, ct);
            });

            var status = errors.Count > 0 ? "failed" : held.Count > 0 ? "held" : "succeeded";
            await runs.FinishAsync(runId, status, total, errors.Count == 0 ? null : string.Join("; ", errors), held, CancellationToken.None);
        }
        catch (Exception exception) when (exception is SourceConfigurationException or SourceUnavailableException)
        {
            await runs.FinishAsync(runId, "failed", total, exception.Message, held, CancellationToken.None);
        }

        return (await runs.FindAsync(runId, CancellationToken.None))!;
    }

    private async Task<(WriteCounts Counts, List<HeldDeletion> Held, string? Error)> SyncSchoolAsync(
        RegionSource region, ISourceAdapter adapter, long runId, SourceSchool school, string? cursor, CancellationToken cancellationToken)
    {
        var zone = region.Zone;
        var today = Today(region);
        var from = region.JournalFrom ?? today.AddDays(-region.JournalDays);
        var to = region.JournalTo ?? today;
        try
        {
            // Read everything first: a cut-off or failed read never leaves a half-written school.
            var roster = await adapter.ReadRosterAsync(school, cancellationToken);
            var journal = await adapter.ReadJournalAsync(roster, from, to, cancellationToken);
            var snapshot = SnapshotBuilder.Build(roster, journal, zone);

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // One school, one writer at a time, across every gateway process on this database.
            await Staging.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"sync:{adapter.SourceSystem}:{school.SourceId}");
            var writer = new SchoolWriter(connection, Target(region, adapter, runId), cancellationToken);
            var counts = await writer.WriteAsync(snapshot);
            if (cursor is not null)
            {
                // Checkpoint in the same transaction as the data it covers: both land, or neither.
                await SyncCursors.SaveAsync(connection, adapter.SourceSystem, $"{region.Code}/{school.SourceId}", cursor, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogSchoolSynced(school.SourceId, counts.Read, counts.Written, counts.Quarantined);
            return (counts, writer.Held, null);
        }
        catch (Exception exception) when (exception is SourceUnavailableException or NpgsqlException or InvalidOperationException)
        {
            LogSchoolFailed(exception, school.SourceId);
            return (WriteCounts.Zero, [], $"Школа {school.ShortName ?? school.SourceId}: {exception.Message}");
        }
    }

    private WriteTarget Target(RegionSource region, ISourceAdapter adapter, long runId) =>
        new(adapter.SourceSystem, region.Code, region.Name, region.TimeZone, runId, Today(region), region.SafetyShare);

    /// <summary>The region's local date: transfers start and end on the schools' own days.</summary>
    private DateOnly Today(RegionSource region) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), region.Zone).DateTime);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "School {SchoolSourceId} synced: {Read} read, {Written} written, {Quarantined} quarantined")]
    private partial void LogSchoolSynced(string schoolSourceId, long read, long written, long quarantined);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "School {SchoolSourceId} failed to sync")]
    private partial void LogSchoolFailed(Exception exception, string schoolSourceId);
}
