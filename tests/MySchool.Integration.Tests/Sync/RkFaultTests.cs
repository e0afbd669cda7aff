using MySchool.Integration.Mocks.Rk;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>Every fault of rk-netschool.md injected into a full sync: the run still ends equal to the truth, less what it quarantined.</summary>
public class RkFaultTests
{
    [Theory]
    [InlineData(NetSchoolFaults.SessionTimeout, 1)]
    [InlineData(NetSchoolFaults.TooManyRequests, 2)]
    [InlineData(NetSchoolFaults.SecurityWarning, 1)]
    [InlineData(NetSchoolFaults.EmptyDuplicateCookie, 1)]
    [InlineData(NetSchoolFaults.Slow, 1)]
    [InlineData(NetSchoolFaults.WeekWithoutWeekDays, 1)]
    [InlineData(NetSchoolFaults.MarkAssignmentIdDiffers, 3)]
    public async Task Sync_SurvivesTheFault_AndEndsEqualToTheTruth(string fault, int calls)
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        harness.Source.Faults.Arm(fault, calls);

        var run = await harness.SyncAsync();

        Assert.False(harness.Source.Faults.IsArmed(fault), $"the fault {fault} never fired");
        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(0, run.Quarantined);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, "rk"));
    }

    [Fact]
    public async Task Sync_WrongPassword409_FailsAsConfiguration_NotRetried_NothingWritten()
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        harness.Source.Faults.Arm(NetSchoolFaults.WrongPassword, 2);

        var run = await harness.SyncAsync();

        Assert.Equal("failed", run.Status);
        Assert.Contains("HTTP 409", run.Error, StringComparison.Ordinal);
        Assert.True(harness.Source.Faults.IsArmed(NetSchoolFaults.WrongPassword), "a wrong password must not be retried");
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM person"));
    }

    [Fact]
    public async Task Sync_MarkSeven_IsQuarantinedWithItsReason_AndTheRestCommits()
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        harness.Source.Faults.Arm(NetSchoolFaults.MarkSeven, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(1, run.Quarantined);
        var sourceId = await harness.Db.ScalarAsync<string>("SELECT source_id FROM quarantine WHERE kind = 'mark' AND reason_code = 'mark.out-of-scale'");
        // "student:assignment"; an assignment id is its lesson's id with a 1 appended.
        var (student, assignment) = (sourceId.Split(':')[0], long.Parse(sourceId.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var (classId, date, number) = MySchool.Integration.Mocks.Synthetic.SyntheticRegion.DecodeLessonId(assignment / 10);
        var expected = harness.Truth().Where(r => r is not MySchool.Integration.Mocks.Synthetic.MarkTruth m
            || (m.StudentSourceId, m.ClassSourceId, m.Date, m.Number) != (student, classId.ToString(System.Globalization.CultureInfo.InvariantCulture), date, number));
        StoreTruth.AssertEqual(expected, await StoreTruth.ReadAsync(harness.Db, "rk"));
    }

    [Fact]
    public async Task Sync_LessonOnNovember31_IsQuarantined_AndTheRestCommits()
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        harness.Source.Faults.Arm(NetSchoolFaults.LessonOnNovember31, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE kind = 'lesson' AND reason_code = 'lesson.date'"));
        // The lesson itself is known from the other students' diaries; only this diary's view of it is refused.
        var missing = StoreTruth.Lines(harness.Truth()).Except(StoreTruth.Lines(await StoreTruth.ReadAsync(harness.Db, "rk"))).ToList();
        Assert.True(missing.Count <= 1 && missing.All(line => line.Contains("\"Kind\":\"mark\"", StringComparison.Ordinal)), string.Join('\n', missing));
    }

    [Fact]
    public async Task Sync_LessonWithoutAssignments_IsALessonWithoutMarks()
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        harness.Source.Faults.Arm(NetSchoolFaults.LessonWithoutAssignments, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        // The source did not deliver that one student's work on that lesson: at most that mark is absent.
        var missing = StoreTruth.Lines(harness.Truth()).Except(StoreTruth.Lines(await StoreTruth.ReadAsync(harness.Db, "rk"))).ToList();
        Assert.True(missing.Count <= 1 && missing.All(line => line.Contains("\"Kind\":\"mark\"", StringComparison.Ordinal)), string.Join('\n', missing));
    }

    [Fact]
    public async Task Sync_StudentMovedBetweenSyncs_IsATransfer()
    {
        await using var harness = await SyncHarness.StartAsync("rk");
        await harness.SyncAsync();
        harness.Source.Faults.Arm(NetSchoolFaults.StudentMoved, 1);

        var run = await harness.SyncAsync();

        Assert.Equal("succeeded", run.Status);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, "rk"));
        Assert.Equal(1L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NOT NULL"));
    }

    [Fact]
    public async Task Sync_ReadsEachAssignmentsWeightOnce_NotOncePerStudent()
    {
        await using var harness = await SyncHarness.StartAsync("rk");

        await harness.SyncAsync();

        Assert.NotEmpty(harness.World.RkApi.AssignmentReads);
        Assert.All(harness.World.RkApi.AssignmentReads, read => Assert.Equal(1, read.Value));
    }

    [Fact]
    public async Task Sync_LogsOutWhenDone()
    {
        await using var harness = await SyncHarness.StartAsync("rk");

        await harness.SyncAsync();

        Assert.Equal(0, harness.World.RkApi.LoggedInSessions);
    }

    [Fact]
    public async Task Sync_KomiNames_RoundTripByteExactly()
    {
        await using var harness = await SyncHarness.StartAsync("rk");

        await harness.SyncAsync();

        var komi = harness.SourceRegion.Students.First(s => s.Name.LastName.Contains('ӧ', StringComparison.Ordinal) || s.Name.FirstName.Contains('Ӧ', StringComparison.Ordinal));
        var stored = await harness.Db.ScalarAsync<string>(
            "SELECT p.last_name || '|' || p.first_name FROM person p JOIN identity_map m ON m.federal_id = p.id WHERE m.source_system = 'rk' AND m.kind = 'student' AND m.source_id = $1",
            komi.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes($"{komi.Name.LastName}|{komi.Name.FirstName}"), System.Text.Encoding.UTF8.GetBytes(stored));
    }
}
