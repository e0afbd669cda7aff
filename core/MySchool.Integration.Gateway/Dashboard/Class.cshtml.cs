using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A class of a school (003 §II): its students, each with their e-diary extract, and who teaches it what.</summary>
public sealed class ClassModel(MonitoringReader monitoring, Appointments appointments, RegionCatalog catalog) : OperatorPage
{
    public Guid SchoolId { get; private set; }

    public ClassRoster Roster { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, Guid classId, CancellationToken cancellationToken)
    {
        if (await appointments.SchoolPlaceAsync(id, cancellationToken) is not { } place || await monitoring.ClassRosterAsync(id, classId, cancellationToken) is not { } roster)
        {
            return Missing("Класса");
        }

        if (!Access.Scope.CoversSchool(place.Region, place.Municipality, id))
        {
            return NotHeld();
        }

        (SchoolId, Roster) = (id, roster);
        if (await monitoring.SchoolAsync(id, cancellationToken) is var (region, school))
        {
            Crumbs = [.. Trail.School(Access.Scope, catalog, region, school.MunicipalityId, school.Municipality, id, school.Name), new($"{roster.Grade} «{roster.Letter}»", null)];
        }

        return Page();
    }

    /// <summary>The class's students as the table shows them, in CSV or XLSX.</summary>
    public async Task<IActionResult> OnGetExportAsync(Guid id, Guid classId, string? format, CancellationToken cancellationToken) =>
        Download(await OnGetAsync(id, classId, cancellationToken), format, () => new ListExport($"class-{Roster.Grade}-{Roster.Letter}", ["Ученик", "Дата рождения"],
            [.. Roster.Students.Select(s => new object?[] { s.Name, BirthDate(s.BirthDate) })]));

    public static string? BirthDate(DateOnly? date) => date?.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
