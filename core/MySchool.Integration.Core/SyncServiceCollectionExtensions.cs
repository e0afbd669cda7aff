using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Core;

public static class SyncServiceCollectionExtensions
{
    /// <summary>The engine, its run records and the region catalog; regions are registered by the host, adapters by their packages.</summary>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services, IEnumerable<RegionSource> regions)
    {
        foreach (var region in regions)
        {
            services.AddSingleton(region);
        }

        services.AddSingleton<SyncRuns>();
        services.AddSingleton<PushIngest>();
        services.AddSingleton<SyncEngine>();
        services.AddSingleton<RegionCatalog>();
        return services;
    }
}
