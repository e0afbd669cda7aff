using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>The token endpoint over real HTTP (Kestrel, as deployed), probed as an attacker or a careless client would.</summary>
public class TokenEndpointTests
{
    [Theory]
    [InlineData("vendor-54", "wrong-secret")]
    [InlineData("stranger", "vendor54-secret")]
    public async Task AWrongSecretOrAnUnknownClient_Is401InvalidClient_WithAnRfc6749BodyInRussian(string clientId, string secret)
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());
        using var http = new HttpClient { BaseAddress = gateway.ServeOnKestrel() };

        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.Matches("[А-Яа-я]", body["error_description"]!.GetValue<string>());
    }
}
