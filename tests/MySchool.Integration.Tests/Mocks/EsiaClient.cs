using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>A bare ESIA caller for testing the mock: the code flow by hand, redirects read, not followed.</summary>
public sealed class EsiaClient(MockSystem esia) : IDisposable
{
    public const string RedirectUri = "http://localhost:5080/signin-esia";
    public const string Scope = "openid fullname birthdate snils";

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = esia.BaseAddress };

    public static string Timestamp(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy.MM.dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0300";

    public Task<HttpResponseMessage> AuthorizeAsync(string state, DateTimeOffset? at = null, string redirectUri = RedirectUri) =>
        _http.GetAsync(new Uri(
            $"aas/oauth2/v2/ac?client_id=MYSCHOOL-GW&client_secret=c2lnbmF0dXJl&client_certificate_hash=abc&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            $"&scope={Uri.EscapeDataString(Scope)}&response_type=code&state={state}&access_type=offline&timestamp={Uri.EscapeDataString(Timestamp(at ?? DateTimeOffset.UtcNow))}",
            UriKind.Relative));

    /// <summary>What the consent page's button posts; answers the redirect's query.</summary>
    public async Task<Dictionary<string, string>> ConsentAsync(long oid, string state, string decision = "grant")
    {
        using var response = await _http.PostAsync(new Uri("aas/oauth2/v2/ac/consent", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "MYSCHOOL-GW",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = state,
            ["oid"] = oid.ToString(CultureInfo.InvariantCulture),
            ["decision"] = decision,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri, location.ToString(), StringComparison.Ordinal);
        return location.Query.TrimStart('?').Split('&').Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    }

    public async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>
        {
            ["client_id"] = "MYSCHOOL-GW",
            ["client_secret"] = "c2lnbmF0dXJl",
            ["state"] = Guid.NewGuid().ToString(),
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["timestamp"] = Timestamp(DateTimeOffset.UtcNow),
            ["token_type"] = "Bearer",
        };
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }

        using var response = await _http.PostAsync(new Uri("aas/oauth2/v3/te", UriKind.Relative), new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>The whole flow for one person: the tokens answer.</summary>
    public async Task<JsonNode> LoginAsync(long oid)
    {
        var state = Guid.NewGuid().ToString();
        var code = (await ConsentAsync(oid, state))["code"];
        var (status, body) = await TokenAsync(new() { ["code"] = code, ["grant_type"] = "authorization_code" });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<HttpResponseMessage> GetRawAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    public void Dispose() => _http.Dispose();
}
