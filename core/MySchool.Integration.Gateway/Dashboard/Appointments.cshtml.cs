using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// Who runs what inside the viewer's scope, and the appointments they may make (seeds 002, 003): a person is found in
/// ESIA by SNILS, appointed below the viewer's own role, and revoked with one click. Each act is audited.
/// </summary>
public sealed class AppointmentsModel(Appointments appointments, IIdentityDirectory directory, RegionCatalog regions) : OperatorPage
{
    public IReadOnlyList<Appointment> Current { get; private set; } = [];

    public IReadOnlyList<SchoolPlace> Schools { get; private set; } = [];

    /// <summary>The municipalities the viewer may appoint coordinators to (a regional coordinator's or a federal operator's).</summary>
    public IReadOnlyList<SchoolPlace> Municipalities { get; private set; } = [];

    public bool MayAppoint => Access.Scope.Federal || Access.Scope.Regions.Count > 0 || Access.Scope.Municipalities.Count > 0;

    public string? Notice { get; private set; }

    /// <summary>The regions a federal operator may give a coordinator: every configured one.</summary>
    public IReadOnlyList<RegionSource> Regions => Access.Scope.Federal ? [.. regions.Regions.OrderBy(r => r.Code, StringComparer.Ordinal)] : [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var scope = Access.Scope;
        Current = await appointments.WithinAsync(scope, cancellationToken);
        Schools = await appointments.SchoolsWithinAsync(scope, cancellationToken);
        Municipalities = scope.Federal || scope.Regions.Count > 0
            ? [.. Schools.Where(s => scope.Federal || scope.Regions.Contains(s.Region)).DistinctBy(s => s.MunicipalityId)]
            : [];
    }

    /// <summary>The appointments as the table shows them, in CSV or XLSX.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return Download(Page(), format, () => new ListExport("appointments", ["Кто", "Роль", "Где", "Назначил", "Когда"],
            [.. Current.Select(a => new object?[] { a.FullName, RoleName(a.Role), Place(a), AppointedBy(a), When(a.AppointedAt) })]));
    }

    /// <summary>Where an appointment holds, in words.</summary>
    public static string Place(Appointment appointment) =>
        appointment.SchoolName ?? appointment.MunicipalityName ?? (appointment.RegionCode is { } code ? $"регион {code}" : "все регионы");

    public static string AppointedBy(Appointment appointment) => appointment.AppointedBy == "configuration" ? "конфигурация шлюза" : appointment.AppointedBy;

    public async Task<IActionResult> OnPostAppointAsync(string role, string? snils, Guid? place, string? region, CancellationToken cancellationToken)
    {
        var parsed = Snils.Parse(snils);
        if (!parsed.IsValid)
        {
            return await ShowAsync($"СНИЛС не принят: {parsed.Rejection!.Message}", cancellationToken);
        }

        long? oid;
        try
        {
            oid = await directory.FindBySnilsAsync(parsed.Require(), cancellationToken);
        }
        catch (IdentityDirectoryException)
        {
            return await ShowAsync("ЕСИА не ответила: назначение не сделано, повторите позже", cancellationToken);
        }

        if (oid is not { } found)
        {
            return await ShowAsync($"В ЕСИА нет учётной записи со СНИЛС {parsed.Require().Masked}", cancellationToken);
        }

        // The registry's name when the person is in it; otherwise ESIA's, once they log in.
        var name = await appointments.RegistryNameAsync(parsed.Require().Canonical, cancellationToken) ?? $"oid {found}";
        var request = role switch
        {
            "regional" => new AppointmentRequest(AppointmentRole.Regional, found, name, RegionCode: region),
            "municipal" => new AppointmentRequest(AppointmentRole.Municipal, found, name, MunicipalityId: place),
            _ => new AppointmentRequest(AppointmentRole.School, found, name, SchoolId: place),
        };
        var refusal = await appointments.AppointAsync(Actor, Access.Scope, request, cancellationToken);
        return refusal is null ? Redirect("/appointments") : await ShowAsync(refusal, cancellationToken);
    }

    /// <summary>
    /// Appoints one of the school's administrators from its page: the person as the registry knows them, with the ESIA
    /// account the nightly linking or a family's request found.
    /// </summary>
    public async Task<IActionResult> OnPostStaffAsync(Guid school, Guid person, CancellationToken cancellationToken)
    {
        if (await appointments.StaffMemberAsync(school, person, cancellationToken) is not { } member)
        {
            return await ShowAsync("Этого человека нет среди сотрудников школы", cancellationToken);
        }

        if (member.EsiaOid is not { } oid)
        {
            return await ShowAsync($"{member.Name}: учётная запись ЕСИА ещё не связана — назначьте по СНИЛС", cancellationToken);
        }

        var refusal = await appointments.AppointAsync(Actor, Access.Scope, new AppointmentRequest(AppointmentRole.School, oid, member.Name, SchoolId: school), cancellationToken);
        return refusal is null ? Redirect($"/schools/{school}") : await ShowAsync(refusal, cancellationToken);
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken cancellationToken) =>
        await appointments.RevokeAsync(Actor, Access.Scope, id, cancellationToken) is { } refusal ? await ShowAsync(refusal, cancellationToken) : Redirect("/appointments");

    public static string RoleName(AppointmentRole role) => role switch
    {
        AppointmentRole.Federal => "федеральный оператор",
        AppointmentRole.Regional => "региональный координатор",
        AppointmentRole.Municipal => "муниципальный координатор",
        _ => "администратор школы",
    };

    private string Actor => Access.ClientId;

    private async Task<IActionResult> ShowAsync(string notice, CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        Notice = notice;
        return Page();
    }
}
