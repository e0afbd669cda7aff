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
        await using var gateway = new GatewayFactory(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync(), new Dictionary<string, string>
        {
            ["Gateway:PublicUrl"] = "https://gateway.myschool.example",
        });
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
}
