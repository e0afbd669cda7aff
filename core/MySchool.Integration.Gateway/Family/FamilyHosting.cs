using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Gateway.Operators;
using OpenIddict.Abstractions;

namespace MySchool.Integration.Gateway.Family;

/// <summary>
/// Parents' and students' sessions (004 §3.6): logged in through ESIA, they file requests to join a school. The
/// session keeps the person's ESIA token, because reading their children (<c>/kids</c>) needs it, and lasts no
/// longer than that token.
/// </summary>
public static class FamilyHosting
{
    public const string Scheme = "Family";
    public const string Policy = "family";
    public const string HomePath = "/family";
    public const string LoginPath = "/family/login";
    private const string AccessToken = "access_token";

    public static WebApplicationBuilder AddFamilies(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = ".myschool.family";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromMinutes(55);
            options.SlidingExpiration = false;
            options.LoginPath = LoginPath;
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>The end of a family's ESIA login: a session under their oid, carrying their ESIA token.</summary>
    internal static async Task<IResult> SignInAsync(HttpContext context, long oid, string accessToken, IIdentityDirectory directory, AuditLog audit, CancellationToken cancellationToken)
    {
        var identity = new ClaimsIdentity(Scheme, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, oid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Name, await OperatorLogin.NameAsync(directory, oid, accessToken, cancellationToken)));
        var properties = new AuthenticationProperties();
        properties.StoreTokens([new AuthenticationToken { Name = AccessToken, Value = accessToken }]);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), properties);
        await audit.RecordAsync($"esia:{oid}", "family.login", null, new { }, cancellationToken);
        return Results.Redirect(HomePath);
    }

    /// <summary>The logged-in person's oid and ESIA token.</summary>
    public static async Task<(long Oid, string AccessToken)?> SessionAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        return result.Succeeded
            && long.TryParse(result.Principal.FindFirstValue(OpenIddictConstants.Claims.Subject), System.Globalization.CultureInfo.InvariantCulture, out var oid)
            && result.Properties.GetTokenValue(AccessToken) is { } token
            ? (oid, token)
            : null;
    }
}
