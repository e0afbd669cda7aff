using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>
/// The gateway's own OAuth2 server (OpenIddict): machine clients from configuration get JWT access tokens by
/// client credentials at <c>POST /connect/token</c>, and every endpoint validates them locally. Clients live in
/// configuration, not in a database (OpenIddict's degraded mode), so the two handlers below do the client checks.
/// </summary>
public static class TokenServer
{
    public const string TokenPath = "/connect/token";

    public static WebApplicationBuilder AddExchangeAuth(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Exchange");
        var clients = section.GetSection("Clients").GetChildren()
            .ToDictionary(client => client.Key, client => client.Get<ExchangeClient>() ?? new ExchangeClient(), StringComparer.Ordinal);
        builder.Services.AddSingleton<IReadOnlyDictionary<string, ExchangeClient>>(clients);
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, SigningKeys>();
        builder.Services.AddRateLimiter(_ => { }); // the limiter's services; the limits are RateLimits' own

        builder.Services.AddOpenIddict()
            .AddServer(options =>
            {
                // One issuer for every process and port: a token from the HTTP/1 port is good on the gRPC port.
                options.SetIssuer(new Uri(section["Issuer"] ?? "https://gateway.myschool.local/"));
                options.SetTokenEndpointUris(TokenPath.TrimStart('/'))
                    .SetConfigurationEndpointUris(".well-known/openid-configuration")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");
                options.AllowClientCredentialsFlow();
                options.EnableDegradedMode();
                options.DisableTokenStorage();
                options.DisableAccessTokenEncryption();
                options.RegisterScopes(ExchangeScopes.All);
                options.SetAccessTokenLifetime(section.GetValue("TokenLifetime", TimeSpan.FromHours(1)));
                // TLS ends at the load balancer in front of the gateway processes.
                options.UseAspNetCore().DisableTransportSecurityRequirement();
                options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseSingletonHandler<ClientCredentialsCheck>());
                options.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseSingletonHandler<ClientCredentialsGrant>());
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
            });

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorization(options =>
        {
            foreach (var scope in ExchangeScopes.All)
            {
                options.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => ClientAccess.From(context.User).Can(scope)));
            }
        });
        return builder;
    }

    public static WebApplication UseExchangeAuth(this WebApplication app)
    {
        // The JSON APIs answer every refusal with a problem in Russian: a 401 or 403 from authorization has no body.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var detail = status switch
            {
                StatusCodes.Status401Unauthorized => "Нужен действующий токен доступа (Authorization: Bearer, POST /connect/token) или вход оператора",
                StatusCodes.Status403Forbidden => "Это действие вам не разрешено: нет нужной области доступа или роли",
                StatusCodes.Status404NotFound => "Такого адреса нет",
                StatusCodes.Status405MethodNotAllowed => "Этот метод HTTP здесь не принимается",
                _ => $"Запрос отклонён (HTTP {status})",
            };
            return Results.Problem(detail: detail, statusCode: status, title: "Запрос отклонён").ExecuteAsync(context.HttpContext);
        }));
        var limits = RateLimitOptions.From(app.Configuration);
        app.UseTokenRateLimits(limits);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseClientRateLimits(limits);
        return app;
    }

    /// <summary>Known client, right secret (compared in constant time), and only scopes the client was given.</summary>
    private sealed class ClientCredentialsCheck(IReadOnlyDictionary<string, ExchangeClient> clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (!context.Request.IsClientCredentialsGrantType())
            {
                context.Reject(Errors.UnsupportedGrantType, "Поддерживается только client_credentials");
            }
            else if (context.ClientId is null || !clients.TryGetValue(context.ClientId, out var client) || !SecretMatches(client.Secret, context.Request.ClientSecret))
            {
                context.Reject(Errors.InvalidClient, "Неизвестный клиент или неверный секрет");
            }
            else if (context.Request.GetScopes().Except(client.Scopes, StringComparer.Ordinal).ToList() is [_, ..] refused)
            {
                context.Reject(Errors.InvalidScope, $"Клиенту не выданы области: {string.Join(", ", refused)}");
            }

            return default;
        }

        private static bool SecretMatches(string expected, string? given) =>
            expected.Length > 0 && given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
    }

    /// <summary>The token: the client, its regions, its source system and the scopes asked for (all it has when none).</summary>
    private sealed class ClientCredentialsGrant(IReadOnlyDictionary<string, ExchangeClient> clients) : IOpenIddictServerHandler<HandleTokenRequestContext>
    {
        public ValueTask HandleAsync(HandleTokenRequestContext context)
        {
            var clientId = context.Request.ClientId!;
            var client = clients[clientId];
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, clientId));
            identity.AddClaim(new Claim(Claims.ClientId, clientId));
            identity.AddClaim(new Claim(ClientAccess.SourceSystemClaim, client.SourceSystem ?? clientId));
            foreach (var region in client.Regions)
            {
                identity.AddClaim(new Claim(ClientAccess.RegionClaim, region));
            }

            var principal = new ClaimsPrincipal(identity);
            var requested = context.Request.GetScopes();
            principal.SetScopes(requested.IsEmpty ? client.Scopes : requested);
            principal.SetDestinations(_ => [Destinations.AccessToken]);
            context.SignIn(principal);
            return default;
        }
    }
}
