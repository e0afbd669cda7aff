using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// A municipality (002: what a municipal coordinator controls): its schools, how far behind each is, and the
/// indicators over them. Open to its region's coordinators and to its own.
/// </summary>
public sealed class MunicipalityModel(MonitoringReader monitoring, RegionCatalog catalog, TimeProvider time) : SchoolsPage
{
    public MunicipalityInfo Municipality { get; private set; } = null!;

    public IReadOnlyList<SchoolStatus> Schools { get; private set; } = [];

    public Indicators Indicators { get; private set; } = null!;

    public DateTimeOffset Now => time.GetUtcNow();


    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, CancellationToken cancellationToken)
    {
        var shown = await OnGetAsync(id, cancellationToken);
        return Download(shown, format, () => new SchoolsTable(Municipality.Region, Schools, Now).Export($"schools-{Municipality.Oktmo}"));
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
