using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;
using MySchool.Integration.Scheduler;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>One run, live while it goes (the page polls the sync API), and the decision on held deletions.</summary>
public sealed class RunModel(SyncLauncher launcher, SyncRuns runs, AuditLog audit, RegionCatalog catalog, TimeProvider time, RunWatchdogOptions watchdog) : OperatorPage
{
    /// <summary>What the watchdog does with a run that failed on an outage, in the operator's words.</summary>
    public string OutagePolicy => watchdog.Retries == 0
        ? "автоматические повторы выключены, повторите вручную"
        : $"сторож повторяет такой запуск сам, до {watchdog.Retries} раз, первый раз через {watchdog.RetryPause.TotalMinutes:0} мин после сбоя";

    public SyncRun Run { get; private set; } = null!;

    /// <summary>The run's region, whose code scopes its schools' quarantine (<c>54/1001</c>).</summary>
    public string Region => Run.Scope.Split('/')[0];

    /// <summary>The schools the run has finished, failures first.</summary>
    public IReadOnlyList<RunSchool> Schools { get; private set; } = [];

    /// <summary>The students a held run would take out of their classes.</summary>
    public IReadOnlyList<HeldPerson> HeldPeople { get; private set; } = [];

    /// <summary>A read of the region's own source (<see cref="RegionCatalog.CanReadAgainAsync"/>): its failed schools can be read again.</summary>
    public bool Retryable { get; private set; }

    /// <summary>A retryable run that failed on an outage: the watchdog retries such runs.</summary>
    public bool FailedOnOutage => Retryable && Run is { Status: "failed", FailedTransiently: true };

    /// <summary>The runs that retried this one.</summary>
    public IReadOnlyList<long> Retries { get; private set; } = [];

    /// <summary>Why a retry was refused (a run of the scope still going, naming it).</summary>
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        if (await launcher.FindAsync(Access, id, cancellationToken) is not { } run)
        {
            return await runs.FindAsync(id, cancellationToken) is null ? Missing("Запуска") : NotHeld();
        }

        Run = run;
        Schools = await runs.SchoolsAsync(id, cancellationToken);
        Retries = await runs.RetriesAsync(id, cancellationToken);
        Retryable = Enum.TryParse<SyncMode>(run.Mode, ignoreCase: true, out var mode) && await catalog.CanReadAgainAsync(run.Scope, run.SourceSystem, mode);
        HeldPeople = run.Status == "held" ? await runs.HeldPeopleAsync(run, cancellationToken) : [];
        Crumbs = [.. Trail.Region(Access.Scope, catalog, Region), new($"Запуск № {id}", null)];
        return Page();
    }

    /// <summary>The run's schools as the table shows them, in CSV or XLSX.</summary>
    public async Task<IActionResult> OnGetExportAsync(long id, string? format, CancellationToken cancellationToken)
    {
        if (await launcher.FindAsync(Access, id, cancellationToken) is null)
        {
            return await runs.FindAsync(id, cancellationToken) is null ? Missing("Запуска") : NotHeld();
        }

        if (!ListExport.IsFormat(format))
        {
            return UnknownFormat();
        }

        return new ListExport($"run-{id}-schools", ["Школа", "Школа в источнике", "Итог", "Прочитано", "Записано", "В карантин", "Время", "Ошибка"],
            [.. (await runs.SchoolsAsync(id, cancellationToken)).Select(s => new object?[]
            {
                s.Name is null ? null : SchoolName(s.Name), s.SourceId, s.Succeeded ? "успешно" : "ошибка", s.Read, s.Written, s.Quarantined, Took(s.StartedAt, s.FinishedAt), s.Error,
            })]).ToFile(format!);
    }

    /// <summary>Queue again the schools that did not succeed (audited), and show the new run.</summary>
    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken)
    {
        var launch = await launcher.RetryAsync(Access, id, cancellationToken);
        if (launch.RunId is { } retry)
        {
            return Redirect($"/runs/{retry}");
        }

        Problem = launch.Problem;
        return await OnGetAsync(id, cancellationToken);
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
