using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>Full syncs of a generated NSO region over HTTP into real PostgreSQL, checked against the ground truth.</summary>
public class NsoSyncTests
{
    [Fact]
    public async Task FullSync_LeavesTheStoreEqualToTheGroundTruth()
    {
        await using var harness = await SyncHarness.StartAsync();

        var run = await harness.SyncNsoAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        Assert.Equal(0, run.Quarantined);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, "nso"));
    }

    [Fact]
    public async Task FullSync_Repeated_WritesNothing()
    {
        await using var harness = await SyncHarness.StartAsync();
        var first = await harness.SyncNsoAsync();
        var version = await HighestChangeVersionAsync(harness);

        var second = await harness.SyncNsoAsync();

        Assert.True(first.Inserted > 0);
        Assert.Equal((0L, 0L, 0L), (second.Inserted, second.Updated, second.Deleted));
        Assert.Equal(version, await HighestChangeVersionAsync(harness));
        Assert.Equal(first.Read, second.Read);
    }

    /// <summary>
    /// The federal change feed's high-water mark. (The sequence itself may advance on a no-op upsert, since
    /// PostgreSQL stamps a proposed row before it finds the conflict; no row keeps such a version.)
    /// </summary>
    private static Task<long> HighestChangeVersionAsync(SyncHarness harness) => harness.Db.ScalarAsync<long>("""
        SELECT max(v) FROM (
            SELECT max(change_version) FROM person UNION ALL SELECT max(change_version) FROM enrollment
            UNION ALL SELECT max(change_version) FROM guardianship UNION ALL SELECT max(change_version) FROM staff
            UNION ALL SELECT max(change_version) FROM class UNION ALL SELECT max(change_version) FROM school
            UNION ALL SELECT max(change_version) FROM lesson UNION ALL SELECT max(change_version) FROM homework
            UNION ALL SELECT max(change_version) FROM mark UNION ALL SELECT max(change_version) FROM attendance
            UNION ALL SELECT max(change_version) FROM tombstone) AS versions(v)
        """);
}
