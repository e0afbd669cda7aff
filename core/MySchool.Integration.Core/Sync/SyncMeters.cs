using System.Diagnostics.Metrics;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// The engine's own counters, in System.Diagnostics.Metrics (the host exports them at /metrics). What the store can
/// answer (runs by status, the oldest running run, schools behind) is read from it at scrape time instead.
/// </summary>
public static class SyncMeters
{
    private static readonly Meter Meter = new("MySchool.Integration.Sync");

    /// <summary>Retries of a school's work, by <c>kind</c> (exported as <c>myschool_integration_sync_school_retries</c>): a source read (<c>source</c>) or a write to the store (<c>store</c>).</summary>
    public static readonly Counter<long> SchoolRetries = Meter.CreateCounter<long>("school_retries", description: "Retries of a school's source reads and store writes");

    public static ValueTask CountRetry(string kind)
    {
        SchoolRetries.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return ValueTask.CompletedTask;
    }
}
