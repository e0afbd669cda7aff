using MySchool.Integration.Core.Sync;
using MySchool.Integration.Mocks.Hosting;

namespace MySchool.Integration.Testing;

/// <summary>A mock system as the gateway's region configuration would name it: adapter, address, account, journal window.</summary>
public static class MockRegions
{
    public static RegionSource For(MockSystem mock)
    {
        var region = mock.Region ?? throw new ArgumentException($"The {mock.Name} mock serves no region", nameof(mock));
        var (code, name, path, settings) = mock.Name switch
        {
            "nso" => ("54", "Новосибирская область", "apiv3/", new Dictionary<string, string> { ["Login"] = "integration54", ["Password"] = "eljur-secret", ["DevKey"] = "nso-devkey" }),
            "rk" => ("11", "Республика Коми", string.Empty, new Dictionary<string, string> { ["UserName"] = "edu-manager11", ["Password"] = "Пароль-Коми11" }),
            _ => throw new ArgumentException($"No adapter reads the {mock.Name} mock", nameof(mock)),
        };
        return new RegionSource
        {
            Code = code,
            Name = name,
            TimeZone = region.Spec.TimeZone,
            Adapter = mock.Name,
            BaseUrl = new Uri(mock.BaseAddress, path),
            Settings = settings,
            JournalFrom = region.JournalStart,
            JournalTo = region.JournalEnd,
        };
    }

    /// <summary>A region as the gateway's configuration keys (<c>Regions:54:BaseUrl</c>, …), for a host or a child process.</summary>
    public static Dictionary<string, string> AsConfiguration(RegionSource region)
    {
        var prefix = $"Regions:{region.Code}";
        var settings = new Dictionary<string, string>
        {
            [$"{prefix}:Name"] = region.Name,
            [$"{prefix}:TimeZone"] = region.TimeZone,
            [$"{prefix}:Adapter"] = region.Adapter,
            [$"{prefix}:BaseUrl"] = region.BaseUrl!.ToString(),
        };
        if (region.JournalFrom is { } from && region.JournalTo is { } to)
        {
            settings[$"{prefix}:JournalFrom"] = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{prefix}:JournalTo"] = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in region.Settings)
        {
            settings[$"{prefix}:Settings:{key}"] = value;
        }

        return settings;
    }
}
