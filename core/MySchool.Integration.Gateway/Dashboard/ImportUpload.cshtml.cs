using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Exports;
using MySchool.Integration.Gateway.FileImports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// An uploaded file: what its check found, row by row («Проверить»), the button that applies it («Применить»), and
/// the report (the file's rows with the outcome beside each) to download, fix and upload again.
/// </summary>
public sealed class ImportUploadModel(ImportUploads uploads, FileImport import, ImportRunner runner, RegionCatalog regions, SyncRuns runs) : OperatorPage
{
    /// <summary>The file's last run as it stands now: held when the safety brake stopped its endings.</summary>
    public SyncRun? Run { get; private set; }

    /// <summary>The run applying the file, once «Применить» was pressed.</summary>
    public SyncRun? ApplyRun { get; private set; }

    public ImportUpload Upload { get; private set; } = null!;

    public ImportTemplate Template { get; private set; } = null!;

    public ImportOutcome Outcome { get; private set; } = null!;

    public IEnumerable<RowProblem> Problems => Outcome.Refused.Concat(Outcome.Schools.SelectMany(s => s.Refused)).OrderBy(p => p.Row);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await uploads.FindAsync(id, cancellationToken) is not { } upload || ImportTemplate.Find(upload.Template) is not { } template)
        {
            return Missing("Загруженного файла");
        }

        // The uploader, or whoever holds the region: a file of people is not for other operators.
        if (upload.UploadedBy != Access.ClientId && !Access.Holds(upload.RegionCode))
        {
            return NotHeld();
        }

        (Upload, Template) = (upload, template);
        Outcome = JsonSerializer.Deserialize<ImportOutcome>(upload.Outcome!, JsonSerializerOptions.Web)!;
        Run = await runs.FindAsync(Outcome.RunId, cancellationToken);
        ApplyRun = upload.ApplyRunId is { } applyRun ? await runs.FindAsync(applyRun, cancellationToken) : null;
        return Page();
    }

    /// <summary>
    /// «Применить»: the kept file is handed to the background (<see cref="ImportRunner"/>) under a run queued now, and
    /// the run's page shows it moving; the upload records what was written when the run ends. A file being applied
    /// is not applied twice at once.
    /// </summary>
    public async Task<IActionResult> OnPostApplyAsync(Guid id, CancellationToken cancellationToken)
    {
        var shown = await OnGetAsync(id, cancellationToken);
        if (shown is not PageResult || Upload.AppliedAt is not null || regions.Find(Upload.RegionCode) is not { } region)
        {
            return shown is PageResult ? Redirect($"/imports/{id}") : shown;
        }

        if (Applying)
        {
            return Redirect(SeesRuns ? $"/runs/{Upload.ApplyRunId}" : $"/imports/{id}");
        }

        // The applier's own scope decides again which rows are theirs: the uploader's, or the region coordinator's.
        var (access, template, content, complete) = (Access, Template, Upload.Content, Upload.CompleteRoster);
        if (!await import.MayLoadAsync(access, region, template, cancellationToken))
        {
            return NotHeld();
        }

        var runId = await import.QueueApplicationAsync(region, cancellationToken);
        await uploads.ApplyingAsync(id, runId, cancellationToken);
        runner.Enqueue(runId, async stopping =>
        {
            var outcome = await import.RunAsync(access, region, template, new MemoryStream(content), apply: true, complete, stopping, queued: runId);
            await uploads.RecordAsync(id, JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web), applied: true, CancellationToken.None);
        });
        return Redirect(SeesRuns ? $"/runs/{runId}" : $"/imports/{id}");
    }

    /// <summary>
    /// A file's run is one of the region (its scope is the region), so its page is the region's coordinators': a
    /// municipal coordinator or a school administrator follows the file on this page instead.
    /// </summary>
    public bool SeesRuns => Access.Holds(Upload.RegionCode);

    /// <summary>A run named as a link for those who may open it, as text for the others.</summary>
    public IHtmlContent RunLink(long runId, string text)
    {
        var encoded = HtmlEncoder.Default.Encode($"{text} № {runId}");
        return new HtmlString(SeesRuns ? $"<a href=\"/runs/{runId}\">{encoded}</a>" : encoded);
    }

    /// <summary>The file is being applied now: its run has not failed, and the upload has not recorded its outcome yet.</summary>
    public bool Applying => Upload.AppliedAt is null && ApplyRun is { Status: not ("failed" or "cancelled") };

    /// <summary>The file's rows with the outcome beside each, as XLSX.</summary>
    public async Task<IActionResult> OnGetReportAsync(Guid id, CancellationToken cancellationToken) =>
        Download(await OnGetAsync(id, cancellationToken), ListExport.Xlsx, () => ImportReport.For(Template, new MemoryStream(Upload.Content), Outcome, import.MaxBytes));
}
