using System.Net;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Hosting;
using MySchool.Integration.Mocks.Nso;

namespace MySchool.Integration.Tests.Mocks;

/// <summary>A bare ЭлЖур caller for testing the mock itself: the raw status and body, nothing interpreted.</summary>
public sealed class EljurClient(HttpClient http, MockSystem nso)
{
    private static readonly EljurOptions Account = new();

    public string Token { get; private set; } = string.Empty;

    public async Task<string> AuthenticateAsync()
    {
        var (_, body) = await CallAsync("auth", ("login", Account.Login), ("password", Account.Password));
        Token = body!["response"]!["result"]!["token"]!.GetValue<string>();
        return Token;
    }

    public async Task<(HttpStatusCode Status, string Text)> CallRawAsync(string method, params (string Name, string Value)[] parameters)
    {
        var query = string.Join('&', new[] { ("devkey", Account.DevKey), ("vendor", Account.Vendor), ("out_format", "json"), ("auth_token", Token) }
            .Concat(parameters).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
        using var response = await http.GetAsync(new Uri(nso.BaseAddress, $"apiv3/{method}?{query}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(string method, params (string Name, string Value)[] parameters)
    {
        var (status, text) = await CallRawAsync(method, parameters);
        return (status, JsonNode.Parse(text));
    }

    /// <summary>The <c>result</c> of a successful call.</summary>
    public async Task<JsonNode> ResultAsync(string method, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await CallAsync(method, parameters);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body!["response"]!["state"]!.GetValue<int>());
        return body["response"]!["result"]!;
    }
}
