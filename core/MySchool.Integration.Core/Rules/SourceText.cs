using System.Text;

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// Free text from a source, before it reaches PostgreSQL: a text column cannot hold NUL, a lone surrogate is not
/// UTF-8, identifiers and names carry no control characters, and every field has a length an index can hold
/// (a btree entry is at most ~2.7 KB). The first field that fails refuses its record.
/// </summary>
public static class SourceText
{
    /// <summary>Source ids and keys: they are identity-map and index keys.</summary>
    public const int IdLength = 200;

    /// <summary>Names, subjects, rooms, codes: one line.</summary>
    public const int LineLength = 500;

    /// <summary>Long texts: homework, topics, comments, announcements.</summary>
    public const int TextLength = 20_000;

    public static Rejection? Id(string field, string? value) => Check(field, value, IdLength, singleLine: true);

    public static Rejection? Line(string field, string? value) => Check(field, value, LineLength, singleLine: true);

    public static Rejection? Text(string field, string? value) => Check(field, value, TextLength, singleLine: false);

    /// <summary>The first of several checks that refuses, or null when all pass.</summary>
    public static Rejection? First(params Rejection?[] checks) => checks.FirstOrDefault(check => check is not null);

    public static Rejection? Check(string field, string? value, int maxLength, bool singleLine)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            return new Rejection("text.too-long", $"Поле {field} длиннее {maxLength} символов ({value.Length})");
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (c == '\0' || char.IsSurrogate(c) || (char.IsControl(c) && (singleLine || c is not ('\n' or '\r' or '\t'))))
            {
                return new Rejection("text.invalid-character", $"Поле {field} содержит недопустимый символ U+{(int)c:X4}");
            }
        }

        return null;
    }

    /// <summary>
    /// What may be stored or shown of any input, whatever it holds: NUL and lone surrogates replaced, cut to
    /// <paramref name="maxLength"/>. For quarantine payloads and for excerpts in messages.
    /// </summary>
    public static string Storable(string? value, int maxLength = 65_536)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        var cut = value.Length > maxLength ? value[..maxLength] + "…" : value;
        var builder = new StringBuilder(cut.Length);
        for (var i = 0; i < cut.Length; i++)
        {
            var c = cut[i];
            if (char.IsHighSurrogate(c) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1]))
            {
                builder.Append(c).Append(cut[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A short excerpt of input for a message: never more than a few dozen characters of it.</summary>
    public static string Excerpt(string? value) => Storable(value, 40);
}
