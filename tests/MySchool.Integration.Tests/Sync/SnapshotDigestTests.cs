using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// The digest a school's write is kept under: any value of the snapshot or of the write's settings changes it; the
/// run and the day, which a write that changes nothing never uses, do not; quarantine's raw payloads are never rendered.
/// </summary>
public class SnapshotDigestTests
{
    [Fact]
    public async Task ADigest_ChangesWithAnyValue_AndNotWithTheRunOrTheDay()
    {
        await using var harness = await SyncHarness.StartAsync();
        var (region, adapter) = (harness.Region, harness.CreateAdapter());
        try
        {
            var runId = await harness.Runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
            var plan = (await harness.Engine.PlanAsync(region, adapter, runId, null, SyncMode.Full, CancellationToken.None))!;
            var snapshot = await harness.Engine.ReadSchoolAsync(region, adapter, plan.Schools[0], CancellationToken.None);
            var journal = snapshot.Journal!;
            var today = new DateOnly(2023, 11, 10);
            var target = WriteTarget.For(adapter.SourceSystem, region, runId, today);
            var digest = SnapshotDigest.Of(snapshot, target);
            var student = snapshot.People.First(p => p.Snils is not null);
            var mark = journal.Marks[0];

            Assert.Equal(32, digest.Length);
            Assert.Equal(digest, SnapshotDigest.Of(snapshot, target with { RunId = runId + 1, Today = today.AddDays(1) }));
            Assert.All(new[]
            {
                SnapshotDigest.Of(snapshot, target with { SourceSystem = "другой-источник" }),
                SnapshotDigest.Of(snapshot, target with { SafetyShare = target.SafetyShare / 2 }),
                SnapshotDigest.Of(snapshot with { People = [.. snapshot.People.Select(p => p == student ? p with { Snils = null } : p)] }, target),
                SnapshotDigest.Of(snapshot with { Journal = journal with { Marks = [mark with { Weight = mark.Weight + 1 }, .. journal.Marks.Skip(1)] } }, target),
                SnapshotDigest.Of(snapshot with { Journal = journal with { To = journal.To.AddDays(1) } }, target),
                SnapshotDigest.Of(snapshot with { Complete = RosterParts.None }, target),
            }, other => Assert.NotEqual(digest, other));

            var unrendered = new RawPayload(() => throw new InvalidOperationException("a raw payload was rendered"));
            Assert.Equal(digest, SnapshotDigest.Of(snapshot with { Journal = journal with { Marks = [mark with { RawPayload = unrendered }, .. journal.Marks.Skip(1)] } }, target));
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }
    }
}
