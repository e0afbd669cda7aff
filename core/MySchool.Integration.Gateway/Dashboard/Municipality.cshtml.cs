using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// A municipality (002: what a municipal coordinator controls): its schools, how far behind each is, and the
/// indicators over them. Open to its region's coordinators and to its own.
/// </summary>
public sealed class MunicipalityModel(MonitoringReader monitoring, RegionCatalog catalog, TimeProvider time) : OperatorPage
{
    public MunicipalityInfo Municipality { get; private set; } = null!;

    public IReadOnlyList<SchoolStatus> Schools { get; private set; } = [];

    public Indicators Indicators { get; private set; } = null!;

    public DateTimeOffset Now => time.GetUtcNow();

    [BindProperty(Name = "q", SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(Name = "sort", SupportsGet = true)]
    public string? Sort { get; set; }

    public bool ByLag => Sort == "lag";

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, CancellationToken cancellationToken)
    {
        var page = await OnGetAsync(id, cancellationToken);
        return page is not PageResult ? page
            : ListExport.IsFormat(format) ? new SchoolsTable(Municipality.Region, Schools, Now).Export($"schools-{Municipality.Oktmo}").ToFile(format!) : UnknownFormat();
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await monitoring.MunicipalityAsync(id, cancellationToken) is not { } municipality)
        {
            return Missing("Муниципалитета");
        }

        if (!Access.Scope.CoversMunicipality(municipality.Region, id))
        {
            return NotHeld();
        }

        Municipality = municipality;
        var schools = await monitoring.SchoolsOfMunicipalityAsync(id, cancellationToken);
        Indicators = await monitoring.IndicatorsAsync([], [.. schools.Select(s => s.Id)], int.MaxValue, cancellationToken);
        Schools = SchoolsTable.Find(schools, Search, ByLag);
        Crumbs = Trail.Municipality(Access.Scope, catalog, municipality.Region, id, municipality.Name);
        return Page();
    }
}
