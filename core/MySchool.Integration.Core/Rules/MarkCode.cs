namespace MySchool.Integration.Core.Rules;

public enum MarkKind
{
    /// <summary>A phantom: an empty journal cell (ЭлЖур's <c>"value":""</c>). No mark, not an error.</summary>
    Empty,

    /// <summary>A grade of the five-point scale, possibly with a <c>+</c> or <c>-</c>.</summary>
    Grade,

    /// <summary>«зч», зачёт.</summary>
    Pass,

    /// <summary>«нз», не зачёт.</summary>
    Fail,

    /// <summary>«осв», освобождён: exempt from the work.</summary>
    Exempt,

    /// <summary>«н» or «оп» written in the marks column: attendance, not a grade.</summary>
    Absence,
}

/// <summary>One journal mark in the federal model's single representation.</summary>
/// <param name="Code">Canonical code as the federal model stores it: <c>5</c>, <c>4+</c>, <c>зч</c>, <c>н</c>…</param>
/// <param name="Numeric">The value an average uses, or none for non-numeric codes.</param>
/// <param name="Counts">Whether the mark counts toward the average.</param>
public sealed record MarkValue(string Code, MarkKind Kind, decimal? Numeric, bool Counts)
{
    public static readonly MarkValue Empty = new(string.Empty, MarkKind.Empty, null, false);
}

/// <summary>
/// Parses every mark code the regional systems send (ЭлЖур strings, Сетевой город numbers) into
/// <see cref="MarkValue"/>. A suffixed grade keeps its suffix in the code but averages as its digit, as ЭлЖур's
/// own <c>countas</c> does (<c>"5-"</c> counts as 5).
/// </summary>
public static class MarkCode
{
    private static readonly Dictionary<string, MarkValue> Words = new(StringComparer.Ordinal)
    {
        ["зч"] = new("зч", MarkKind.Pass, null, false),
        ["нз"] = new("нз", MarkKind.Fail, null, false),
        ["осв"] = new("осв", MarkKind.Exempt, null, false),
        ["н"] = new("н", MarkKind.Absence, null, false),
        ["оп"] = new("оп", MarkKind.Absence, null, false),
    };

    public static Checked<MarkValue> Parse(string? raw)
    {
        var text = raw?.Trim().ToLowerInvariant() ?? string.Empty;
        if (text.Length == 0)
        {
            return Checked<MarkValue>.Valid(MarkValue.Empty);
        }

        if (Words.TryGetValue(text, out var word))
        {
            return Checked<MarkValue>.Valid(word);
        }

        return ParseGrade(text);
    }

    /// <summary>Сетевой город sends marks as JSON numbers.</summary>
    public static Checked<MarkValue> FromNumber(int mark) => ParseGrade(mark.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Checked<MarkValue> ParseGrade(string text)
    {
        var digit = text[0] - '0';
        var suffix = text.Length == 2 ? text[1] : '\0';
        var wellFormed = char.IsAsciiDigit(text[0]) && (text.Length == 1 || (text.Length == 2 && suffix is '+' or '-'));
        if (!wellFormed)
        {
            return Checked<MarkValue>.Refused("mark.unknown-code", $"Неизвестный код отметки «{SourceText.Excerpt(text)}»");
        }

        // «5+» and «1-» would leave the five-point scale.
        if (digit is < 1 or > 5 || (digit == 5 && suffix == '+') || (digit == 1 && suffix == '-'))
        {
            return Checked<MarkValue>.Refused("mark.out-of-scale", $"Отметка «{text}» вне пятибалльной шкалы");
        }

        return Checked<MarkValue>.Valid(new MarkValue(text, MarkKind.Grade, digit, true));
    }
}
