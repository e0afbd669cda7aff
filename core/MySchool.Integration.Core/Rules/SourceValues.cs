using System.Globalization;
using System.Text.RegularExpressions;

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// The small values the federal model constrains (its CHECKs): each refused here with a code and a Russian reason
/// before PostgreSQL could refuse it and fail the whole school.
/// </summary>
public static partial class SourceValues
{
    /// <summary>The lesson numbers a day may have (<c>lesson.number BETWEEN 0 AND 20</c>).</summary>
    public const int MaxLessonNumber = 20;

    /// <summary><c>mark.weight numeric(6, 2) CHECK (weight &gt;= 0)</c>.</summary>
    public const decimal MaxWeight = 9999.99m;

    private static readonly string[] EventKinds = ["announcement", "meeting", "test", "club", "other"];

    /// <summary>M or F (any case), or nothing; anything else is refused, never guessed.</summary>
    public static Checked<string?> Gender(string? raw)
    {
        var text = raw?.Trim();
        return string.IsNullOrEmpty(text) ? Checked<string?>.Valid(null)
            : text.ToUpperInvariant() is "M" or "F" ? Checked<string?>.Valid(text.ToUpperInvariant())
            : Checked<string?>.Refused("person.gender", $"Пол «{SourceText.Excerpt(text)}» не распознан: ожидается M или F");
    }

    /// <summary>An academic year <c>2023/2024</c>: two consecutive years between 2000 and 2100.</summary>
    public static Checked<int> AcademicYear(string? raw)
    {
        var match = YearForm().Match(raw?.Trim() ?? string.Empty);
        if (match.Success)
        {
            var start = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            var end = int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            if (end == start + 1 && start is >= 2000 and <= 2100)
            {
                return Checked<int>.Valid(start);
            }
        }

        return Checked<int>.Refused("class.year", $"Учебный год «{SourceText.Excerpt(raw)}» не распознан: ожидается, например, 2023/2024");
    }

    public static Rejection? LessonNumber(int number) => number is >= 0 and <= MaxLessonNumber
        ? null
        : new Rejection("lesson.number", $"Номер урока {number} вне диапазона 0–{MaxLessonNumber}");

    public static Rejection? LessonTimes(TimeOnly start, TimeOnly end) => end > start
        ? null
        : new Rejection("lesson.time", $"Урок кончается ({end:HH\\:mm}) не позже, чем начинается ({start:HH\\:mm})");

    public static Rejection? Weight(decimal weight) => weight is >= 0 and <= MaxWeight
        ? null
        : new Rejection("mark.weight", $"Вес отметки {weight.ToString(CultureInfo.InvariantCulture)} вне диапазона 0–{MaxWeight.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A weight as a double (protobuf): NaN, infinities and what no weight column holds are refused.</summary>
    public static Checked<decimal> Weight(double weight) => double.IsFinite(weight) && weight is >= 0 and <= (double)MaxWeight
        ? Checked<decimal>.Valid(Math.Round((decimal)weight, 2))
        : Checked<decimal>.Refused("mark.weight", $"Вес отметки {weight.ToString(CultureInfo.InvariantCulture)} вне диапазона 0–{MaxWeight.ToString(CultureInfo.InvariantCulture)}");

    public static Rejection? EventKind(string kind) => EventKinds.Contains(kind)
        ? null
        : new Rejection("event.kind", $"Вид события «{SourceText.Excerpt(kind)}» неизвестен");

    /// <summary>
    /// A staff member's roles in the model's terms (teacher, admin) from how sources write them (<c>teacher</c>,
    /// <c>administrator</c>, <c>Учитель</c>, <c>Администратор</c>); none listed means a teacher. An unknown role is
    /// refused, never guessed.
    /// </summary>
    public static Checked<IReadOnlyList<string>> StaffRoles(IReadOnlyList<string> raw)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var role in raw)
        {
            switch (role.Trim().ToLowerInvariant())
            {
                case "teacher" or "учитель" or "педагог":
                    roles.Add("teacher");
                    break;
                case "administrator" or "admin" or "администратор" or "администрация":
                    roles.Add("admin");
                    break;
                default:
                    return Checked<IReadOnlyList<string>>.Refused("staff.role", $"Роль «{SourceText.Excerpt(role)}» неизвестна: ожидается учитель или администратор");
            }
        }

