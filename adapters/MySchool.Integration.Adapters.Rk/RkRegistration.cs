using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Rk;

/// <summary>Creates the «Сетевой город» adapter for a region configured with <c>"Adapter": "rk"</c>; each has its own session.</summary>
public sealed class RkAdapterFactory : ISourceAdapterFactory
{
    public string Name => "rk";

    public ISourceAdapter Create(RegionSource region) => new RkAdapter(new NetSchoolClient(NetSchoolOptions.From(region)));
}

public static class RkRegistration
{
    public static IServiceCollection AddRkAdapter(this IServiceCollection services) => services.AddSingleton<ISourceAdapterFactory, RkAdapterFactory>();
}
