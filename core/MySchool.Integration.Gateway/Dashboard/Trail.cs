using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>One step of the breadcrumbs; without an address when the viewer may not open it (or it is this page).</summary>
public sealed record Crumb(string Text, string? Href);

/// <summary>
/// Breadcrumbs region → municipality → school → class. A step links only where the viewer's scope reaches: a school
/// administrator sees their school's region and municipality named, not linked to pages that would refuse them.
/// </summary>
public static class Trail
{
    public static List<Crumb> Region(OperatorScope scope, RegionCatalog catalog, string code) =>
        [new("Обзор", "/"), new(catalog.Find(code) is { } region ? $"{code} · {region.Name}" : code, scope.CoversRegion(code) ? $"/regions/{code}" : null)];

    public static List<Crumb> Municipality(OperatorScope scope, RegionCatalog catalog, string region, Guid id, string name) =>
        [.. Region(scope, catalog, region), new(name, scope.CoversMunicipality(region, id) ? $"/municipalities/{id}" : null)];

    public static List<Crumb> School(OperatorScope scope, RegionCatalog catalog, string region, Guid municipality, string municipalityName, Guid id, string name) =>
        [.. Municipality(scope, catalog, region, municipality, municipalityName), new(OperatorPage.SchoolName(name), $"/schools/{id}")];
}
