using System.Net;
using System.Text.RegularExpressions;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>A person's way through the mock ESIA over plain HTTP: the gateway's link, the consent page, back to the gateway.</summary>
public static partial class EsiaWalk
{
    /// <summary>Follows <paramref name="start"/> through ESIA as <paramref name="oid"/>; answers the gateway's final response.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient http, Uri start, long oid)
    {
        using var toEsia = await http.GetAsync(start);
        var authorize = toEsia.Headers.Location!;
        var page = await http.GetStringAsync(authorize);
        var fields = HiddenField().Matches(page).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).Where(f => f.Item1 is not ("oid" or "decision")).DistinctBy(f => f.Item1)
            .ToDictionary(f => f.Item1, f => f.Item2);
        fields["oid"] = oid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fields["decision"] = "grant";
        using var consent = await http.PostAsync(new Uri(authorize, "/aas/oauth2/v2/ac/consent"), new FormUrlEncodedContent(fields));
        return await http.GetAsync(consent.Headers.Location);
    }

    /// <summary>An operator logged in to the dashboard at <paramref name="site"/> through ESIA: a client with the session, based at the site.</summary>
    public static async Task<HttpClient> OperatorSessionAsync(Uri site, long oid)
    {
        var client = Client();
        client.BaseAddress = site;
        using var landed = await LogInAsync(client, new Uri(site, "/login"), oid);
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        return client;
    }

    /// <summary>A client that keeps cookies and lets the walk see every redirect.</summary>
    public static HttpClient Client(HttpMessageHandler? handler = null) =>
        new(handler ?? new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });

    [GeneratedRegex("name=\"([a-z_]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
