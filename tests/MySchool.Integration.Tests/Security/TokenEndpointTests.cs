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

    [Fact]
    public async Task GuessingSecrets_IsSlowedPerClient_429WithRetryAfter_WhileAnotherClientStillGetsItsToken()
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync(), new Dictionary<string, string>
        {
            ["RateLimits:TokenPerClientPerMinute"] = "5",
        });
        using var http = new HttpClient { BaseAddress = gateway.ServeOnKestrel() };

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var guess = await TokenAsync(http, "vendor-54", $"guess-{i}");
            guesses.Add(guess.StatusCode);
        }

        using var rightButLate = await TokenAsync(http, "vendor-54", "vendor54-secret");
        using var other = await TokenAsync(http, "vendor-11", "vendor11-secret");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], guesses);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButLate.StatusCode);
        Assert.True(int.Parse(rightButLate.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal("slow_down", (await rightButLate.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task ManyClientsFromOneAddress_AreSlowedPerAddress()
    {
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync(), new Dictionary<string, string>
        {
            ["RateLimits:TokenPerAddressPerMinute"] = "4",
        });
        using var http = new HttpClient { BaseAddress = gateway.ServeOnKestrel() };

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await TokenAsync(http, $"stranger-{i}", "secret");
            answers.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)], answers);
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient http, string clientId, string secret) =>
        http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
}
