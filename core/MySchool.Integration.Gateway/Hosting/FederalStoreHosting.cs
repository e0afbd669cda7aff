using MySchool.Integration.Core;
using MySchool.Integration.Core.Store;

namespace MySchool.Integration.Gateway.Hosting;

public static class FederalStoreHosting
{
    public const string ConnectionStringName = "Federal";

    public static WebApplicationBuilder AddFederalStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddFederalStore(provider =>
            provider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set"));
        return builder;
    }

    /// <summary>Applies pending migrations before the host serves anything: no endpoint ever sees an old schema.</summary>
    public static async Task MigrateFederalStoreAsync(this WebApplication app)
    {
        var applied = await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        app.Logger.StoreMigrated(applied.Count == 0 ? "none" : string.Join(", ", applied));
    }
}
