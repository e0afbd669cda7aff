using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A region: its municipalities and schools, its runs, and the button that syncs it.</summary>
public sealed class RegionModel(MonitoringReader monitoring, SyncLauncher launcher, SyncRuns runs, RegionCatalog catalog, TimeProvider time) : SchoolsPage
{
    public RegionSource Region { get; private set; } = null!;

    public IReadOnlyList<SchoolStatus> Schools { get; private set; } = [];

    public Indicators Indicators { get; private set; } = null!;

    public IReadOnlyList<SyncRun> Runs { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    public string? Problem { get; private set; }


    /// <summary>A search or the lag order lists the schools in one table, not by municipality.</summary>
    public bool Flat => !string.IsNullOrWhiteSpace(Search) || ByLag;

    public async Task<IActionResult> OnGetExportAsync(string code, string? format, CancellationToken cancellationToken)
    {
        var shown = await OnGetAsync(code, cancellationToken);
        return Download(shown, format, () => new SchoolsTable(code, Schools, Now).Export($"schools-{code}"));
    }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (launcher.Visible(Access).FirstOrDefault(r => r.Code == code) is not { } region)
        {
            return catalog.Find(code) is null ? Missing("Региона") : NotHeld();
        }

        Region = region;
        Schools = SchoolsTable.Find(await monitoring.SchoolsAsync(code, cancellationToken), Search, ByLag);
        Indicators = await monitoring.IndicatorsAsync([code], [], int.MaxValue, cancellationToken);
        Runs = await runs.LatestAsync([code], null, 20, cancellationToken);
        Crumbs = Trail.Region(Access.Scope, catalog, code);
        return Page();
    }

    /// <summary>Starts a sync of the region (or of one of its schools) and shows its run.</summary>
    public async Task<IActionResult> OnPostSyncAsync(string code, Guid? school, CancellationToken cancellationToken)
    {
        var launch = await launcher.StartAsync(Access, code, school, "full", cancellationToken);
        if (launch.RunId is { } runId)
        {
            return Redirect($"/runs/{runId}");
        }

        Problem = launch.Problem;
        return await OnGetAsync(code, cancellationToken);
    }
}
