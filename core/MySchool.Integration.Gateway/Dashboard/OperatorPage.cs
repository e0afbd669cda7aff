using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A dashboard page: what the logged-in operator may see, and how dates are shown to people.</summary>
public abstract class OperatorPage : PageModel
{
    public ClientAccess Access => ClientAccess.From(User);

    /// <summary>Where this page lies (region → municipality → school → …), rendered above it by the layout.</summary>
    public IReadOnlyList<Crumb> Crumbs { get; protected set; } = [];

    /// <summary>A region, school or run that exists but is another region's operators'.</summary>
    protected static IActionResult NotHeld() => new ContentResult
    {
        StatusCode = StatusCodes.Status403Forbidden,
        ContentType = "text/html; charset=utf-8",
        Content = Operators.OperatorLogin.Notice("Нет доступа", "Этот регион, школа или запуск вне ваших назначений."),
    };

    /// <summary>What the address names does not exist at all (as opposed to someone else's: <see cref="NotHeld"/>).</summary>
    protected static IActionResult Missing(string what) => new ContentResult
    {
        StatusCode = StatusCodes.Status404NotFound,
        ContentType = "text/html; charset=utf-8",
        Content = Operators.OperatorLogin.Notice("Не найдено", $"{what} с таким адресом нет. Проверьте ссылку или начните с обзора."),
    };

    /// <summary>A download asked for in a format other than CSV and XLSX.</summary>
    protected static IActionResult UnknownFormat() => Missing("Выгрузки в таком формате");

    /// <summary>A list as the page shows it after <paramref name="shown"/> (its refusal, when it refused), in the format asked.</summary>
    protected static IActionResult Download(IActionResult shown, string? format, Func<ListExport> export) =>
        shown is not PageResult ? shown
            : ListExport.IsFormat(format) ? export().ToFile(format!) : UnknownFormat();

    public static string When(DateTimeOffset? instant) =>
        instant is { } value ? TimeZoneInfo.ConvertTime(value, Moscow).ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " МСК" : "—";

    public static string Lag(DateTimeOffset? instant, DateTimeOffset now) => instant is not { } value ? "нет успешных" : (now - value) switch
    {
        var lag when lag < TimeSpan.FromMinutes(1) => "меньше минуты",
        var lag when lag < TimeSpan.FromHours(1) => $"{(int)lag.TotalMinutes} мин",
        var lag when lag < TimeSpan.FromDays(1) => $"{(int)lag.TotalHours} ч {lag.Minutes} мин",
        var lag => $"{(int)lag.TotalDays} дн",
    };

    /// <summary>How long something took, as the run page's live script writes it (42 с, 3 мин 5 с, 1 ч 2 мин).</summary>
    public static string Took(DateTimeOffset? start, DateTimeOffset end) => start is not { } begun ? "—" : (end - begun) switch
    {
        var took when took < TimeSpan.FromMinutes(1) => $"{Math.Round(Math.Max(0, took.TotalSeconds))} с",
        var took when took < TimeSpan.FromHours(1) => $"{(int)took.TotalMinutes} мин {took.Seconds} с",
        var took => $"{(int)took.TotalHours} ч {took.Minutes} мин",
    };

    /// <summary>A run's status as operators read it; the run page's live script reads the same words.</summary>
    public static readonly IReadOnlyDictionary<string, string> StatusTexts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["queued"] = "в очереди",
        ["running"] = "идёт",
        ["succeeded"] = "успешно",
        ["failed"] = "ошибка",
        ["held"] = "ждёт решения",
        ["skipped"] = "пропущен",
        ["cancelled"] = "отменён",
    };

    public static string Status(string status) => StatusTexts.GetValueOrDefault(status, status);

    /// <summary>A count with its noun in the right form: 1 школа, 2 школы, 5 школ, 21 школа, 11 школ.</summary>
    public static string Count(long count, string one, string few, string many)
    {
        var (lastTwo, last) = (Math.Abs(count) % 100, Math.Abs(count) % 10);
        var noun = lastTwo is >= 11 and <= 14 ? many : last == 1 ? one : last is >= 2 and <= 4 ? few : many;
        return $"{Number(count)} {noun}";
    }

    /// <summary>A number grouped as Russian writes it (3 773, 105 000).</summary>
    public static string Number(long value) => value.ToString("N0", Russian);

    /// <summary>A school's name as a link's text: a blank one would be an invisible link.</summary>
    public static string SchoolName(string? name) => string.IsNullOrWhiteSpace(name) ? "(без названия)" : name;

    /// <summary>A run's mode as operators read it.</summary>
    public static string Mode(string mode) => mode switch
    {
        "full" => "полная",
        "incremental" => "по изменениям",
        "push" => "пакет поставщика",
        "reconcile" => "сверка",
        _ => mode,
    };

    /// <summary>A source system by its name in Russian; a vendor's push source is named as configured.</summary>
    public static string Source(string source) => source switch
    {
        "nso" => "ЭлЖур (Новосибирская обл.)",
        "rk" => "Сетевой город (Республика Коми)",
        "sferum" => "Сферум",
        _ => $"поставщик «{source}»",
    };

    /// <summary>What kind of record a quarantined one is.</summary>
    public static string RecordKind(string kind) => kind switch
    {
        "school" => "школа",
        "class" => "класс",
        "student" => "ученик",
        "parent" or "guardian" => "родитель",
        "teacher" => "педагог",
        "lesson" => "урок",
        "homework" => "задание",
        "mark" => "отметка",
        "attendance" => "посещаемость",
        "event" => "событие",
        "calendar" => "календарь",
        "period" => "учебный период",
        "holiday" => "каникулы",
        "group" => "группа",
        "group_member" => "состав группы",
        _ => "другое",
    };

    public static string Day(DateOnly date) => date.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string PeriodKind(string kind) => kind switch
    {
        "quarter" => "четверть",
        "trimester" => "триместр",
        "half" => "полугодие",
        "year" => "год",
        _ => kind,
    };

    public static string GroupKind(string kind) => kind switch
    {
        "subgroup" => "подгруппа",
        "club" => "кружок",
        _ => "объединение по интересам",
    };

    public static string EventKind(string kind) => kind switch
    {
        "announcement" => "объявление",
        "meeting" => "собрание",
        "test" => "контрольная",
        "club" => "кружок",
        _ => "другое",
    };

    private static readonly System.Globalization.CultureInfo Russian = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");

    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
}
