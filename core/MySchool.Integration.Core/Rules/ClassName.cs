using System.Text.RegularExpressions;

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// A class of a school: grade (параллель, 1–11) and letter, shown as <c>9 «И»</c>. Regional systems write
/// the same class as <c>9И</c>, <c>9и</c>, <c>9 «И»</c> or <c>9-И</c>; all normalize to one value.
/// </summary>
public readonly partial record struct ClassName(int Grade, char Letter)
{
    // Latin letters that journals type by mistake for their Cyrillic twins (a Latin "A" in "10A").
    private static readonly Dictionary<char, char> LatinLookalikes = new()
    {
        ['A'] = 'А',
        ['B'] = 'В',
        ['C'] = 'С',
        ['E'] = 'Е',
        ['H'] = 'Н',
        ['K'] = 'К',
        ['M'] = 'М',
        ['O'] = 'О',
        ['P'] = 'Р',
        ['T'] = 'Т',
        ['X'] = 'Х',
        ['Y'] = 'У',
    };

    /// <summary>The federal display form, <c>9 «И»</c>.</summary>
    public override string ToString() => $"{Grade} «{Letter}»";

    public static Checked<ClassName> Parse(string? raw)
    {
        var match = AcceptedForm().Match(raw ?? string.Empty);
        if (!match.Success)
        {
            return Checked<ClassName>.Refused("class.format", $"Название класса «{SourceText.Excerpt(raw)}» не распознано: ожидается параллель и буква, например 9 «И»");
        }

        var grade = int.Parse(match.Groups["grade"].ValueSpan);
        if (grade is < 1 or > 11)
        {
            return Checked<ClassName>.Refused("class.grade", $"Параллель {grade} вне диапазона 1–11");
        }

        var letter = char.ToUpperInvariant(match.Groups["letter"].Value[0]);
        if (letter is >= 'A' and <= 'Z')
        {
            if (!LatinLookalikes.TryGetValue(letter, out letter))
            {
                return Checked<ClassName>.Refused("class.letter", $"Буква класса «{match.Groups["letter"].Value}» не кириллическая");
            }
        }

        return Checked<ClassName>.Valid(new ClassName(grade, letter));
    }

    [GeneratedRegex("""^\s*(?<grade>[0-9]{1,2})\s*-?\s*[«"“„']?\s*(?<letter>[А-ЯЁа-яёA-Za-z])\s*[»"”']?\s*$""")]
    private static partial Regex AcceptedForm();
}
