using System.Net;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>The addresses the gateway hands ESIA come from Gateway:PublicUrl, never from a forged Host header.</summary>
public class PublicAddressTests
{
    [Fact]
    public async Task LoginAndLogout_SendEsiaThePublicAddress_WhateverTheHostHeaderSays()
    {
        await using var gateway = await BehindABalancerAsync();
        var client = gateway.CreateClient(new() { AllowAutoRedirect = false });

        using var login = new HttpRequestMessage(HttpMethod.Get, new Uri("/login", UriKind.Relative));
        login.Headers.Host = "evil.example";
        using var toEsia = await client.SendAsync(login);
        using var logout = new HttpRequestMessage(HttpMethod.Get, new Uri("/logout", UriKind.Relative));
        logout.Headers.Host = "evil.example";
        using var outOfEsia = await client.SendAsync(logout);

        Assert.Equal(HttpStatusCode.Redirect, toEsia.StatusCode);
        var loginLocation = Uri.UnescapeDataString(toEsia.Headers.Location!.ToString());
        Assert.Contains("redirect_uri=https://gateway.myschool.example/login/callback", loginLocation, StringComparison.Ordinal);
        var logoutLocation = Uri.UnescapeDataString(outOfEsia.Headers.Location!.ToString());
        Assert.Contains("redirect_url=https://gateway.myschool.example/", logoutLocation, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", loginLocation + logoutLocation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/soap/exchange?wsdl", "location=\"https://gateway.myschool.example/soap/exchange\"")]
    [InlineData("/openapi/v1.json", "\"url\": \"https://gateway.myschool.example/\"")]
    public async Task TheWsdlAndOpenApi_NameThePublicAddress_WhateverTheHostHeaderSays(string path, string expected)
    {
        await using var gateway = await BehindABalancerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Host = "evil.example";

        using var response = await gateway.CreateClient().SendAsync(request);
        var document = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, document, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", document, StringComparison.Ordinal);
    }

    private static async Task<GatewayFactory> BehindABalancerAsync() =>
        new(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync(), new Dictionary<string, string>
        {
            ["Gateway:PublicUrl"] = "https://gateway.myschool.example",
        });
}
