using Hangfire;
using MySchool.Integration.Core;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Operators;
using MySchool.Integration.Scheduler;

namespace MySchool.Integration.Gateway.Hosting;

public static class SyncHosting
{
    /// <summary>The engine over the regions of configuration section <c>Regions</c> (keyed by region code), and its jobs.</summary>
    public static WebApplicationBuilder AddSync(this WebApplicationBuilder builder)
    {
        var regions = builder.Configuration.GetSection("Regions").GetChildren()
            .Select(section => (section.Get<RegionSource>() ?? new RegionSource()) with { Code = section.Key });
        builder.Services.AddSyncEngine(regions);
        builder.Services.AddSingleton(new StoreRetry(
            builder.Configuration.GetValue("Sync:StoreRetries", StoreRetry.Default.Retries),
            TimeSpan.FromMilliseconds(builder.Configuration.GetValue("Sync:StoreRetryDelayMs", StoreRetry.Default.Delay.TotalMilliseconds))));
        builder.Services.AddSyncScheduling(new SchedulingOptions(
            TimeSpan.FromSeconds(builder.Configuration.GetValue("Scheduler:PollingSeconds", 15.0)),
            new RunWatchdogOptions(
                TimeSpan.FromMinutes(builder.Configuration.GetValue("Scheduler:WatchdogMinutes", 10.0)),
                TimeSpan.FromMinutes(builder.Configuration.GetValue("Scheduler:RetryPauseMinutes", 15.0)),
                builder.Configuration.GetValue("Scheduler:Retries", 2)),
            TimeSpan.FromSeconds(builder.Configuration.GetValue("Scheduler:InvisibilitySeconds", 30.0)),
            builder.Configuration.GetValue("Scheduler:Workers", 4)));
        return builder;
    }

    /// <summary>Recurring syncs per region, and the Hangfire dashboard for federal operators (it shows every region's jobs).</summary>
    public static WebApplication MapSync(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        SchedulerRegistration.ScheduleRegions(recurring, app.Services.GetRequiredService<RegionCatalog>());
        SchedulerRegistration.SchedulePeople(recurring);
        SchedulerRegistration.ScheduleImports(recurring);
        if (app.Services.GetService<Core.Communities.CommunitySync>() is not null)
        {
            SchedulerRegistration.ScheduleCommunities(recurring);
        }

        if (app.Services.GetService<Core.Notifications.IMailTransport>() is not null)
        {
            SchedulerRegistration.ScheduleMail(recurring);
        }

        app.MapHangfireDashboardWithAuthorizationPolicy(OperatorHosting.FederalOperatorPolicy, "/hangfire").WithSecurityHeadersPolicy(WebSecurity.InlineStylesPolicy);
        return app;
    }
}
