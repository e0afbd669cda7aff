using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Store;
using Npgsql;

namespace MySchool.Integration.Core;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> for the federal database, and its migrator. The connection string is
    /// resolved when the data source is first needed, so hosts and tests can set it through any configuration.
    /// </summary>
    public static IServiceCollection AddFederalStore(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.AddSingleton(provider => NpgsqlDataSource.Create(connectionString(provider)));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FederalFeed>();
        services.AddSingleton(provider => new FederalReadPool(connectionString(provider)));
        services.AddSingleton(provider => new ScheduleReader(provider.GetRequiredService<FederalReadPool>().DataSource));
        services.AddSingleton(provider => new ScheduleSignals(connectionString(provider), provider.GetRequiredService<ILogger<ScheduleSignals>>()));
        services.AddSingleton<PortfolioReader>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<DiaryExtracts>();
        services.AddSingleton<Access.Appointments>();
        services.AddSingleton<SchoolOwnership>();
        services.AddSingleton<SchoolRegistry>();
        services.AddSingleton<ImportUploads>();
        services.AddSingleton<MonitoringReader>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<QuarantineReview>();
        services.AddSingleton<SchoolProfileReader>();
        services.AddSingleton<TeacherInvitations>();
        services.AddSingleton<YearRollover>();
        services.AddSingleton<FamilyRequests>();
        services.AddSingleton<AccountLinking>();
        services.AddSingleton<Notifications.MailOutbox>();
        return services;
    }
}
