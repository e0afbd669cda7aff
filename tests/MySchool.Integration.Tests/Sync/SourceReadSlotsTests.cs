using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// A region's source is read by at most <see cref="RegionSource.MaxConcurrentSchools"/> schools at once, however many
/// gateway processes share the database and however many workers each runs (<see cref="SourceReadSlots"/>).
/// </summary>
public class SourceReadSlotsTests
{
    [Fact]
    public async Task TwoProcessesSyncingARegion_ReadNoMoreSchoolsAtOnceThanItsSourceAllows_AndHoldNoSlotAfterwards()
    {
        await using var harness = await SyncHarness.StartAsync("nso", spec => spec with { SchoolsPerMunicipality = 8 });
        var region = harness.Region with { MaxConcurrentSchools = 2 };
        await using var adapter = new CountingAdapter(harness.CreateAdapter());
        var runId = await harness.Runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
        var plan = (await harness.Engine.PlanAsync(region, adapter, runId, null, SyncMode.Full, CancellationToken.None))!;
        // Two gateway processes: two engines, each with slots of its own in memory, and four workers each taking
        // half of the schools. Were the bound kept per process only, four schools would be read at once.
        SyncEngine[] processes = [harness.Engine, new(harness.Db, harness.Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance, SyncHarness.Patient)];
        await Task.WhenAll(processes.Select((engine, i) => Parallel.ForEachAsync(
            plan.Schools.Where((_, at) => at % 2 == i), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            (school, ct) => new ValueTask(engine.SyncSchoolAsync(region, adapter, plan, school, ct)))));

        Assert.Equal(2, adapter.MostReadAtOnce);
        var run = (await harness.Runs.FindAsync(runId, CancellationToken.None))!;
        Assert.Equal(("succeeded", 8), (run.Status, run.SchoolsDone));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [Fact]
    public async Task ASchoolWaitingForItsSourcesSlot_IsNotRead_WhenItsRunIsCancelledMeanwhile()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var adapter = new CountingAdapter(harness.CreateAdapter());
        var (runId, school, elsewhere) = await SchoolWaitingForTheSlotAsync(harness, adapter);

        Assert.True(await harness.Runs.CancelAsync(runId, CancellationToken.None));
        await elsewhere.DisposeAsync();
        await school;

        Assert.Equal(0, adapter.MostReadAtOnce);
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run_school WHERE run_id = $1", runId));
    }

    [Fact]
    public async Task ASchoolsStart_IsWhenItHoldsItsReadSlot_NotWhenItBeganToWait()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var adapter = new CountingAdapter(harness.CreateAdapter());
        var (runId, school, elsewhere) = await SchoolWaitingForTheSlotAsync(harness, adapter);

        var released = DateTime.UtcNow;
        await elsewhere.DisposeAsync();
        await school;

