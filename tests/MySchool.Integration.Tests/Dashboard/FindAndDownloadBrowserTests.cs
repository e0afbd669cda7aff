using Microsoft.Playwright;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>An operator's searches (run history, journal, a region's schools) in Chromium, and each list downloaded as found.</summary>
[Collection(BrowserTestsOneAtATime.Name)]
public sealed class FindAndDownloadBrowserTests
{
    [Fact]
    public async Task AnOperator_FiltersRunsAndTheJournal_FindsASchoolByInn_AndDownloadsEachListAsFound()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        var (failed, _) = await browser.Harness.RunWithAFailedSchoolAsync();
        var page = await browser.LoginAsync(BrowserFixture.Operator54, start: "/runs");

        // Run history: the status chosen from a Russian list leaves the failed run alone; the download holds that row.
        await Assertions.Expect(page.Locator("table.runs tbody tr")).ToHaveCountAsync(2);
        await page.Locator("#run-filters select[name=status]").SelectOptionAsync("failed");
        await page.Locator("#apply-filters").ClickAsync();
        await Assertions.Expect(page.Locator("table.runs tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#found")).ToContainTextAsync("Найдено: 1 запуск ");
        await BrowserFixture.ScreenshotAsync(page, "runs-failed");
        var (runsFile, runs) = await DownloadCsvAsync(page);
        Assert.Equal("runs.csv", runsFile);
        Assert.StartsWith($"{failed};54;", Assert.Single(runs[1..]), StringComparison.Ordinal);

        // The journal: the operator's own logins, found by the action's Russian name.
        await page.GotoAsync(new Uri(browser.Address, "/audit").ToString());
        await page.Locator("#audit-filters select[name=action]").SelectOptionAsync(new SelectOptionValue { Label = "вход в панель" });
        await page.Locator("#apply-filters").ClickAsync();
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToHaveCountAsync(1);
        var (auditFile, audit) = await DownloadCsvAsync(page);
        Assert.Equal("audit.csv", auditFile);
        Assert.Contains(";вход в панель;", Assert.Single(audit[1..]), StringComparison.Ordinal);

        // A region's schools: one found by its INN, and its XLSX holds that school and not the other.
        string[] inns = [await browser.Harness.Db.ScalarAsync<string>("SELECT min(inn) FROM school"), await browser.Harness.Db.ScalarAsync<string>("SELECT max(inn) FROM school")];
        await page.GotoAsync(new Uri(browser.Address, "/regions/54").ToString());
        await page.Locator("#school-search input[name=q]").FillAsync(inns[0]);
        await page.Locator("#school-search button").ClickAsync();
        await Assertions.Expect(page.Locator("table.schools tbody tr")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "region-school-search");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-xlsx").ClickAsync());
        Assert.Equal("schools-54.xlsx", download.SuggestedFilename);
        var sheet = BrowserFixture.WorkbookText(await download.PathAsync());
        Assert.Contains(inns[0], sheet, StringComparison.Ordinal);
        Assert.DoesNotContain(inns[1], sheet, StringComparison.Ordinal);
    }

    /// <summary>Clicks the page's CSV link and reads the file the browser saved: its name and its lines.</summary>
    private static async Task<(string Name, string[] Lines)> DownloadCsvAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        var text = await File.ReadAllTextAsync(await download.PathAsync());
        return (download.SuggestedFilename, text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }
}
