using System.Text;

namespace MySchool.Integration.Core.Rules;

/// <summary>
/// Names are stored exactly as received, only NFC-normalized and trimmed: Komi letters (ӧ, ö, і) and ё stay as
/// they are. Search and matching use the folded copy.
/// </summary>
public static class PersonNames
{
    /// <summary>The stored form; null for a missing or blank part (a middle name often is).</summary>
    public static string? Normalize(string? raw)
    {
        var trimmed = raw?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The search key: lower case, ё as е. Komi letters stay distinct from their Russian look-alikes,
    /// since Ӧ and О are different letters in Komi.
    /// </summary>
    public static string Fold(string name) =>
        name.Normalize(NormalizationForm.FormC).ToLowerInvariant().Replace('ё', 'е');
}
