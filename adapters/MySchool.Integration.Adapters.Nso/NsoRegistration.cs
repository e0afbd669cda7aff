using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>Creates the ЭлЖур adapter for a region configured with <c>"Adapter": "nso"</c>.</summary>
public sealed class NsoAdapterFactory(IHttpClientFactory httpClients) : ISourceAdapterFactory
{
    public string Name => "nso";

    public ISourceAdapter Create(RegionSource region) =>
        new NsoAdapter(new EljurClient(httpClients.CreateClient(Name), EljurOptions.From(region)));
}

public static class NsoRegistration
{
    public static IServiceCollection AddNsoAdapter(this IServiceCollection services)
    {
        // Time-outs are the adapter's own (per attempt, inside its retries), not HttpClient's.
        services.AddHttpClient("nso", client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services.AddSingleton<ISourceAdapterFactory, NsoAdapterFactory>();
    }
}
