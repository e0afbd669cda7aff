using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Scheduler;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Dashboard;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>A coordinator's whole flow in Chromium: the template downloaded, filled, uploaded, checked, applied, and its report downloaded.</summary>
[Collection(BrowserTestsOneAtATime.Name)]
public sealed class ImportBrowserTests
{
    [Fact]
    public async Task ACoordinator_FillsTheDownloadedTemplate_ChecksIt_AppliesIt_AndDownloadsTheReportByRow()
    {
        await using var browser = await BrowserFixture.StartAsync();
        var inn = await RegistrySchool.AddAsync(browser.Gateway.Services, 80);
        var page = await browser.LoginAsync(BrowserFixture.Operator54, start: "/imports");

        var template = await page.RunAndWaitForDownloadAsync(() => page.Locator("#template-students .template-xlsx").ClickAsync());
        var filled = Path.Combine(Path.GetTempPath(), $"ученики-{Guid.NewGuid():N}.xlsx");
        await template.SaveAsAsync(filled);
        Fill(filled,
        [
            [inn, "6Г", "Ӧньӧ", "Іван", "", "06.07.2014", "м", ""],
            [inn, "6Г", "Попова", "Анна", "", "10.10.2014", "ж", ""],
            [inn, "6Г", "Сидоров", "", "", "01.09.2014", "м", ""],
        ]);
        await page.Locator("#import-form select[name=region]").SelectOptionAsync("54");
        await page.Locator("#import-form select[name=template]").SelectOptionAsync("students");
        await page.Locator("#import-form input[name=file]").SetInputFilesAsync(filled);
        await page.Locator("#check-import").ClickAsync();

        // The check: nothing written, the row without a first name named with its reason.
        await page.WaitForURLAsync(new Regex("/imports/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("#import-state")).ToContainTextAsync("ничего не записано");
        await Assertions.Expect(page.Locator("#import-problems tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#import-problems tbody td").First).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#import-problems tbody td").Last).ToHaveTextAsync("Не заполнен обязательный столбец «Имя»");
        await BrowserFixture.ScreenshotAsync(page, "import-check");
        Assert.Equal(0L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name IN ('Ӧньӧ', 'Попова')"));

        // While a run applies the file, the page says so and offers no second «Применить»; a run that failed leaves
        // the file to be applied again, and says so.
        var upload = page.Url;
        var uploadId = Guid.Parse(upload[^36..]);
        var (import, uploads, runs) = (browser.Gateway.Services.GetRequiredService<FileImport>(), browser.Gateway.Services.GetRequiredService<ImportUploads>(),
            browser.Gateway.Services.GetRequiredService<SyncRuns>());
        var interrupted = await import.QueueApplicationAsync(browser.Gateway.Services.GetRequiredService<RegionCatalog>().Find("54")!, CancellationToken.None);
        await uploads.ApplyingAsync(uploadId, interrupted, CancellationToken.None);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#import-applying")).ToContainTextAsync($"запуск № {interrupted}");
        await Assertions.Expect(page.Locator("#apply-import")).ToHaveCountAsync(0);
        await runs.FailAsync(interrupted, "Шлюз остановлен", CancellationToken.None);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("p.problem")).ToContainTextAsync("Применение прервано");
        await Assertions.Expect(page.Locator("#import-applying")).ToHaveCountAsync(0);

        // «Применить» opens the file's run, which moves to its end; the upload then records what was written.
        await page.Locator("#apply-import").ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9]+$"));
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("успешно");
        await StorePolling.UntilAsync(browser.Harness.Db, "SELECT bool_and(applied_at IS NOT NULL) FROM import_upload WHERE file_name = $1", Path.GetFileName(filled), TimeSpan.FromMinutes(1));
        await page.GotoAsync(upload);
        await Assertions.Expect(page.Locator("#import-state")).ToContainTextAsync("Применён");
        await Assertions.Expect(page.Locator("#apply-import")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "import-applied");
        Assert.Equal(2L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name IN ('Ӧньӧ', 'Попова')"));

        var report = await page.RunAndWaitForDownloadAsync(() => page.Locator("#report").ClickAsync());
        var text = BrowserFixture.WorkbookText(await report.PathAsync());
        Assert.Contains("принята", text, StringComparison.Ordinal);
        Assert.Contains("отклонена", text, StringComparison.Ordinal);
        Assert.Contains("Не заполнен обязательный столбец «Имя»", text, StringComparison.Ordinal);
        Assert.Contains("Ӧньӧ", text, StringComparison.Ordinal);

        // The file's run is linked from its page; the list of latest files names it, applied, with the uploader by name.
        var who = (await page.Locator(".who").InnerTextAsync()).Split(" · ")[0];
        await page.Locator("#import-run a").ClickAsync();
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("успешно");
        await page.GotoAsync(new Uri(browser.Address, "/imports").ToString());
        var latest = page.Locator("#import-latest tbody tr").First;
        await Assertions.Expect(latest).ToContainTextAsync(Path.GetFileName(filled));
        await Assertions.Expect(latest).ToContainTextAsync(who);
        await Assertions.Expect(latest).ToContainTextAsync("применён");

        // Past its keeping, the file (people's data) is deleted by the nightly job; a day younger, it stays.
        await browser.Harness.Db.ExecuteAsync("UPDATE import_upload SET uploaded_at = now() - interval '29 days'");
        await browser.Gateway.Services.GetRequiredService<ImportJobs>().ForgetUploadsAsync(CancellationToken.None);
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM import_upload"));
        await browser.Harness.Db.ExecuteAsync("UPDATE import_upload SET uploaded_at = now() - interval '31 days'");
        await browser.Gateway.Services.GetRequiredService<ImportJobs>().ForgetUploadsAsync(CancellationToken.None);
        Assert.Equal(0L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM import_upload"));
        File.Delete(filled);
    }

    /// <summary>Types rows into the template's data sheet below its headers, as a coordinator does in Excel.</summary>
    private static void Fill(string workbook, string[][] rows)
    {
        using var zip = ZipFile.Open(workbook, ZipArchiveMode.Update);
        var entry = zip.GetEntry("xl/worksheets/sheet1.xml")!;
        string sheet;
        using (var reader = new StreamReader(entry.Open()))
        {
            sheet = reader.ReadToEnd();
        }

        var prefix = sheet.Contains("<x:sheetData", StringComparison.Ordinal) ? "x:" : "";
        var typed = new StringBuilder();
        for (var r = 0; r < rows.Length; r++)
        {
            typed.Append($"<{prefix}row r=\"{r + 2}\">");
            for (var c = 0; c < rows[r].Length; c++)
            {
                typed.Append($"<{prefix}c r=\"{(char)('A' + c)}{r + 2}\" t=\"inlineStr\"><{prefix}is><{prefix}t>{SecurityElement.Escape(rows[r][c])}</{prefix}t></{prefix}is></{prefix}c>");
            }

            typed.Append($"</{prefix}row>");
        }

        var end = sheet.IndexOf($"</{prefix}sheetData>", StringComparison.Ordinal);
        sheet = sheet.Insert(end, typed.ToString());
        // A dimension written for the headers alone would hide the rows from readers that trust it.
        sheet = Regex.Replace(sheet, "<(x:)?dimension ref=\"[^\"]*\"\\s*/>", "");
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open(), new UTF8Encoding(false));
        writer.Write(sheet);
    }
}
