namespace MySchool.Integration.Gateway.Operators;

/// <summary>
/// Where a login may send someone back to: a path on this site, nothing else. Browsers drop TAB and line breaks and
/// read a backslash as a slash, so <c>/\t/evil.example</c> and <c>/\evil.example</c> are <c>//evil.example</c>, another
/// site: any control character, whitespace or backslash refuses the address outright.
/// </summary>
public static class LocalRedirects
{
    public static string? PathOrNull(string? returnUrl) =>
        returnUrl is ['/', ..] && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\' || char.IsSurrogate(c))
            ? returnUrl
            : null;
}
