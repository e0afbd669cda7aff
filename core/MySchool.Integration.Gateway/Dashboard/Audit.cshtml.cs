using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// Who did what and when (003 §5с), within the viewer's scope: their own acts and those on their regions,
/// municipalities' schools and schools; everything for a federal operator. Filtered, paged, downloadable.
/// </summary>
public sealed class AuditModel(AuditReader audit) : ListPage
{
    /// <summary>Every recorded act in operators' words; the filter's list and the table's column.</summary>
    public static readonly IReadOnlyDictionary<string, string> Actions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["login"] = "вход в панель",
        ["import.check"] = "проверка файла шаблона",
        ["import.apply"] = "загрузка файла шаблона",
        ["login.refused"] = "вход отклонён",
        ["logout"] = "выход",
        ["family.login"] = "вход родителя",
        ["sync.start"] = "запуск синхронизации",
        ["sync.cancel"] = "отмена запуска",
        ["sync.retry"] = "повтор школ запуска",
        ["held.approve"] = "массовое выбытие одобрено",
        ["held.reject"] = "массовое выбытие отклонено",
        ["push.denied"] = "пакет в чужой регион отклонён",
        ["ownership.cross-region"] = "запись в школу чужого региона отклонена",
        ["ownership.foreign-source"] = "запись в школу другого источника отклонена",
        ["ownership.moved"] = "школа перенесена в другой регион",
        ["ownership.assigned"] = "школе назначен источник",
        ["appointment.made"] = "назначение",
        ["appointment.revoked"] = "назначение отозвано",
        ["invitation.send"] = "приглашение педагогу",
        ["invitation.accept"] = "приглашение принято",
        ["invitation.refuse"] = "приглашение отклонено: СНИЛС не совпал",
        ["invitation.expire"] = "приглашения истекли",
        ["family-request.submit"] = "запрос родителя",
        ["family-request.refuse"] = "запрос родителя не прошёл проверку",
        ["family-request.approve"] = "запрос родителя одобрен",
        ["family-request.hold"] = "запрос родителя ждёт решения",
        ["family-request.reject"] = "запрос родителя отклонён",
        ["family-request.withdraw"] = "запрос родителя отозван заявителем",
        ["join-request.approve"] = "заявка «Сферума» одобрена",
        ["join-request.reject"] = "заявка «Сферума» отклонена",
        ["extract.issued"] = "выписка из дневника выдана",
        ["quarantine.resolve"] = "записи карантина отмечены решёнными",
        ["year.rollover"] = "переход на новый учебный год",
        ["esia.link"] = "связывание с ЕСИА",
    };

    [BindProperty(Name = "action", SupportsGet = true)]
    public string? ActionFilter { get; set; }

    [BindProperty(Name = "actor", SupportsGet = true)]
    public string? ActorFilter { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public override (string One, string Few, string Many) RowNoun => ("запись", "записи", "записей");

    protected override string Path => "/audit";

    protected override IEnumerable<(string Name, string? Value)> Filters => [("action", ActionFilter), ("actor", ActorFilter)];

    public static string ActionText(string action) => Actions.GetValueOrDefault(action, action);

    /// <summary>An appointed person by name (their ESIA id beside it); anyone else (a script, the scheduler) by id.</summary>
    public static string ActorText(AuditEvent e) => e.ActorName is { } name ? $"{name} ({e.Actor})" : e.Actor;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        (Events, Total) = await SearchAsync(Offset, PageSize, cancellationToken);
        Crumbs = [new("Обзор", "/"), new("Журнал действий", null)];
    }

    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellationToken)
    {
        if (!ListExport.IsFormat(format))
        {
            return UnknownFormat();
        }

        var (found, _) = await SearchAsync(0, ExportLimit, cancellationToken);
        return new ListExport("audit", ["Когда", "Кто", "Действие", "Охват", "Подробности"],
            [.. found.Select(e => new object?[] { When(e.OccurredAt), ActorText(e), ActionText(e.Action), e.Scope, e.Details })]).ToFile(format!);
    }

    private Task<(List<AuditEvent> Page, long Total)> SearchAsync(int offset, int limit, CancellationToken cancellationToken) =>
        audit.SearchAsync(Access.ClientId, Access.Scope, new AuditFilter(ActionFilter, ActorFilter, From, To), offset, limit, cancellationToken);
}
