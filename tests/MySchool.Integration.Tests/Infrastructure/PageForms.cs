using System.Net;
using System.Text.RegularExpressions;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>Forms of the gateway's pages, submitted as a browser would: with the page's antiforgery token.</summary>
public static partial class PageForms
{
    /// <summary>The token of the page's first form (Razor writes the same one into each).</summary>
    public static string AntiforgeryToken(string html) => WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);

    /// <summary>Shows <paramref name="page"/>, then posts <paramref name="fields"/> to <paramref name="action"/> with its token.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        using var shown = await client.GetAsync(new Uri(page, UriKind.Relative));
        var html = await shown.Content.ReadAsStringAsync();
        Assert.True(shown.IsSuccessStatusCode, $"{page} answered {(int)shown.StatusCode}: {html}");
        fields["__RequestVerificationToken"] = AntiforgeryToken(html);
        return await client.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
