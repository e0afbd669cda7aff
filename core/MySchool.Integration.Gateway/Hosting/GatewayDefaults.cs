using System.Text;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Net.Http.Headers;
using MySchool.Integration.Gateway.Health;
using Prometheus;

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>What every gateway process has whatever it serves: JSON logs, web security, health and metrics.</summary>
public static class GatewayDefaults
{
    public const string HealthPath = "/healthz";
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddGatewayDefaults(this WebApplicationBuilder builder)
    {
        // One JSON object per line: what log shippers parse without a custom grammar; every SNILS masked.
        builder.Logging.ClearProviders()
            .AddConsole(options => options.FormatterName = MaskedJsonFormatter.Name)
            .AddConsoleFormatter<MaskedJsonFormatter, JsonConsoleFormatterOptions>(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });

        builder.AddWebSecurity();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddSingleton<RunMetrics>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();

        // Refusals carry their Russian reason in WWW-Authenticate too (OpenIddict's error_description). Kestrel refuses
        // non-ASCII header values and answered a wrong client secret with a bare 500; UTF-8 there (obs-text to
        // RFC 9110) keeps the 401 and its RFC 6749 body.
        builder.WebHost.ConfigureKestrel(options =>
            options.ResponseHeaderEncodingSelector = name => string.Equals(name, HeaderNames.WWWAuthenticate, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null);
        return builder;
    }

    public static WebApplication MapGatewayDefaults(this WebApplication app)
    {
        app.UseWebSecurity();
        app.UseHttpMetrics();
        app.MapHealthChecks(HealthPath, new() { ResponseWriter = HealthReportWriter.WriteAsync });
        // The process's metrics (HTTP, runtime, the engine's counters), then this host's run gauges.
        app.MapGet(MetricsPath, async (HttpContext context, RunMetrics runs) =>
        {
            context.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
            await runs.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        return app;
    }
}
