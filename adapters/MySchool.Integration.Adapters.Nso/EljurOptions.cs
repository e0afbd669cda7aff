using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>The integration account and the patience of the adapter, from the region's settings.</summary>
internal sealed record EljurOptions(Uri BaseUrl, string Login, string Password, string DevKey, string Vendor, SourceRetryPolicy Retry)
{
    public static EljurOptions From(RegionSource region)
    {
        string Setting(string name, string? fallback = null) =>
            region.Settings.TryGetValue(name, out var value) ? value
            : fallback ?? throw new SourceConfigurationException($"Для региона {region.Code} не задан параметр {name}");

        return new EljurOptions(
            region.BaseUrl ?? throw new SourceConfigurationException($"Для региона {region.Code} не задан адрес ЭлЖур"),
            Setting("Login"),
            Setting("Password"),
            Setting("DevKey"),
            Setting("Vendor", "school"),
            SourceRetryPolicy.From(region));
    }
}
