using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>The integration account and the patience of the adapter, from the region's settings.</summary>
internal sealed record EljurOptions(Uri BaseUrl, string Login, string Password, string DevKey, string Vendor, TimeSpan AttemptTimeout, int Retries, TimeSpan RetryDelay)
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
            TimeSpan.FromSeconds(double.Parse(Setting("AttemptTimeoutSeconds", "10"), System.Globalization.CultureInfo.InvariantCulture)),
            int.Parse(Setting("Retries", "4"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(double.Parse(Setting("RetryDelayMs", "500"), System.Globalization.CultureInfo.InvariantCulture)));
    }
}
