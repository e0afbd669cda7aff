using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// Transient database failures while a school is written (a serialization race, a server going away) are retried,
/// a bounded number of times; a school that still fails is recorded with a coded Russian reason.
/// </summary>
public class StoreFaultTests
{
    [Fact]
    public async Task ATransientFailureWhileWritingASchool_IsRetried_AndTheRunSucceeds()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await FailSchoolWritesAsync(harness, times: 2);

        var run = await harness.SyncAsync();

        Assert.True(run.Status == "succeeded", run.Error);
        StoreTruth.AssertEqual(harness.Truth(), await StoreTruth.ReadAsync(harness.Db, harness.Adapter));
    }

    [Fact]
    public async Task AFailureThatDoesNotPass_FailsTheSchoolAfterTheRetries_WithACodedReason()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await FailSchoolWritesAsync(harness, times: 1_000);

        var run = await harness.SyncAsync(school: "1001");

        Assert.Equal("failed", run.Status);
        Assert.Contains("код 40001", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("injected", run.Error, StringComparison.Ordinal);
        // One try and three retries, each rolled back whole.
        Assert.Equal(4L, await harness.Db.ScalarAsync<long>("SELECT last_value FROM injected_fault"));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    /// <summary>The first <paramref name="times"/> writes of a school fail with a serialization failure (a sequence counts them: it survives the rollback).</summary>
    private static Task FailSchoolWritesAsync(SyncHarness harness, int times) => harness.Db.ExecuteAsync($"""
        CREATE SEQUENCE injected_fault;
        CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF nextval('injected_fault') <= {times} THEN RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER injected_fault BEFORE INSERT ON school FOR EACH ROW EXECUTE FUNCTION injected_fault();
        """);
}
