using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>One run, live while it goes (the page polls the sync API), and the decision on held deletions.</summary>
public sealed class RunModel(SyncLauncher launcher, SyncRuns runs, AuditLog audit, TimeProvider time) : OperatorPage
{
    public SyncRun Run { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        if (await launcher.FindAsync(Access, id, cancellationToken) is not { } run)
        {
            return NotHeld();
        }

        Run = run;
        return Page();
    }

    /// <summary>Cancel a queued or running run (audited): its schools not started are not started.</summary>
    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken) =>
        await launcher.CancelAsync(Access, id, cancellationToken) is { Status: StatusCodes.Status404NotFound } ? NotHeld() : Redirect($"/runs/{id}");

    /// <summary>Approve or reject the mass deletion a run held back; audited either way.</summary>
    public async Task<IActionResult> OnPostDecideAsync(long id, bool approve, CancellationToken cancellationToken)
    {
        if (await launcher.FindAsync(Access, id, cancellationToken) is not { } run)
        {
            return NotHeld();
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (await runs.ResolveHeldAsync(id, approve, today, cancellationToken))
        {
            await audit.RecordAsync(Access.ClientId, approve ? "held.approve" : "held.reject", run.Scope, new { runId = id }, cancellationToken);
        }

        return Redirect($"/runs/{id}");
    }
}
