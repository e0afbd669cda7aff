using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Push;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>
/// The bad-record corpus through a sync's snapshot path (the whole roster and journal window, not a delta): the
/// record is quarantined with its reason, the run succeeds and the rest of the school is written.
/// </summary>
public sealed class BadRecordSyncTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Theory]
    [MemberData(nameof(BadRecordCorpus.Names), MemberType = typeof(BadRecordCorpus))]
    public async Task ABadRecord_IsQuarantinedWithItsReason_AndTheRestOfTheSchoolIsWritten(string name)
    {
        var record = BadRecordCorpus.Named(name);
        var source = new CorpusSource($"corpus-{name}", BadRecordCorpus.Header(record, "sync"), BadRecordCorpus.Spoiled(record, "sync"));

        var run = await SyncAsync(source);

        Assert.Equal(("succeeded", null), (run.Status, run.Error));
        Assert.Equal(1L, await database.DataSource.ScalarAsync<long>(
            "SELECT count(*) FROM quarantine WHERE source_system = $1 AND kind = $2 AND starts_with(source_id, $3) AND reason_code = $4",
            source.SourceSystem, record.Kind, record.SourceId, record.ReasonCode));
        Assert.True(await database.DataSource.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN identity_map m ON m.federal_id = c.school_id AND m.kind = 'school'
            WHERE m.source_system = $1
            """, source.SourceSystem) >= 3, "the rest of the school is written");
    }

    [Theory]
    [InlineData("5401000000", "50701000001", "school.inn")]
    [InlineData("54010", "50701000001", "school.inn")]
    [InlineData(null, "5070", "school.oktmo")]
    public async Task ASchoolWithAnInvalidInnOrOktmo_IsQuarantined_AndNothingOfItIsWritten(string? inn, string oktmo, string reason)
    {
        var header = BadRecordCorpus.Header(BadRecordCorpus.All[0]);
        header.School.Inn = inn ?? header.School.Inn;
        header.School.Oktmo = oktmo;
        var source = new CorpusSource($"corpus-school-{reason}-{inn}", header, Exchange.PushFixture.SampleSchool(9_000_000));

        var run = await SyncAsync(source);

        Assert.Equal(("succeeded", 1L), (run.Status, run.Quarantined));
        Assert.Equal(reason, await database.DataSource.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE source_system = $1", source.SourceSystem));
        Assert.Equal(0L, await database.DataSource.ScalarAsync<long>("SELECT count(*) FROM identity_map WHERE source_system = $1", source.SourceSystem));
    }

    private async Task<SyncRun> SyncAsync(ISourceAdapter source)
    {
        var region = new RegionSource { Code = "54", Name = "Новосибирская область", TimeZone = "Asia/Novosibirsk", JournalFrom = new(2023, 11, 6), JournalTo = new(2023, 11, 12) };
        var runs = new SyncRuns(database.DataSource);
        var engine = new SyncEngine(database.DataSource, runs, TimeProvider.System, NullLogger<SyncEngine>.Instance);
        var runId = await runs.QueueAsync(source.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
        return await engine.RunAsync(region, source, runId, null, SyncMode.Full, CancellationToken.None);
    }

    /// <summary>A source that lists one school with the corpus's records, as an adapter would after mapping them.</summary>
    private sealed class CorpusSource(string sourceSystem, BatchHeader header, RecordChunk records) : ISourceAdapter
    {
        private readonly Core.Push.PushBatch _batch = Build(header, records);

        public string SourceSystem => sourceSystem;

        public SourceCapabilities Capabilities => SourceCapabilities.None;

        public Task<IReadOnlyList<SourceSchool>> ReadSchoolsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SourceSchool>>([_batch.School]);

        public Task<SchoolRoster> ReadRosterAsync(SourceSchool school, CancellationToken cancellationToken) =>
            Task.FromResult(new SchoolRoster(_batch.School, _batch.Classes, _batch.Students, _batch.Teachers));

        public Task<SchoolJournal> ReadJournalAsync(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
            Task.FromResult(new SchoolJournal(firstDay, lastDay, _batch.Lessons, _batch.Marks, _batch.Events, _batch.Rejections) { Groups = _batch.Groups });

        private static Core.Push.PushBatch Build(BatchHeader header, RecordChunk records)
        {
            var builder = new PushBatchBuilder(header);
            builder.Add(records);
            return builder.Build();
        }
    }
}
