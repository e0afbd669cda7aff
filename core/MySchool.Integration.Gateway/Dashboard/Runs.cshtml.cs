using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// The run history within the viewer's scope: filtered by scope, status, mode and days, fifty to a page, and
/// downloadable whole (as filtered) in CSV or XLSX. Below the region a viewer sees their schools' own runs.
/// </summary>
public sealed class RunsModel(SyncLauncher launcher, SyncRuns runs) : ListPage
{
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(Name = "status", SupportsGet = true)]
    public string? StatusFilter { get; set; }

    [BindProperty(Name = "mode", SupportsGet = true)]
    public string? ModeFilter { get; set; }

    public IReadOnlyList<SyncRun> Runs { get; private set; } = [];

    public IReadOnlyList<RegionSource> Regions { get; private set; } = [];

    public static IEnumerable<string> Modes => ["full", "incremental", "push", "reconcile"];

    public override (string One, string Few, string Many) RowNoun => ("запуск", "запуска", "запусков");

    protected override string Path => "/runs";

    protected override IEnumerable<(string Name, string? Value)> Filters => [("scope", Scope), ("status", StatusFilter), ("mode", ModeFilter)];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        (Runs, Total) = await runs.SearchAsync(await FilterAsync(cancellationToken), Offset, PageSize, cancellationToken);
        Crumbs = [new("Обзор", "/"), new("История запусков", null)];
    }

    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellationToken)
    {
        if (!ListExport.IsFormat(format))
        {
            return UnknownFormat();
        }

        var (found, _) = await runs.SearchAsync(await FilterAsync(cancellationToken), 0, ExportLimit, cancellationToken);
        return new ListExport("runs", ["Запуск", "Охват", "Режим", "Статус", "Начат", "Закончен", "Прочитано", "Записано", "В карантин", "Ошибка"],
            [.. found.Select(run => new object?[]
            {
                run.Id, run.Scope, OperatorPage.Mode(run.Mode), OperatorPage.Status(run.Status), OperatorPage.When(run.StartedAt), OperatorPage.When(run.FinishedAt),
                run.Read, run.Inserted + run.Updated + run.Deleted, run.Quarantined, run.Error,
            })]).ToFile(format!);
    }

    private Task<RunFilter> FilterAsync(CancellationToken cancellationToken)
    {
        Regions = launcher.Visible(Access);
        return launcher.RunFilterAsync(Access, Scope, StatusFilter, ModeFilter, From, To, cancellationToken);
    }
}
