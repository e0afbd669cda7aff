using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>POST /connect/token: client credentials from configuration, JWTs every gateway process accepts.</summary>
public class TokenTests
{
    [Fact]
    public async Task ClientCredentials_GiveAJwt_WithTheClientsScopesRegionsAndSourceSystem()
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());

        var token = new JsonWebToken(await gateway.TokenAsync("vendor-54"));

        Assert.Equal("vendor-54", token.GetClaim("client_id").Value);
        Assert.Equal("vendor54", token.GetClaim("source_system").Value);
        Assert.Equal(["54"], token.Claims.Where(c => c.Type == "region").Select(c => c.Value));
        Assert.Equal("exchange.push journal.read", token.GetClaim("scope").Value);
        Assert.True(token.ValidTo > DateTime.UtcNow.AddMinutes(50));
    }

    [Fact]
    public async Task AToken_IssuedByOneGateway_IsAcceptedByAnother_OnTheSameDatabase()
    {
        var database = await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync();
        await using var first = new GatewayFactory(database);
        await using var second = new GatewayFactory(database);
        var token = await first.TokenAsync("federal");
        var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        using var response = await client.GetAsync(new Uri("/Schedule/1000000001?start=2023-11-06&end=2023-11-12", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // authenticated: the person simply is not there
    }

    [Theory]
    [InlineData("vendor-54", "wrong-secret", null, "invalid_client")]
    [InlineData("stranger", "vendor54-secret", null, "invalid_client")]
    [InlineData("vendor-54", "vendor54-secret", "federal.read", "invalid_scope")]
    public async Task BadClientOrScope_IsRefused_WithAnOAuthError(string clientId, string secret, string? scope, string error)
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await gateway.CreateClient().PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(form));

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_AnswersWithoutAToken_AndNamesTheTokenEndpointAndKeys()
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync());

        var discovery = await gateway.CreateClient().GetFromJsonAsync<JsonObject>(new Uri("/.well-known/openid-configuration", UriKind.Relative));
        var keys = await gateway.CreateClient().GetFromJsonAsync<JsonObject>(new Uri("/.well-known/jwks", UriKind.Relative));

        Assert.EndsWith("/connect/token", discovery!["token_endpoint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("RSA", keys!["keys"]![0]!["kty"]!.GetValue<string>());
    }
}