        return Checked<IReadOnlyList<string>>.Valid(roles.Count == 0 ? ["teacher"] : [.. roles]);
    }

    /// <summary>
    /// A group's kind in the model's terms (subgroup, club, interest) from how sources write it (<c>подгруппа</c>,
    /// <c>кружок</c>, <c>объединение по интересам</c>); an unknown kind is refused, never guessed.
    /// </summary>
    public static Checked<string> GroupKind(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        "subgroup" or "подгруппа" or "группа" => Checked<string>.Valid("subgroup"),
        "club" or "кружок" or "секция" => Checked<string>.Valid("club"),
        "interest" or "по интересам" or "объединение по интересам" => Checked<string>.Valid("interest"),
        _ => Checked<string>.Refused("group.kind", $"Вид группы «{SourceText.Excerpt(raw)}» неизвестен: ожидается подгруппа, кружок или объединение по интересам"),
    };

    /// <summary>
    /// A period's kind from its name, as schools write it (<c>2 четверть</c>, <c>I триместр</c>, <c>1 полугодие</c>,
    /// <c>Учебный год</c>); a name that says none of them is refused, never guessed.
    /// </summary>
    public static Checked<string> PeriodKind(string name)
    {
        var folded = name.ToLowerInvariant();
        string? kind = folded.Contains("четверт", StringComparison.Ordinal) ? "quarter"
            : folded.Contains("триместр", StringComparison.Ordinal) ? "trimester"
            : folded.Contains("полугоди", StringComparison.Ordinal) ? "half"
            : folded.Contains("год", StringComparison.Ordinal) ? "year"
            : null;
        return kind is null
            ? Checked<string>.Refused("period.kind", $"Вид периода «{SourceText.Excerpt(name)}» не распознан: ожидается четверть, триместр, полугодие или год")
            : Checked<string>.Valid(kind);
    }

    /// <summary>A legal entity's INN: ten digits, the last the check digit of the first nine.</summary>
    public static Rejection? Inn(string? raw)
    {
        if (raw is null || !InnForm().IsMatch(raw))
        {
            return new Rejection("school.inn", "ИНН школы должен состоять из 10 цифр");
        }

        int[] weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
        var check = weights.Select((weight, i) => (raw[i] - '0') * weight).Sum() % 11 % 10;
        return check == raw[9] - '0' ? null : new Rejection("school.inn", "Контрольная цифра ИНН школы не сходится");
    }

    /// <summary>КПП: nine digits (the fifth and sixth may be letters by the tax service's rules, never in schools' registers).</summary>
    public static Rejection? Kpp(string? raw) => raw is not null && KppForm().IsMatch(raw)
        ? null
        : new Rejection("school.kpp", "КПП филиала должен состоять из 9 цифр");

    /// <summary>ОКТМО: 8 digits (a municipality) or 11 (a settlement).</summary>
    public static Rejection? Oktmo(string? raw) => raw is not null && OktmoForm().IsMatch(raw)
        ? null
        : new Rejection("school.oktmo", "ОКТМО школы должен состоять из 8 или 11 цифр");

    [GeneratedRegex("^([0-9]{4})/([0-9]{4})$")]
    private static partial Regex YearForm();

    [GeneratedRegex("^[0-9]{10}$")]
    private static partial Regex InnForm();

    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex KppForm();

    [GeneratedRegex("^[0-9]{8}([0-9]{3})?$")]
    private static partial Regex OktmoForm();
}
