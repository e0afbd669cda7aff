using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// Records refused by the rules within the viewer's scope: filtered by region or school, reason and kind chosen from
/// lists in Russian; one opened with its raw record (SNILS masked); marked resolved in bulk once the source is fixed;
/// downloadable as filtered.
/// </summary>
public sealed class QuarantineModel(MonitoringReader monitoring, QuarantineReview review, SyncLauncher launcher) : OperatorPage
{
    public IReadOnlyList<QuarantineEntry> Entries { get; private set; } = [];

    public QuarantineEntry? Opened { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>The scopes the filter offers: the viewer's regions, then their own schools (<c>54/1001</c>).</summary>
    public IReadOnlyList<(string Value, string Text)> Scopes { get; private set; } = [];

    public IReadOnlyList<QuarantineReason> Reasons { get; private set; } = [];

    /// <summary>How many records the last bulk action marked resolved.</summary>
    [TempData]
    public int? Resolved { get; set; }

    public static string ReasonText(QuarantineReason reason) =>
        $"{OperatorPage.RecordKind(reason.Kind)}: {(reason.Example.Length > 70 ? reason.Example[..70] + "…" : reason.Example)} ({OperatorPage.Number(reason.Count)})";

    public async Task OnGetAsync(long? id, CancellationToken cancellationToken)
    {
        var (regions, schools) = await launcher.VisibleScopeAsync(Access, cancellationToken);
        Entries = await monitoring.QuarantineAsync(regions, schools, Scope, Reason, null, cancellationToken, Kind);
        Opened = id is null ? null : (await monitoring.QuarantineAsync(regions, schools, null, null, id, cancellationToken)).FirstOrDefault();
        Reasons = await review.ReasonsAsync(regions, schools, cancellationToken);
        var ownSchools = schools.Count == 0 ? [] : await monitoring.SchoolScopesAsync(schools, cancellationToken);
        Scopes = [.. launcher.Visible(Access).Select(r => (r.Code, $"{r.Code} · {r.Name}")), .. ownSchools.Select(s => (s, $"школа {s}"))];
        // A school of a region the viewer holds, as a run's page links to it, stays chosen in the list.
        if (Scope is { } chosen && chosen.Contains('/', StringComparison.Ordinal) && Scopes.All(s => s.Value != chosen) && regions.Contains(chosen.Split('/')[0]))
        {
            Scopes = [.. Scopes, (chosen, $"школа {chosen}")];
        }
    }

    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellationToken)
    {
        if (!ListExport.IsFormat(format))
        {
            return UnknownFormat();
        }

        var (regions, schools) = await launcher.VisibleScopeAsync(Access, cancellationToken);
        var entries = await monitoring.QuarantineAsync(regions, schools, Scope, Reason, null, cancellationToken, Kind, ListPage.ExportLimit);
        return new ListExport("quarantine", ["№", "Охват", "Источник", "Вид", "Запись", "Код причины", "Причина", "Впервые", "Последний раз", "Раз"],
            [.. entries.Select(e => new object?[]
            {
                e.Id, e.Scope, Source(e.SourceSystem), RecordKind(e.Kind), e.SourceId, e.ReasonCode, e.Reason, When(e.FirstSeen), When(e.LastSeen), e.Occurrences,
            })]).ToFile(format!);
    }

    /// <summary>Marks the chosen records resolved (audited), then shows the same filters again.</summary>
    public async Task<IActionResult> OnPostResolveAsync(long[] ids, CancellationToken cancellationToken)
    {
        var (regions, schools) = await launcher.VisibleScopeAsync(Access, cancellationToken);
        Resolved = await review.ResolveAsync(Access.ClientId, regions, schools, ids, cancellationToken);
        return Redirect("/quarantine" + QueryString.Create(new Dictionary<string, string?> { ["scope"] = Scope, ["reason"] = Reason, ["kind"] = Kind }
            .Where(pair => !string.IsNullOrWhiteSpace(pair.Value))).ToUriComponent());
    }
}
