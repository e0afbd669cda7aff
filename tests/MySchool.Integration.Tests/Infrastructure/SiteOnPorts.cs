using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// A region 54 (and a configured 11) behind a gateway on real ports, for people who walk through the mock ESIA:
/// its login redirects back to a real address. Operators of 54 and of every region are configured; mail goes to the
/// mock relay. Nothing is synced until a test says so.
/// </summary>
public sealed class SiteOnPorts : IAsyncDisposable
{
    public const long Operator54 = 1_000_000_154;
    public const long FederalOperator = 1_000_000_100;
    public const long NoRole = 1_000_000_999;

    private SiteOnPorts(SyncHarness harness, GatewayFactory gateway)
    {
        Harness = harness;
        Gateway = gateway;
    }

    public SyncHarness Harness { get; }

    public GatewayFactory Gateway { get; }

    public Uri Address => Gateway.BrowserAddress!;

    /// <param name="sferum">Also «Сферум», the mock's: the gateway then decides held join requests (its recurring jobs only scheduled).</param>
    public static async Task<SiteOnPorts> StartAsync(IReadOnlyDictionary<string, string>? extra = null, bool sferum = false)
    {
        var harness = await SyncHarness.StartAsync("nso");
        var settings = SyncApiTests.RegionSettings(harness);
        if (sferum)
        {
            settings["Sferum:BaseUrl"] = harness.World.Sferum.BaseAddress.ToString();
            settings["Sferum:ClientId"] = "myschool-gw";
            settings["Sferum:ClientSecret"] = "sferum-secret";
        }

        settings["Regions:11:Name"] = "Республика Коми";
        settings["Regions:11:TimeZone"] = "Europe/Moscow";
        settings["Esia:BaseUrl"] = harness.World.Esia.BaseAddress.ToString();
        settings["Mail:Host"] = "127.0.0.1";
        settings["Mail:Port"] = harness.World.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mail:UseTls"] = "false";
        settings[$"Operators:{Operator54}:Regions:0"] = "54";
        settings[$"Operators:{FederalOperator}:Regions:0"] = "*";
        settings["Scheduler:PollingSeconds"] = "1";
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var gateway = new GatewayFactory(harness.Db.ConnectionString, settings);
        gateway.ServeOnKestrel();
        return new SiteOnPorts(harness, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Harness.DisposeAsync();
    }
}
