using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Rk;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>A bare NetSchool caller for testing the mock: cookies, the four-step login, the <c>at</c> header.</summary>
public sealed class NetSchoolClient : IDisposable
{
    private static readonly NetSchoolOptions Account = new();

    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;
    private readonly Uri _base;

    public NetSchoolClient(MockSystem rk)
    {
        _base = rk.BaseAddress;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, UseCookies = true }) { BaseAddress = rk.BaseAddress };
    }

    public JsonNode? LoginAnswer { get; private set; }

    public CookieCollection Cookies => _cookies.GetCookies(_base);

    /// <summary>Steps 1–4; answers the login call's status.</summary>
    public async Task<HttpStatusCode> LoginAsync(string? password = null, bool newForm = false)
    {
        (await _http.GetAsync(new Uri("webapi/logindata", UriKind.Relative))).EnsureSuccessStatusCode();
        var form = await _http.GetFromJsonAsync<JsonObject>(new Uri("webapi/prepareloginform", UriKind.Relative));
        using var challengeResponse = await _http.PostAsync(new Uri("webapi/auth/getdata", UriKind.Relative), null);
        var challenge = (await challengeResponse.Content.ReadFromJsonAsync<JsonObject>())!;
        var pw2 = NetSchoolPassword.Pw2(challenge["salt"]!.GetValue<string>(), password ?? Account.Password);
        var fields = newForm
            ? new Dictionary<string, string> { ["loginType"] = "2", ["lt"] = challenge["lt"]!.GetValue<string>(), ["ver"] = challenge["ver"]!.GetValue<string>(), ["un"] = Account.UserName, ["pw2"] = pw2, ["scid"] = form!["scid"]!.ToString() }
            : new Dictionary<string, string>
            {
                ["LoginType"] = "2",
                ["cid"] = "2",
                ["sid"] = "11",
                ["pid"] = "-1",
                ["cn"] = "1",
                ["sft"] = "2",
                ["scid"] = form!["scid"]!.ToString(),
                ["UN"] = Account.UserName,
                ["lt"] = challenge["lt"]!.GetValue<string>(),
                ["ver"] = challenge["ver"]!.GetValue<string>(),
                ["pw2"] = pw2,
                ["PW"] = pw2[..(password ?? Account.Password).Length],
            };
        using var request = new HttpRequestMessage(HttpMethod.Post, newForm ? "webapi/auth/login" : "webapi/login") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Referrer = new Uri(_base, newForm ? "authorize/login" : string.Empty);
        using var response = await _http.SendAsync(request);
        LoginAnswer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        if (response.IsSuccessStatusCode)
        {
            _http.DefaultRequestHeaders.Remove("at");
            _http.DefaultRequestHeaders.Add("at", LoginAnswer!["at"]!.GetValue<string>());
        }

        return response.StatusCode;
    }

    /// <param name="at">The session header to send with this call alone (after <see cref="DropSessionHeader"/>).</param>
    public async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> GetRawAsync(string path, string? at = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"webapi/{path}", UriKind.Relative));
        if (at is not null)
        {
            request.Headers.Add("at", at);
        }

        var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        var (status, text, response) = await GetRawAsync(path);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {text}");
        return JsonNode.Parse(text)!;
    }

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent? content = null) => _http.PostAsync(new Uri(path, UriKind.Relative), content);

    /// <summary>Stops sending the session's <c>at</c> header (the cookies stay): what a careless client does.</summary>
    public void DropSessionHeader() => _http.DefaultRequestHeaders.Remove("at");

    public void Dispose() => _http.Dispose();
}
