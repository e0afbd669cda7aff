using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;
using Npgsql;

namespace MySchool.Integration.Scheduler;

/// <summary>How the gateway's Hangfire server runs (section <c>Scheduler</c>).</summary>
/// <param name="SchedulePolling">How often servers look for due recurring and delayed jobs (Hangfire's default is 15 s).</param>
/// <param name="Watchdog">When the watchdog ends a run that stopped moving, and retries one that failed on an outage.</param>
/// <param name="Invisibility">How long after its process died a job is taken up by another server.</param>
public sealed record SchedulingOptions(TimeSpan SchedulePolling, RunWatchdogOptions Watchdog, TimeSpan Invisibility, int Workers = 4);

public static class SchedulerRegistration
{
    /// <summary>
    /// Hangfire on the federal database (schema <c>hangfire</c>), following ENGINEERING.md: a sliding invisibility
    /// timeout so a long sync is not handed to a second worker, a lock timeout longer than any locked job, and
    /// LISTEN/NOTIFY instead of a tight poll.
    /// </summary>
    public static IServiceCollection AddSyncScheduling(this IServiceCollection services, SchedulingOptions options)
    {
        // The storage is this provider's own singleton. Hangfire's AddHangfire would hand every host in a process
        // the static JobStorage.Current, the last one configured: two hosts in one process (the tests run
        // several) could then enqueue into each other's databases.
        services.AddSingleton<JobStorage>(provider => Storage(provider.GetRequiredService<NpgsqlDataSource>(), options.Invisibility));
        // The same for the job activator: Hangfire's default is the static JobActivator.Current, set by the last
        // host configured; once that host is disposed, every other host's jobs fail ("Cannot access a disposed
        // object: IServiceProvider") and the rest stay enqueued.
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, configuration) => configuration
            .UseLogProvider(new HostLogProvider(provider.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer(server =>
        {
            server.WorkerCount = options.Workers;
            server.SchedulePollingInterval = options.SchedulePolling;
        });
        services.AddTransient<SyncJobs>();
        services.AddSingleton(options.Watchdog);
        services.AddTransient<RunWatchdog>();
        services.AddTransient<CommunityJobs>();
        services.AddTransient<PeopleJobs>();
        services.AddTransient<ImportJobs>();
        return services;
    }

    /// <summary>
    /// Per region the gateway pulls (a push-only region has no adapter), in its own time zone: the sync on its cron,
    /// and the monthly reconciliation; and every minute the watchdog that ends runs whose jobs are gone.
    /// </summary>
    public static void ScheduleRegions(IRecurringJobManager jobs, RegionCatalog regions)
    {
        jobs.AddOrUpdate<RunWatchdog>("run-watchdog", watchdog => watchdog.CheckAsync(CancellationToken.None), "* * * * *");
        foreach (var region in regions.Regions.Where(region => region.Adapter.Length > 0))
        {
            jobs.AddOrUpdate<SyncJobs>(
                $"sync-region-{region.Code}",
                job => job.ScheduledAsync(region.Code, CancellationToken.None),
                region.Schedule,
                new RecurringJobOptions { TimeZone = region.Zone });
            jobs.AddOrUpdate<SyncJobs>(
                $"reconcile-region-{region.Code}",
                job => job.ReconcileAsync(region.Code, CancellationToken.None),
                "0 4 1 * *", // the 1st of every month, at night in the region
                new RecurringJobOptions { TimeZone = region.Zone });
        }
    }

    /// <summary>Every quarter of an hour, invitations past their 24 hours expire; every night, the year rollover's check.</summary>
    public static void SchedulePeople(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<PeopleJobs>("people-expire-invitations", job => job.ExpireInvitationsAsync(CancellationToken.None), "*/15 * * * *");
        jobs.AddOrUpdate<PeopleJobs>("people-year-rollover", job => job.RollOverYearAsync(CancellationToken.None), "30 0 * * *");
        jobs.AddOrUpdate<PeopleJobs>("people-link-esia", job => job.LinkEsiaAccountsAsync(CancellationToken.None), "0 2 * * *");
    }

    /// <summary>Every night, uploaded files past their keeping are deleted.</summary>
    public static void ScheduleImports(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<ImportJobs>("imports-forget-uploads", job => job.ForgetUploadsAsync(CancellationToken.None), "15 1 * * *");

    /// <summary>The outbox's delivery, when a mail relay is configured.</summary>
    public static void ScheduleMail(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<MailJobs>("mail-deliver", job => job.DeliverAsync(CancellationToken.None), "* * * * *");

    /// <summary>The community platform's recurring duties, when a platform is configured.</summary>
    public static void ScheduleCommunities(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<CommunityJobs>("community-join-requests", job => job.JoinRequestsAsync(CancellationToken.None), "*/30 * * * *");

    /// <summary>
    /// Creates Hangfire's tables in the federal database, as the first gateway process to start on it would: the tests
    /// prepare their template database once, rather than every test's gateway its own copy (about 0.2 s each).
    /// </summary>
    public static void PrepareStorage(NpgsqlDataSource dataSource) => Storage(dataSource, TimeSpan.FromSeconds(30));

    private static PostgreSqlStorage Storage(NpgsqlDataSource dataSource, TimeSpan invisibility) => new(
        new DataSourceConnectionFactory(dataSource),
        new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // A running job's row is touched every fifth of this; a job whose process died is fetched again by
            // another server once its row is this old (measured in BENCHMARKS.md: SIGKILL to the run's end).
            InvisibilityTimeout = invisibility,
            UseSlidingInvisibilityTimeout = true,
            // A lock left by a killed process (Hangfire's own, taken for a moment while it moves a job from state
            // to state, or DisableConcurrentExecution's) blocks that job until it is this old: the same bound as
            // above. The locked jobs take seconds, and a region never runs twice at once whatever this says
            // (SyncRuns.QueueOnceAsync holds its own lock).
            DistributedLockTimeout = invisibility,
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(5),
        });

    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
