using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>
/// The dashboard in a hostile browser: security headers and no inline script on every page, the operator's session
/// cookie useless to another site, and cookies Secure behind HTTPS with forwarded headers believed from known proxies only.
/// </summary>
public partial class WebSecurityTests
{
    [Fact]
    public async Task EveryDashboardPage_CarriesTheSecurityHeaders_AndNoInlineScriptOrStyle()
    {
        await using var site = await SiteOnPorts.StartAsync();
        var run = await site.Harness.SyncAsync();
        var school = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school LIMIT 1");
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        foreach (var path in new[] { "/", "/regions/54", $"/runs/{run.Id}", $"/schools/{school}", "/quarantine", "/join-requests", "/login" })
        {
            using var response = await session.GetAsync(new Uri(site.Address, path));
            var html = await response.Content.ReadAsStringAsync();

            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
            var inline = InlineScriptOrStyle().Match(html);
            Assert.False(inline.Success, $"{path}: {inline.Value}");
        }
    }

    [Fact]
    public async Task HangfiresDashboard_MayStyleInline_ButRunsNoInlineScript()
    {
        await using var site = await SiteOnPorts.StartAsync();
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.FederalOperator);

        using var response = await session.GetAsync(new Uri(site.Address, "/hangfire"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [Fact]
    public async Task ASessionCookieAlone_CannotStartARun_OnlyWithThePagesAntiforgeryToken()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);
        var region = await session.GetStringAsync(new Uri(site.Address, "/regions/54"));
        var runsBefore = await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run");

        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri(site.Address, "/api/sync/54"));
        forged.Headers.Add("Origin", "https://evil.example");
        using var refused = await session.SendAsync(forged);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        var afterRefusal = await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run");

        using var fromThePage = new HttpRequestMessage(HttpMethod.Post, new Uri(site.Address, "/api/sync/54"));
        fromThePage.Headers.Add("RequestVerificationToken", PageForms.AntiforgeryToken(region));
        using var accepted = await session.SendAsync(fromThePage);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("antiforgery", problem!["code"]!.GetValue<string>());
        Assert.Equal(runsBefore, afterRefusal);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Theory]
    [InlineData("operator-54", HttpStatusCode.Accepted)]   // the token decides, whatever the cookie says
    [InlineData("vendor-54", HttpStatusCode.Forbidden)]    // a token without the scope is refused, the cookie does not help
    [InlineData(null, HttpStatusCode.Unauthorized)]        // a token that is no token
    public async Task ATokenAndASessionCookieTogether_AreAnsweredByTheToken_NeverWith500(string? client, HttpStatusCode expected)
    {
        await using var site = await SiteOnPorts.StartAsync();
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);
        using var both = new HttpRequestMessage(HttpMethod.Post, new Uri(site.Address, "/api/sync/54"));
        both.Headers.Authorization = new("Bearer", client is null ? "a.b.c" : await site.Gateway.TokenAsync(client));

        using var answer = await session.SendAsync(both);

        Assert.Equal(expected, answer.StatusCode);
        if (expected != HttpStatusCode.Accepted)
        {
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData(null, false)]           // no proxy trusted: a forged X-Forwarded-Proto changes nothing
    [InlineData("10.0.0.0/8", false)]   // a trusted network the request did not come from
    [InlineData("127.0.0.1", true)]     // the balancer on this machine says the client came over HTTPS
    public async Task ForwardedHeaders_AreBelievedFromConfiguredProxiesOnly(string? proxy, bool secure)
    {
        // No public address: the scheme is the proxy's word alone.
        var settings = new Dictionary<string, string> { ["Gateway:PublicUrl"] = "" };
        if (proxy is not null)
        {
            settings["Gateway:TrustedProxies:0"] = proxy;
        }

        await using var site = await SiteOnPorts.StartAsync(settings);

        var cookie = await LoginStateCookieAsync(site, forwardedProto: "https");

        Assert.Equal(secure, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnHttpsPublicUrl_MakesEveryCookieSecure()
    {
        await using var site = await SiteOnPorts.StartAsync(new Dictionary<string, string> { ["Gateway:PublicUrl"] = "https://gateway.myschool.example" });

        var cookie = await LoginStateCookieAsync(site, forwardedProto: null);

        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The first cookie the site sets: the login state, written when the operator is sent to ESIA.</summary>
    private static async Task<string> LoginStateCookieAsync(SiteOnPorts site, string? forwardedProto)
    {
        using var client = EsiaWalk.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(site.Address, "/login"));
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await client.SendAsync(request);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".myschool.esia-state=", StringComparison.Ordinal));
    }

    /// <summary>A script element without src, a style element or attribute, or an on… handler attribute.</summary>
    [GeneratedRegex("""<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScriptOrStyle();

    [GeneratedRegex("""<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
