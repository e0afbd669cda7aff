using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using MySchool.Integration.Gateway.Grpc;
using MySchool.Integration.Gateway.Rest;
using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Protos.Federal.V1;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>Calls a minute (section <c>RateLimits</c>): token requests per client id and per address; pushes and pulls per client.</summary>
public sealed record RateLimitOptions(int TokenPerClientPerMinute, int TokenPerAddressPerMinute, int PushPerClientPerMinute, int PullPerClientPerMinute)
{
    public static RateLimitOptions From(IConfiguration configuration) => new(
        configuration.GetValue("RateLimits:TokenPerClientPerMinute", 20),
        configuration.GetValue("RateLimits:TokenPerAddressPerMinute", 60),
        configuration.GetValue("RateLimits:PushPerClientPerMinute", 600),
        configuration.GetValue("RateLimits:PullPerClientPerMinute", 60_000));
}

/// <summary>
/// ASP.NET Core's rate limiter in fixed one-minute windows, answered in each surface's own refusal with
/// <c>Retry-After</c>:
/// <list type="bullet">
/// <item>guessing a client's secret is slowed to a crawl: <c>POST /connect/token</c> per client id and per remote
/// address, before OpenIddict sees the request (behind a balancer the address is the client's only when forwarded
/// headers are trusted); 429 with an OAuth-shaped body;</item>
/// <item>one client cannot starve the others: a vendor's pushes (gRPC VendorExchange, SOAP) and the federal
/// platform's pulls (gRPC FederalPull, REST) per authenticated client; gRPC RESOURCE_EXHAUSTED, a SOAP
/// Client.ResourceExhausted fault, a FHIR "throttled" OperationOutcome.</item>
/// </list>
/// </summary>
public static class RateLimits
{
    private const string PushSurface = "push";
    private const string PullSurface = "pull";

    private static readonly string VendorExchangePath = $"/{VendorExchange.Descriptor.FullName}/";
    private static readonly string FederalPullPath = $"/{FederalPull.Descriptor.FullName}/";

    public static IApplicationBuilder UseTokenRateLimits(this IApplicationBuilder app, RateLimitOptions limits) =>
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
                        RateLimitPartition.GetFixedWindowLimiter($"address:{context.Connection.RemoteIpAddress}", _ => Window(limits.TokenPerAddressPerMinute))),
                    PartitionedRateLimiter.Create<HttpContext, string>(context =>
                        RateLimitPartition.GetFixedWindowLimiter($"client:{TokenClientId(context)}", _ => Window(limits.TokenPerClientPerMinute)))),
                RejectionStatusCode = StatusCodes.Status429TooManyRequests,
                OnRejected = async (rejected, cancellationToken) =>
                {
                    var seconds = RetryAfter(rejected);
                    await rejected.HttpContext.Response.WriteAsJsonAsync(new Dictionary<string, string>
                    {
                        ["error"] = "slow_down",
                        ["error_description"] = $"Слишком много запросов токена: повторите через {seconds} с",
                    }, cancellationToken);
                },
            }));

    /// <summary>After authentication: the partition is the caller's client id; anonymous calls are refused by authorization anyway.</summary>
    public static IApplicationBuilder UseClientRateLimits(this IApplicationBuilder app, RateLimitOptions limits) =>
        app.UseRateLimiter(new RateLimiterOptions
        {
            GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                (Surface(context.Request), context.User.Identity?.IsAuthenticated == true ? ClientAccess.From(context.User).ClientId : "") switch
                {
                    (PushSurface, { Length: > 0 } client) => RateLimitPartition.GetFixedWindowLimiter($"push:{client}", _ => Window(limits.PushPerClientPerMinute)),
                    (PullSurface, { Length: > 0 } client) => RateLimitPartition.GetFixedWindowLimiter($"pull:{client}", _ => Window(limits.PullPerClientPerMinute)),
                    _ => RateLimitPartition.GetNoLimiter(""),
                }),
            RejectionStatusCode = StatusCodes.Status429TooManyRequests,
            OnRejected = async (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var reason = $"Слишком много вызовов клиента {ClientAccess.From(context.User).ClientId}: повторите через {RetryAfter(rejected)} с";
                if (TrailersOnly.IsGrpc(context.Request))
                {
                    TrailersOnly.Refuse(context.Response, global::Grpc.Core.StatusCode.ResourceExhausted, reason);
                }
                else if (context.Request.Path.StartsWithSegments(SoapHosting.Path))
                {
                    await CodedFaults.WriteAsync(context, StatusCodes.Status429TooManyRequests, nameof(global::Grpc.Core.StatusCode.ResourceExhausted), reason);
                }
                else
                {
                    await OperationOutcome.Throttled(reason).ExecuteAsync(context);
                }
            },
        });

    /// <summary>Vendors' calls (gRPC VendorExchange, SOAP) and the federal platform's reads (gRPC FederalPull, REST).</summary>
    private static string? Surface(HttpRequest request) => request.Path.Value switch
    {
        { } path when path.StartsWith(VendorExchangePath, StringComparison.Ordinal) => PushSurface,
        { } path when path.StartsWith(SoapHosting.Path, StringComparison.Ordinal) && HttpMethods.IsPost(request.Method) => PushSurface,
        { } path when path.StartsWith(FederalPullPath, StringComparison.Ordinal) => PullSurface,
        { } path when path.StartsWith(FederalRestApi.SchedulePath, StringComparison.Ordinal) || path.StartsWith(FederalRestApi.PortfolioPath, StringComparison.Ordinal) => PullSurface,
        _ => null,
    };

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    /// <summary>Seconds until the window opens again, also written as the Retry-After header.</summary>
    private static int RetryAfter(OnRejectedContext rejected)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>The client id of the form, or of Basic credentials (client_secret_basic); "?" when there is none.</summary>
    private static string TokenClientId(HttpContext context)
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
