using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A school: its classes with their students, its runs, and the button that syncs it alone.</summary>
public sealed class SchoolModel(MonitoringReader monitoring, SchoolProfileReader profiles, SyncLauncher launcher, SyncRuns runs, SchoolOwnership ownership, RegionCatalog regions, Appointments appointments, TimeProvider time)
    : OperatorPage
{
    /// <summary>Who holds the school now (region, writing source): shown to federal operators, who may change it.</summary>
    public SchoolHolder? Holder { get; private set; }

    public IEnumerable<RegionSource> Regions => regions.Regions.OrderBy(r => r.Code, StringComparer.Ordinal);

    public string Region { get; private set; } = "";

    public SchoolStatus School { get; private set; } = null!;

    public Indicators Indicators { get; private set; } = null!;

    public IReadOnlyList<ClassCount> Classes { get; private set; } = [];

    public IReadOnlyList<SyncRun> Runs { get; private set; } = [];

    /// <summary>The school's last 14 days: rows written and failed runs.</summary>
    public IReadOnlyList<DayVolume> Volume { get; private set; } = [];

    public SchoolProfile Profile { get; private set; } = new([], [], [], []);

    public DateTimeOffset Now => time.GetUtcNow();

    public string? Problem { get; private set; }

    /// <summary>Whether the viewer may appoint this school's administrators (its region's or its municipality's coordinators).</summary>
    public bool MayAppoint { get; private set; }

    /// <summary>The school's classes, groups or events as the page shows them, in CSV or XLSX.</summary>
    public async Task<IActionResult> OnGetExportAsync(Guid id, string? list, string? format, CancellationToken cancellationToken)
    {
        var shown = await OnGetAsync(id, cancellationToken);
        return list switch
        {
            "classes" => Download(shown, format, () => new ListExport("classes", ["Класс", "Учебный год", "Обучающихся"],
                [.. Classes.Select(c => new object?[] { $"{c.Grade} «{c.Letter}»", c.Year, c.Students })])),
            "groups" => Download(shown, format, () => new ListExport("groups", ["Класс", "Группа", "Вид", "Предмет", "Учеников"],
                [.. Profile.Groups.Select(g => new object?[] { g.ClassName, g.Name, GroupKind(g.Kind), g.Subject ?? "—", g.Members })])),
            "events" => Download(shown, format, () => new ListExport("events", ["Когда", "Вид", "Класс", "Событие"],
                [.. Profile.Events.Select(e => new object?[] { When(e.StartsAt), EventKind(e.Kind), e.ClassName ?? "вся школа", e.Title })])),
            _ => shown is PageResult ? Missing("Списка") : shown,
        };
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await monitoring.SchoolAsync(id, cancellationToken) is not { } found)
        {
            return Missing("Школы");
        }

        // Through the region, the municipality (a municipal coordinator) or the school itself (its administrator).
        if (await appointments.SchoolPlaceAsync(id, cancellationToken) is not { } place || !Access.Scope.CoversSchool(place.Region, place.Municipality, id))
        {
            return NotHeld();
        }

        (Region, School) = found;
        MayAppoint = Access.Scope.CoversMunicipality(place.Region, place.Municipality);
        Classes = await monitoring.ClassesAsync(id, cancellationToken);
        Indicators = await monitoring.IndicatorsAsync([], [id], int.MaxValue, cancellationToken);
        Profile = await profiles.ReadAsync(id, cancellationToken);
        Volume = await monitoring.SchoolVolumeAsync(id, 14, cancellationToken);
        Runs = School.SourceId is null ? [] : await runs.LatestAsync([Region], $"{Region}/{School.SourceId}", 20, cancellationToken);
        Holder = Access.Holds("*") ? await ownership.FindAsync(id, cancellationToken) : null;
        Crumbs = Trail.School(Access.Scope, regions, Region, School.MunicipalityId, School.Municipality, id, School.Name);
        return Page();
    }

    /// <summary>A federal operator moves the school to another region and/or assigns its source (audited).</summary>
    public async Task<IActionResult> OnPostOwnershipAsync(Guid id, string? regionCode, string? sourceSystem, CancellationToken cancellationToken)
    {
        var problem = await SchoolOwnershipApi.AssignAsync(Access, id, new(regionCode, sourceSystem), ownership, regions, cancellationToken);
        if (problem is { Status: StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound })
        {
            return NotHeld();
        }

        Problem = problem?.Detail;
        return problem is null ? Redirect($"/schools/{id}") : await OnGetAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostSyncAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await monitoring.SchoolAsync(id, cancellationToken) is not { } found)
        {
            return NotHeld();
        }

        var launch = await launcher.StartAsync(Access, found.Region, id, "full", cancellationToken);
        if (launch.RunId is { } runId)
        {
            return Redirect($"/runs/{runId}");
        }

        Problem = launch.Problem;
        return await OnGetAsync(id, cancellationToken);
    }
}
