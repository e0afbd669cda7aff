using Microsoft.Playwright;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>
/// A synced region 54 (and a configured 11) behind a gateway on real ports, the mock ESIA for logins, and Debian's
/// Chromium driven by Playwright. Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    public const long Operator54 = 1_000_000_154;
    public const long FederalOperator = 1_000_000_100;
    public const long NoRole = 1_000_000_999;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserFixture(SyncHarness harness, GatewayFactory gateway, IPlaywright playwright, IBrowser browser)
    {
        Harness = harness;
        Gateway = gateway;
        _playwright = playwright;
        _browser = browser;
    }

    public SyncHarness Harness { get; }

    public GatewayFactory Gateway { get; }

    public Uri Address => Gateway.BrowserAddress!;

    public static async Task<BrowserFixture> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var (harness, gateway) = await GatewayOnPortsAsync(extra);
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserFixture(harness, gateway, playwright, browser);
    }

    /// <summary>The gateway on real ports beside the mocks (ESIA redirects to it), with its operators configured; no browser.</summary>
    public static async Task<(SyncHarness Harness, GatewayFactory Gateway)> GatewayOnPortsAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var harness = await SyncHarness.StartAsync("nso");
        var settings = SyncApiTests.RegionSettings(harness);
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
        return (harness, gateway);
    }

    /// <summary>A fresh browser session opening <paramref name="start"/>, logged in through the mock ESIA as <paramref name="oid"/> (or only at the consent page when null).</summary>
    public async Task<IPage> LoginAsync(long? oid, string decision = "grant", string start = "/")
    {
        var context = await _browser.NewContextAsync(new() { Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 } });
        // A busy 2-core CI machine runs Chromium, the gateway, PostgreSQL and the mocks at once: be patient.
        context.SetDefaultNavigationTimeout(90_000);
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Address, start).ToString());
        await page.WaitForURLAsync(url => url.Contains("/aas/oauth2/v2/ac", StringComparison.Ordinal));
        if (oid is { } chosen)
        {
            var form = page.Locator("form").Filter(new() { Has = page.Locator($"[data-oid=\"{chosen}\"]") });
            await form.Locator($"button[value=\"{decision}\"]").ClickAsync();
            await page.WaitForURLAsync(url => url.StartsWith(Address.ToString(), StringComparison.Ordinal));
        }

        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryScript.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await Gateway.DisposeAsync();
        await Harness.DisposeAsync();
    }
}
