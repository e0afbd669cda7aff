using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Resilience;

/// <summary>
/// A 10-school NSO region whose first answers are slow: a sync long enough that a fault can come while schools are
/// still being read.
/// </summary>
public static class SlowRegion
{
    public static async Task<SyncHarness> StartAsync(PostgresCluster? cluster = null)
    {
        var harness = await SyncHarness.StartAsync("nso", spec => spec with { SchoolsPerMunicipality = 10 }, cluster);
        harness.World.Nso.Faults.Arm(EljurFaults.Slow, 8);
        return harness;
    }

    /// <summary>
    /// The region as the gateway's configuration, a slow answer waited for rather than retried; a dead process's jobs
    /// are taken up after 10 s instead of 30 (live ones keep theirs: the timeout slides while they run).
    /// </summary>
    public static Dictionary<string, string> Settings(SyncHarness harness)
    {
        var settings = SyncApiTests.RegionSettings(harness);
        settings["Regions:54:Settings:AttemptTimeoutSeconds"] = "10";
        settings["Scheduler:InvisibilitySeconds"] = "10";
        return settings;
    }
}