        var startedAt = await harness.Db.ScalarAsync<DateTime>("SELECT started_at FROM sync_run_school WHERE run_id = $1", runId);
        Assert.True(startedAt >= released, $"started {startedAt:O}, before its slot was free ({released:O})");
    }

    [Fact]
    public async Task ASchoolWaitingForItsSourcesSlot_WhenTheDatabaseRestarts_IsReadAndWrittenOnceItIsBack_NotFailed()
    {
        var cluster = await PostgresCluster.StartPrivateAsync();
        try
        {
            await using var harness = await SyncHarness.StartAsync("nso", cluster: cluster);
            await using var adapter = new CountingAdapter(harness.CreateAdapter());
            // Patient enough for a restart, as the gateway's own engine is.
            var engine = new SyncEngine(harness.Db, harness.Runs, TimeProvider.System, NullLogger<SyncEngine>.Instance, new StoreRetry(10, TimeSpan.FromMilliseconds(200)));
            var (runId, school, elsewhere) = await SchoolWaitingForTheSlotAsync(harness, adapter, engine);

            // The other holder's session dies with the server: the waiting school gets its slot while the database is down.
            await cluster.StopImmediatelyAsync();
            await Task.Delay(1000);
            await cluster.StartAgainAsync();
            await school;
            await elsewhere.DisposeAsync();

            Assert.Equal(1, adapter.MostReadAtOnce);
            Assert.Equal("succeeded", await harness.Db.ScalarAsync<string>(
                "SELECT CASE WHEN succeeded THEN 'succeeded' ELSE error END FROM sync_run_school WHERE run_id = $1", runId));
        }
        finally
        {
            await cluster.RemoveAsync();
        }
    }

    /// <summary>A run of the region whose only read slot another process holds, and its first school started, waiting for that slot.</summary>
    private static async Task<(long RunId, Task School, IAsyncDisposable Elsewhere)> SchoolWaitingForTheSlotAsync(SyncHarness harness, CountingAdapter adapter, SyncEngine? engine = null)
    {
        var region = harness.Region with { MaxConcurrentSchools = 1 };
        var runId = await harness.Runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
        var plan = (await harness.Engine.PlanAsync(region, adapter, runId, null, SyncMode.Full, CancellationToken.None))!;
        var elsewhere = await new SourceReadSlots(harness.Db).TakeAsync(region, adapter.SourceSystem, CancellationToken.None);
        var school = (engine ?? harness.Engine).SyncSchoolAsync(region, adapter, plan, plan.Schools[0], CancellationToken.None);
        await Task.Delay(1000);
        Assert.False(school.IsCompleted, "the school should wait for the slot");
        return (runId, school, elsewhere);
    }

    [Fact]
    public async Task ALiveProcess_KeepsItsSlotPastTheTimeout_AndAFrozenOnesSlotIsFreedByTheServer()
    {
        await using var db = NpgsqlDataSource.Create(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync("slots"));
        // The live holder's heartbeats may come late under the full suite's load (a gap over 1 s was seen): the timeout
        // leaves it 2.75 s, where production's leaves 70 s.
        var (region, abandoned) = (new RegionSource { Code = "54", MaxConcurrentSchools = 1 }, TimeSpan.FromSeconds(3));
        var other = new SourceReadSlots(db);

        // Alive: its heartbeat comes sooner than the timeout, so the slot outlasts it and nobody else gets it.
        await using (await new SourceReadSlots(db, heartbeat: TimeSpan.FromMilliseconds(250), abandoned).TakeAsync(region, "nso", CancellationToken.None))
        {
            using var patience = new CancellationTokenSource(abandoned * 2);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other.TakeAsync(region, "nso", patience.Token));
        }

        // Frozen: no heartbeat reaches the server in time, which ends the session, and the slot with it.
        var frozen = await new SourceReadSlots(db, heartbeat: TimeSpan.FromHours(1), abandoned).TakeAsync(region, "nso", CancellationToken.None);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await using var taken = await other.TakeAsync(region, "nso", patience.Token);
        }

        await frozen.DisposeAsync(); // its connection is gone: giving it back is quiet
    }

    /// <summary>Counts the schools being read at once (from the roster's read to the journal's end), each read made long enough to overlap; disposing it releases the adapter.</summary>
    private sealed class CountingAdapter(ISourceAdapter inner) : ISourceAdapter, IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private int _reading;
        private int _most;

        public int MostReadAtOnce
        {
            get
            {
                lock (_gate)
                {
                    return _most;
                }
            }
        }

        public string SourceSystem => inner.SourceSystem;

        public ValueTask DisposeAsync() => RegionCatalog.ReleaseAsync(inner);

        public SourceCapabilities Capabilities => inner.Capabilities;

        public Task<IReadOnlyList<SourceSchool>> ReadSchoolsAsync(CancellationToken cancellationToken) => inner.ReadSchoolsAsync(cancellationToken);

        public async Task<SchoolRoster> ReadRosterAsync(SourceSchool school, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _most = Math.Max(_most, ++_reading);
            }

            await Task.Delay(300, cancellationToken);
            return await inner.ReadRosterAsync(school, cancellationToken);
        }

        public async Task<SchoolJournal> ReadJournalAsync(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.ReadJournalAsync(roster, firstDay, lastDay, cancellationToken);
            }
            finally
            {
                lock (_gate)
                {
                    _reading--;
                }
            }
        }
    }
}
