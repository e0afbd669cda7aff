using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;

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
        Schools = await monitoring.SchoolsOfMunicipalityAsync(id, cancellationToken);
        Indicators = await monitoring.IndicatorsAsync([], [.. Schools.Select(s => s.Id)], int.MaxValue, cancellationToken);
        Crumbs = Trail.Municipality(Access.Scope, catalog, municipality.Region, id, municipality.Name);
        return Page();
    }
}
