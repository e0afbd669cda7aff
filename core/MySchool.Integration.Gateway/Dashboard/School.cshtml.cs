using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A school: its classes with their students, its runs, and the button that syncs it alone.</summary>
public sealed class SchoolModel(MonitoringReader monitoring, SyncLauncher launcher, SyncRuns runs, TimeProvider time) : OperatorPage
{
    public string Region { get; private set; } = "";

    public SchoolStatus School { get; private set; } = null!;

    public IReadOnlyList<ClassCount> Classes { get; private set; } = [];

    public IReadOnlyList<SyncRun> Runs { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await monitoring.SchoolAsync(id, cancellationToken) is not { } found || !Access.Holds(found.Region))
        {
            return NotHeld();
        }

        (Region, School) = found;
        Classes = await monitoring.ClassesAsync(id, cancellationToken);
        Runs = School.SourceId is null ? [] : await runs.LatestAsync([Region], $"{Region}/{School.SourceId}", 20, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSyncAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await monitoring.SchoolAsync(id, cancellationToken) is not { } found)
        {
            return NotHeld();
        }

        var launch = await launcher.StartAsync(Access, found.Region, id, "full", cancellationToken);
        if (launch.RunId is { } runId)
        {
            return Redirect($"/runs/{runId}");
        }

        Problem = launch.Problem;
        return await OnGetAsync(id, cancellationToken);
    }
}
