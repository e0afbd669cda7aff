using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Communities;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.People;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// Requests to join: families' requests to a school (approve or reject; a failed approval shows why it still
/// waits), and join requests to the schools' «Сферум» communities, held ones with their reason.
/// </summary>
public sealed class JoinRequestsModel(MonitoringReader monitoring, FamilyRequests families, SyncLauncher launcher, Appointments appointments, IEnumerable<CommunitySync> communities) : OperatorPage
{
    public IReadOnlyList<FamilyRequestEntry> Families { get; private set; } = [];

    public IReadOnlyList<JoinRequestEntry> Requests { get; private set; } = [];

    /// <summary>What became of the operator's last decision, when it did not go through.</summary>
    public string? Notice { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public static string FamilyStatus(string status) => status switch
    {
        "pending" => "ждёт решения",
        "approved" => "одобрен",
        "withdrawn" => "отозван заявителем",
        _ => "отклонён",
    };

    public static string CommunityStatus(string status) => status switch
    {
        "held" => "ждёт администратора",
        "rejected" => "отклонена",
        _ => "одобрена",
    };

    /// <summary>Families' requests (<c>list=families</c>) or «Сферум»'s (<c>list=community</c>) as the tables show them.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? list, string? format, CancellationToken cancellationToken)
    {
        if (!ListExport.IsFormat(format) || list is not ("families" or "community"))
        {
            return UnknownFormat();
        }

        await LoadAsync(cancellationToken);
        var export = list == "families"
            ? new ListExport("family-requests", ["№", "Запрос", "Школа", "Класс", "О ком", "Дата рождения", "СНИЛС", "Эл. почта заявителя", "Состояние", "Причина", "Получен"],
                [.. Families.Select(r => new object?[]
                {
                    r.Id, FamilyRequests.KindName(r.Kind), r.School, r.ClassName, r.Person, r.BirthDate is { } born ? Day(born) : null, r.MaskedSnils, r.ApplicantEmail,
                    FamilyStatus(r.Status), r.Reason, When(r.CreatedAt),
                })])
            : new ListExport("community-requests", ["Платформа", "Заявка", "Школа", "Класс", "Человек", "Дата рождения", "Состояние", "Причина", "Получена"],
                [.. Requests.Select(r => new object?[]
                {
                    r.Platform, r.RequestId, r.School, r.ClassName, r.Person, r.BirthDate is { } born ? Day(born) : null, CommunityStatus(r.Status), r.Reason, When(r.SeenAt),
                })]);
        return export.ToFile(format!);
    }

    public Task<IActionResult> OnPostApproveAsync(long id, CancellationToken cancellationToken) =>
        DecideAsync(id, actor => families.ApproveAsync(id, actor, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long id, string? reason, CancellationToken cancellationToken) =>
        DecideAsync(id, actor => families.RejectAsync(id, reason ?? string.Empty, actor, cancellationToken), cancellationToken);

    /// <summary>A held «Сферум» join request, approved or rejected with a reason that reaches the platform.</summary>
    public async Task<IActionResult> OnPostCommunityAsync(string requestId, bool approve, string? reason, CancellationToken cancellationToken)
    {
        if (communities.FirstOrDefault() is not { } community || await community.SchoolOfHeldAsync(requestId, cancellationToken) is not { } school
            || !await appointments.CoversSchoolAsync(Access.Scope, school, cancellationToken))
        {
            return NotHeld();
        }

        if (await community.DecideAsync(requestId, approve, reason ?? string.Empty, Access.ClientId, cancellationToken) is not { } refusal)
        {
            return RedirectToPage();
        }

        Notice = $"Заявка {requestId} не решена: {refusal}";
        Response.StatusCode = StatusCodes.Status409Conflict;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult> DecideAsync(long id, Func<string, Task<FamilyDecision>> decide, CancellationToken cancellationToken)
    {
        if (await families.FindAsync(id, cancellationToken) is not { } request
            || !(Access.Holds(request.Region) || await appointments.CoversSchoolAsync(Access.Scope, request.SchoolId, cancellationToken)))
        {
            return NotHeld();
        }

        var decision = await decide(Access.ClientId);
        if (decision.Done)
        {
            return RedirectToPage();
        }

        Notice = $"Запрос № {id} не решён: {decision.Reason}";
        Response.StatusCode = StatusCodes.Status409Conflict;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // A school's administrator and a municipality's coordinator decide their schools' requests.
        var (regions, own) = await launcher.VisibleScopeAsync(Access, cancellationToken);
        Families = [.. (await families.ListAsync(regions, cancellationToken)).Concat(await families.ListForSchoolsAsync(own, cancellationToken)).DistinctBy(r => r.Id)];
        Requests = await monitoring.JoinRequestsAsync(regions, own, cancellationToken);
    }
}
