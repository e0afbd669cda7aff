using Microsoft.Playwright;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>
/// The site on real ports (<see cref="SiteOnPorts"/>) and Debian's Chromium driven by Playwright.
/// Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    public const long Operator54 = SiteOnPorts.Operator54;
    public const long FederalOperator = SiteOnPorts.FederalOperator;
    public const long NoRole = SiteOnPorts.NoRole;

    // One Chromium for the whole test process: the browser tests run one at a time, each in contexts of its own
    // (closed with its fixture), and a launch with Playwright's driver cost every test about a second of the chain.
    private static readonly Lazy<Task<IBrowser>> Chromium = new(async () =>
    {
        var playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    });

    private readonly SiteOnPorts _site;
    private readonly IBrowser _browser;
    private readonly List<IBrowserContext> _contexts = [];

    private BrowserFixture(SiteOnPorts site, IBrowser browser)
    {
        _site = site;
        _browser = browser;
    }

    public SyncHarness Harness => _site.Harness;

    public GatewayFactory Gateway => _site.Gateway;

    public Uri Address => _site.Address;

    public static async Task<BrowserFixture> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var site = await SiteOnPorts.StartAsync(extra);
        Assertions.SetDefaultExpectTimeout(30_000);
        return new BrowserFixture(site, await Chromium.Value);
    }

    /// <summary>A fresh browser session opening <paramref name="start"/>, logged in through the mock ESIA as <paramref name="oid"/> (or only at the consent page when null).</summary>
    public async Task<IPage> LoginAsync(long? oid, string decision = "grant", string start = "/")
    {
        var context = await _browser.NewContextAsync(new() { Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 } });
        _contexts.Add(context);
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
            try
            {
                // Back at the gateway once its answer starts: what the page shows, each test's assertions wait for.
                await page.WaitForURLAsync(url => url.StartsWith(Address.ToString(), StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
            }
            catch (TimeoutException timeout)
            {
                // Once seen under the suite's heaviest load: say where the browser stayed, and show it.
                await ScreenshotAsync(page, $"login-timeout-{chosen}-{decision}");
                throw new TimeoutException($"The login as {chosen} ({decision}) did not come back to the gateway; the browser is at {page.Url}", timeout);
            }
        }

        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryScript.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    /// <summary>The text of a workbook the browser saved (its shared strings and sheets), to find a download's cells in.</summary>
    public static string WorkbookText(string path)
    {
        using var workbook = System.IO.Compression.ZipFile.OpenRead(path);
        var text = new System.Text.StringBuilder();
        foreach (var part in workbook.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(part.Open());
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        await _site.DisposeAsync();
    }
}
