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
        // Storable first: normalizing a lone surrogate would throw, and a rule never throws.
        return string.IsNullOrEmpty(trimmed) ? null : SourceText.Storable(trimmed, int.MaxValue).Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The search key: lower case, ё as е. Komi letters stay distinct from their Russian look-alikes,
    /// since Ӧ and О are different letters in Komi.
    /// </summary>
    public static string Fold(string name) =>
        SourceText.Storable(name, int.MaxValue).Normalize(NormalizationForm.FormC).ToLowerInvariant().Replace('ё', 'е');
}
