using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Communities;

namespace MySchool.Integration.Adapters.Sferum;

public static class SferumRegistration
{
    /// <summary>«Сферум» as the community platform, when configuration names its address; otherwise nothing.</summary>
    public static IServiceCollection AddSferum(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Sferum").Get<SferumOptions>();
        if (options?.BaseUrl is null)
        {
            return services;
        }

        services.AddHttpClient("sferum", client => client.Timeout = TimeSpan.FromSeconds(30));
        // One client per process: its pacing and its token are shared by every job.
        services.AddSingleton<ICommunityPlatform>(provider => new SferumClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient("sferum"), options, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CommunitySync>();
        return services;
    }
}
