using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>Every fault of nso-eljur.md injected into a full sync: the run still ends equal to the truth, less what it quarantined.</summary>
public class NsoFaultTests
{
    [Theory]
    [InlineData(EljurFaults.Unavailable, 3)]
    [InlineData(EljurFaults.Slow, 1)]
    [InlineData(EljurFaults.TokenExpired, 1)]
    [InlineData(EljurFaults.CutBody, 2)]
    [InlineData(EljurFaults.PhantomMark, 3)]
    [InlineData(EljurFaults.ItemsEmptyArray, 1)]
    [InlineData(EljurFaults.ItemsNull, 1)]
    [InlineData(EljurFaults.ItemsMissing, 1)]
    public async Task Sync_SurvivesTheFault_AndEndsEqualToTheTruth(string fault, int calls)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        harness.World.Nso.Faults.Arm(fault, calls);

        var run = await harness.SyncAsync();

        Assert.False(harness.World.Nso.Faults.IsArmed(fault), $"the fault {fault} never fired");
        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(0, run.Quarantined);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Theory]
    [InlineData(EljurFaults.MarkValueSix, "mark.out-of-scale")]
    [InlineData(EljurFaults.MarkDateInvalid, "mark.date")]
    public async Task Sync_InvalidMark_IsQuarantinedWithItsReason_AndTheRestCommits(string fault, string reason)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        harness.World.Nso.Faults.Arm(fault, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(1, run.Quarantined);
        var sourceId = await harness.Db.ScalarAsync<string>("SELECT source_id FROM quarantine WHERE kind = 'mark' AND reason_code = $1", reason);
        Assert.Contains("\"value\"", await harness.Db.ScalarAsync<string>("SELECT raw_payload FROM quarantine WHERE source_id = $1", sourceId), StringComparison.Ordinal);
        // The quarantined mark is "student:lesson:nm"; the truth less that mark is what the store must hold.
        var parts = sourceId.Split(':');
        var (classId, date, number) = SyntheticRegion.DecodeLessonId(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        var expected = harness.Truth().Where(r => r is not MarkTruth m
            || (m.StudentSourceId, m.ClassSourceId, m.Date, m.Number) != (parts[0], classId.ToString(System.Globalization.CultureInfo.InvariantCulture), date, number));
        StoreTruth.AssertEqual(expected, await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    /// <summary>
    /// A source refusing the gateway's key, or down, before any school is read: the run fails by the failure's class and
    /// writes nothing. The adapter retries a call only through an outage, and only an outage is left for the watchdog to
    /// retry the run; a refusal of configuration waits for an operator.
    /// </summary>
    [Theory]
    [InlineData(EljurFaults.DevKeyRejected, "Ошибка настройки: ЭлЖур не принял ключ разработчика", false)]
    [InlineData(EljurFaults.Unavailable, "Источник недоступен", true)]
    public async Task Sync_SourceRefusingOrDownBeforeAnySchoolIsRead_FailsByTheFailuresClass_NothingWritten(string fault, string error, bool outage)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        const int Armed = 1000;
        harness.World.Nso.Faults.Arm(fault, Armed);

        var run = await harness.SyncAsync();

        Assert.Equal("failed", run.Status);
        Assert.StartsWith(error, run.Error, StringComparison.Ordinal);
        Assert.Equal(outage, run.FailedTransiently);
        var calls = Armed - harness.World.Nso.Faults.Armed[fault];
        Assert.True(outage ? calls > 1 : calls == 1, $"{calls} calls met the fault");
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM person"));
    }

    [Fact]
    public async Task Sync_StudentWithoutSnils_IsStoredWithSnilsMissing()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        harness.World.Nso.Faults.Arm(EljurFaults.StudentWithoutSnils, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        var stored = await StoreTruth.ReadAsync(harness.Db, harness.Adapter);
        var dropped = Assert.Single(StoreTruth.Lines(stored).Except(StoreTruth.Lines(harness.Truth())));
        Assert.Contains("\"Snils\":null", dropped, StringComparison.Ordinal);
        Assert.Contains("\"Role\":\"student\"", dropped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_DuplicateStudentAcrossClasses_KeepsTheLastListing_AndQuarantinesTheOther()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        harness.World.Nso.Faults.Arm(EljurFaults.DuplicateStudent, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE reason_code = 'student.two-classes'"));
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Fact]
    public async Task Sync_QuarantinedRecordSeenAgain_IsOneRecordCountingOccurrences()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        // One school, so both runs meet the fault on the same class (schools otherwise sync in parallel).
        harness.World.Nso.Faults.Arm(EljurFaults.DuplicateStudent, 1);
        await harness.SyncAsync(school: "1001");
        harness.World.Nso.Faults.Arm(EljurFaults.DuplicateStudent, 1);

        await harness.SyncAsync(school: "1001");

        Assert.Equal(2, await harness.Db.ScalarAsync<int>("SELECT occurrences FROM quarantine WHERE reason_code = 'student.two-classes'"));
    }
}
