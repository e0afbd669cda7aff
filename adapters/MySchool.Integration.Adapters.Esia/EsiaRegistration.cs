using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.People;

namespace MySchool.Integration.Adapters.Esia;

public static class EsiaRegistration
{
    /// <summary>ESIA from configuration section <c>Esia</c>: the login's signer and verifier, and the people directory.</summary>
    public static IServiceCollection AddEsia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Esia").Get<EsiaOptions>() ?? new EsiaOptions());
        services.AddSingleton<IEsiaClientSecret, DevelopmentClientSecret>();
        services.AddSingleton<IEsiaTokenVerifier, JwksTokenVerifier>();
        // A slow ESIA must not hold a family's page or a night's linking for long.
        services.AddHttpClient(nameof(EsiaDirectory), client => client.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<IIdentityDirectory>(provider => new EsiaDirectory(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(EsiaDirectory)), provider.GetRequiredService<EsiaOptions>(),
            provider.GetRequiredService<IEsiaClientSecret>(), provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
