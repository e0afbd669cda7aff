using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>Every region the operator holds at a glance, the indicators, two weeks of volume and failures, and mails that did not go out.</summary>
public sealed class IndexModel(MonitoringReader monitoring, SyncLauncher launcher, Appointments appointments, IConfiguration configuration, TimeProvider time) : OperatorPage
{
    public IReadOnlyList<RegionStatus> Regions { get; private set; } = [];

    public Indicators Indicators { get; private set; } = null!;

    public IReadOnlyList<DayVolume> Volume { get; private set; } = [];

    public IReadOnlyList<MailProblem> MailProblems { get; private set; } = [];

    public int AdminPolicyStudents { get; private set; }

    /// <summary>The schools of a municipal coordinator or school administrator, who hold no whole region.</summary>
    public IReadOnlyList<SchoolPlace> OwnSchools { get; private set; } = [];

    /// <summary>The municipalities a municipal coordinator runs, each with its page.</summary>
    public IEnumerable<SchoolPlace> OwnMunicipalities => OwnSchools.Where(s => Access.Scope.Municipalities.Contains(s.MunicipalityId)).DistinctBy(s => s.MunicipalityId);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Where «ошибок за 24 ч» leads: the region's failed runs since yesterday, Moscow's day, as the history filters days.</summary>
    public string Yesterday => TimeZoneInfo.ConvertTime(Now.AddDays(-1), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var visible = launcher.Visible(Access);
        var codes = visible.Select(r => r.Code).ToList();
        AdminPolicyStudents = configuration.GetValue("Dashboard:AdminPolicyStudents", 800);
        var regions = await monitoring.RegionsAsync(visible.Select(r => (r.Code, r.Name, r.Adapter.Length == 0 ? "только приём пакетов" : OperatorPage.Source(r.Adapter))), cancellationToken);
        // The worst first: failures in the last 24 h, then never synced, then the longest behind.
        Regions = [.. regions.OrderByDescending(r => r.Failures24h).ThenBy(r => r.LastSuccess is not null).ThenBy(r => r.LastSuccess).ThenBy(r => r.Code, StringComparer.Ordinal)];
        var below = Access.Scope.BelowRegions;
        OwnSchools = below.IsEmpty ? [] : await appointments.SchoolsWithinAsync(below, cancellationToken);
        Indicators = await monitoring.IndicatorsAsync(codes, [.. OwnSchools.Select(s => s.Id)], AdminPolicyStudents, cancellationToken);
        Volume = await monitoring.VolumeAsync(codes, 14, cancellationToken);
        MailProblems = await monitoring.MailProblemsAsync(codes, cancellationToken);
    }

    /// <summary>The regions' table or the undelivered mails as the page shows them, in CSV or XLSX.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? list, string? format, CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return list switch
        {
            "regions" => Download(Page(), format, () => new ListExport("regions",
                ["Регион", "Название", "Источник", "Последняя успешная", "Отставание", "Идёт", "Ошибок за 24 ч", "Строк за 24 ч", "В карантине", "Школ", "Обучающихся"],
                [.. Regions.Select(r => new object?[] { r.Code, r.Name, r.Adapter, When(r.LastSuccess), Lag(r.LastSuccess, Now), r.Running, r.Failures24h, r.Rows24h, r.Quarantined, r.Schools, r.Students })])),
            "mail" => Download(Page(), format, () => new ListExport("mail-problems", ["Кому", "Школа", "Состояние", "Попыток", "Ответ почтового сервера"],
                [.. MailProblems.Select(m => new object?[] { m.Recipient, m.School, MailState(m), m.Attempts, m.Error })])),
            "admin-policy" => Download(Page(), format, () => new ListExport("admin-policy", ["Школа", "Обучающихся", "Администраторов"],
                [.. Indicators.AdminPolicyBreaches.Select(b => new object?[] { SchoolName(b.Name), b.Students, b.Admins })])),
            _ => Missing("Списка"),
        };
    }

    public static string MailState(MailProblem mail) => mail.Failed ? "не доставлено, попытки прекращены" : $"повтор в {When(mail.NextAttempt)}";
}
