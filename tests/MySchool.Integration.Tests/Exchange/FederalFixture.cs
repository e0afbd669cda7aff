using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>A synced region behind a gateway, with one student linked to an ESIA oid (linking itself is the ESIA job's).</summary>
public sealed class FederalFixture : IAsyncDisposable
{
    public const long StudentOid = 1_054_000_777;

    private FederalFixture(SyncHarness harness, GatewayFactory gateway, Guid studentId, Guid classId)
    {
        Harness = harness;
        Gateway = gateway;
        StudentId = studentId;
        ClassId = classId;
    }

    public SyncHarness Harness { get; }

    public GatewayFactory Gateway { get; }

    /// <summary>A student enrolled now with the most marks, absences too where the source has any.</summary>
    public Guid StudentId { get; }

    public Guid ClassId { get; }

    public static async Task<FederalFixture> StartAsync(string adapter = "nso", TimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var harness = await SyncHarness.StartAsync(adapter);
        var run = await harness.SyncAsync();
        Assert.True(run.Status == "succeeded", run.Error);
        var studentId = await harness.Db.ScalarAsync<Guid>("""
            SELECT m.student_id FROM mark m JOIN enrollment e ON e.student_id = m.student_id AND e.ends_on IS NULL
            GROUP BY m.student_id ORDER BY (SELECT count(*) FROM attendance a WHERE a.student_id = m.student_id) > 0 DESC, count(*) DESC, m.student_id LIMIT 1
            """);
        await harness.Db.ExecuteAsync("UPDATE person SET esia_oid = $1 WHERE id = $2", StudentOid, studentId);
        var classId = await harness.Db.ScalarAsync<Guid>("SELECT class_id FROM enrollment WHERE student_id = $1 AND ends_on IS NULL", studentId);
        return new FederalFixture(harness, new GatewayFactory(harness.Db.ConnectionString, settings, time), studentId, classId);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Harness.DisposeAsync();
    }
}
