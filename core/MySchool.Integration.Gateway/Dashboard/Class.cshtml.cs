using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A class of a school (003 §II): its students, each with their e-diary extract, and who teaches it what.</summary>
public sealed class ClassModel(MonitoringReader monitoring, Appointments appointments) : OperatorPage
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
        return Page();
    }
}
