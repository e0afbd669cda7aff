using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>How many token requests a minute one client id, and one address, may make (section <c>RateLimits</c>).</summary>
public sealed record TokenRateLimitOptions(int PerClientPerMinute, int PerAddressPerMinute);

/// <summary>
/// Guessing a client's secret is slowed to a crawl: <c>POST /connect/token</c> is limited per client id and per
/// remote address (ASP.NET Core's rate limiter, fixed one-minute windows), answered 429 with <c>Retry-After</c> and
/// an OAuth-shaped body. It runs before OpenIddict sees the request; behind a balancer the address is the client's
/// only when forwarded headers are trusted.
/// </summary>
public static class TokenRateLimits
{
    public static TokenRateLimitOptions From(IConfiguration configuration) => new(
        configuration.GetValue("RateLimits:TokenPerClientPerMinute", 20),
        configuration.GetValue("RateLimits:TokenPerAddressPerMinute", 60));

    public static IApplicationBuilder UseTokenRateLimits(this IApplicationBuilder app, TokenRateLimitOptions limits) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(TokenServer.TokenPath), token => token
            .Use(async (context, next) =>
            {
                // The client id is in the form (or Basic credentials): read it now, so the limiter's key is at hand.
                if (context.Request.HasFormContentType)
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }

                await next(context);
            })
            .UseRateLimiter(new RateLimiterOptions
            {
                GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    PartitionedRateLimiter.Create<HttpContext, string>(context =>
                        RateLimitPartition.GetFixedWindowLimiter($"address:{context.Connection.RemoteIpAddress}", _ => Window(limits.PerAddressPerMinute))),
                    PartitionedRateLimiter.Create<HttpContext, string>(context =>
                        RateLimitPartition.GetFixedWindowLimiter($"client:{ClientId(context)}", _ => Window(limits.PerClientPerMinute)))),
                RejectionStatusCode = StatusCodes.Status429TooManyRequests,
                OnRejected = async (rejected, cancellationToken) =>
                {
                    var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
                    rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    await rejected.HttpContext.Response.WriteAsJsonAsync(new Dictionary<string, string>
                    {
                        ["error"] = "slow_down",
                        ["error_description"] = $"Слишком много запросов токена: повторите через {seconds} с",
                    }, cancellationToken);
                },
            }));

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    /// <summary>The client id of the form, or of Basic credentials (client_secret_basic); "?" when there is none.</summary>
    private static string ClientId(HttpContext context)
    {
        if (context.Request.HasFormContentType && context.Request.Form["client_id"] is [{ } id])
        {
            return id;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var credentials = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                return Uri.UnescapeDataString(credentials.Split(':')[0]);
            }
            catch (FormatException)
            {
            }
        }

        return "?";
    }
}
