using System.Net;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>
/// What browsers are told and what the gateway refuses to believe:
/// <list type="bullet">
/// <item>security headers on every answer (NetEscapades.AspNetCore.SecurityHeaders): a Content-Security-Policy that
/// runs scripts and styles of this site only, never inline ones, and lets no site frame a page; nosniff; a referrer
/// that leaves only as an origin;</item>
/// <item>X-Forwarded-For and X-Forwarded-Proto believed only from the proxies in <c>Gateway:TrustedProxies</c>
/// (addresses or CIDR networks; none by default, not even loopback): the rate limits key on the client's address and
/// cookies are Secure behind a TLS balancer;</item>
/// <item>every cookie HttpOnly, and Secure whenever the request came over HTTPS (as a trusted proxy says, or as
/// <c>Gateway:PublicUrl</c> says: <see cref="PublicAddress"/>).</item>
/// </list>
/// </summary>
public static class WebSecurity
{
    /// <summary>For Hangfire's dashboard, whose pages colour state cards with style attributes; still no inline script.</summary>
    public const string InlineStylesPolicy = "inline-styles";

    public static WebApplicationBuilder AddWebSecurity(this WebApplicationBuilder builder)
    {
        // Read when the options are first asked for: the configuration is complete by then.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var proxies = configuration.GetSection("Gateway:TrustedProxies").Get<string[]>() ?? [];
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                if (proxy.Contains('/', StringComparison.Ordinal))
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                }
                else
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            }
        });

        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.HttpOnly = HttpOnlyPolicy.Always;
            options.Secure = CookieSecurePolicy.SameAsRequest;
        });

        builder.Services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(policy => Headers(policy, inlineStyles: false))
            .AddPolicy(InlineStylesPolicy, policy => Headers(policy, inlineStyles: true));
        return builder;
    }

    /// <summary>First in the pipeline: everything after it sees the client's address, the public scheme and host, and answers with the headers.</summary>
    public static WebApplication UseWebSecurity(this WebApplication app)
    {
        // The middleware believes every sender when it knows no proxy: without one configured it is left out.
        var forwarding = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarding.KnownProxies.Count + forwarding.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UsePublicAddress();
        app.UseSecurityHeaders();
        app.UseCookiePolicy();
        return app;
    }

    private static void Headers(HeaderPolicyCollection policy, bool inlineStyles) => policy
        .AddDefaultSecurityHeaders()
        .AddReferrerPolicyStrictOriginWhenCrossOrigin()
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self();
            var styles = csp.AddStyleSrc().Self();
            if (inlineStyles)
            {
                styles.UnsafeInline();
            }

            csp.AddImgSrc().Self().Data();
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().None();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        });
}
