using System.Text.RegularExpressions;

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// СНИЛС, the cross-system key for people: 11 digits, the last two a checksum of the first nine.
/// Stored in one canonical form (11 bare digits). <see cref="ToString"/> is the masked form, so a SNILS
/// that slips into a log line or an exception message never shows in full.
/// </summary>
public readonly partial record struct Snils
{
    // Numbers up to 001-001-998 were issued before the checksum existed and are not checked (ПФР rules).
    private const long LastUncheckedNumber = 1_001_998;

    private Snils(string canonical) => Canonical = canonical;

    /// <summary>11 bare digits, e.g. <c>11223344595</c>.</summary>
    public string Canonical { get; }

    /// <summary>The printed form, e.g. <c>112-233-445 95</c>. Personal data: never log it.</summary>
    public string Formatted => $"{Canonical[..3]}-{Canonical[3..6]}-{Canonical[6..9]} {Canonical[9..]}";

    /// <summary>Only the check digits stay visible: <c>***-***-*** 95</c>.</summary>
    public string Masked => $"***-***-*** {Canonical[9..]}";

    public override string ToString() => Masked;

    /// <summary>Accepts <c>ddd-ddd-ddd dd</c> (ESIA, ЭлЖур) and 11 bare digits (Сетевой город).</summary>
    public static Checked<Snils> Parse(string? raw)
    {
        var text = raw?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Checked<Snils>.Refused("snils.missing", "СНИЛС не указан");
        }

        if (!AcceptedForm().IsMatch(text))
        {
            return Checked<Snils>.Refused("snils.format", "СНИЛС должен быть в виде ddd-ddd-ddd dd или 11 цифр");
        }

        var digits = string.Concat(text.Where(char.IsAsciiDigit));
        var number = long.Parse(digits.AsSpan(0, 9));
        if (number > LastUncheckedNumber && CheckNumber(digits) != int.Parse(digits.AsSpan(9, 2)))
        {
            return Checked<Snils>.Refused("snils.checksum", "Контрольное число СНИЛС не сходится");
        }

        return Checked<Snils>.Valid(new Snils(digits));
    }

    /// <summary>
    /// Every SNILS-shaped number in a text (a raw record, an error, a log line), valid or not, shown only by its check
    /// digits. An 11-digit OKTMO looks the same and is hidden too: text that reaches people and logs loses little by it.
    /// </summary>
    public static string MaskAll(string text) => AnyWrittenForm().Replace(text, match => $"***-***-*** {match.Value[^2..]}");

    /// <summary>
    /// Weights 9..1 over the first nine digits; a sum under 100 is the check number, 100 and 101 give 00,
    /// a larger sum is taken mod 101 and the same rule applied.
    /// </summary>
    private static int CheckNumber(string digits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (digits[i] - '0') * (9 - i);
        }

        if (sum > 101)
        {
            sum %= 101;
        }

        return sum is 100 or 101 ? 0 : sum;
    }

    [GeneratedRegex("^([0-9]{3}-[0-9]{3}-[0-9]{3} [0-9]{2}|[0-9]{11})$")]
    private static partial Regex AcceptedForm();

    // Any digits (\d is every script's), three groups of three and the check pair, joined by nothing or by any run
    // of spaces, dots, hyphens, dashes, underscores or slashes: how people and registries write a SNILS.
    [GeneratedRegex(@"(?<!\d)\d{3}[\s.\-_/\u2010-\u2015]*\d{3}[\s.\-_/\u2010-\u2015]*\d{3}[\s.\-_/\u2010-\u2015]*\d{2}(?!\d)")]
    private static partial Regex AnyWrittenForm();
}
