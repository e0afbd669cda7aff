using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using MySchool.Integration.Adapters.Esia;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Gateway.Auth;
using Npgsql;
using OpenIddict.Validation.AspNetCore;

namespace MySchool.Integration.Gateway.Operators;

/// <summary>Operators' sessions (ESIA login, a cookie) and the authorization every operator surface shares.</summary>
public static class OperatorHosting
{
    /// <summary>A logged-in operator of at least one region.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>An operator of every region: Hangfire's dashboard shows every region's jobs.</summary>
    public const string FederalOperatorPolicy = "federal-operator";

    /// <summary>
    /// The sync API's one way in: a request that carries an Authorization header is its token's and nothing else's;
    /// one without it is the operator's session. Two identities at once (a token beside the cookie) never meet.
    /// </summary>
    private const string SessionOrTokenScheme = "session-or-token";

    public static WebApplicationBuilder AddOperators(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient();

        services.AddDataProtection().SetApplicationName("MySchool.Integration.Gateway");
        services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresKeyRepository(dataSource));

        services.AddAuthentication()
            .AddPolicyScheme(SessionOrTokenScheme, SessionOrTokenScheme, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Authorization) ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme : OperatorLogin.Scheme)
            .AddCookie(OperatorLogin.Scheme, options =>
        {
            options.Cookie.Name = ".myschool.operator";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/login";
            options.AccessDeniedPath = "/denied";
            // APIs answer 401/403; pages send the browser to the ESIA login.
            options.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, policy => policy.AddAuthenticationSchemes(OperatorLogin.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.HasClaim(c => c.Type is ClientAccess.RegionClaim or ClientAccess.MunicipalityClaim or ClientAccess.SchoolClaim)))
            .AddPolicy(FederalOperatorPolicy, policy => policy.AddAuthenticationSchemes(OperatorLogin.Scheme).RequireClaim(ClientAccess.RegionClaim, "*"))
            // The sync API: an operator's session or a script's token with the scope.
            .AddPolicy(ExchangeScopes.SyncManage, policy => policy
                .AddAuthenticationSchemes(SessionOrTokenScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => ClientAccess.From(context.User).Can(ExchangeScopes.SyncManage)));
        return builder;
    }

    /// <summary>
    /// Configuration's operators (<c>Operators:{oid}:Regions</c>: <c>*</c> or region codes) become the first
    /// appointments: the federal operators and the first regional coordinators. Everyone else is appointed in the dashboard.
    /// </summary>
    public static Task SeedAppointmentsAsync(this WebApplication app) =>
        app.Services.GetRequiredService<Appointments>().SeedAsync(
            from section in app.Configuration.GetSection("Operators").GetChildren()
            from region in (section.Get<OperatorRole>() ?? new OperatorRole()).Regions
            select (long.Parse(section.Key, CultureInfo.InvariantCulture), region),
            app.Lifetime.ApplicationStopping);

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
