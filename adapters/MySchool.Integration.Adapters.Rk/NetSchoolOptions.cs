using System.Globalization;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Rk;

/// <summary>The education-manager account and the adapter's patience, from the region's settings.</summary>
internal sealed record NetSchoolOptions(Uri BaseUrl, string UserName, string Password, SourceRetryPolicy Retry, TimeSpan LongestRetryAfter)
{
    public static NetSchoolOptions From(RegionSource region)
    {
        string Setting(string name, string? fallback = null) =>
            region.Settings.TryGetValue(name, out var value) ? value
            : fallback ?? throw new SourceConfigurationException($"Для региона {region.Code} не задан параметр {name}");

        var baseUrl = region.BaseUrl ?? throw new SourceConfigurationException($"Для региона {region.Code} не задан адрес «Сетевого города»");
        return new NetSchoolOptions(
            baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/"),
            Setting("UserName"),
            Setting("Password"),
            SourceRetryPolicy.From(region),
            TimeSpan.FromSeconds(double.Parse(Setting("LongestRetryAfterSeconds", "30"), CultureInfo.InvariantCulture)));
    }
}
