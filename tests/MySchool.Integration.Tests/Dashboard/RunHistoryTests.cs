using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>
/// The run history page: filters by scope, status, mode and day, fifty runs to a page, and the filtered list as CSV
/// and XLSX, all within the operator's regions.
/// </summary>
public class RunHistoryTests
{
    [Fact]
    public async Task TheHistory_FiltersPagesAndExports_WithinTheOperatorsRegions()
    {
        await using var site = await SiteOnPorts.StartAsync();
        var runs = site.Gateway.Services.GetRequiredService<SyncRuns>();
        var failed = new List<long>();
        for (var i = 0; i < 55; i++)
        {
            var id = await runs.QueueAsync("nso", i % 5 == 0 ? "54/1001" : "54", i % 11 == 0 ? SyncMode.Push : SyncMode.Full, CancellationToken.None);
            if (i % 4 == 0)
            {
                await runs.FailAsync(id, i == 0 ? "=HYPERLINK(\"http://evil.example\")" : "Источник недоступен", CancellationToken.None);
                failed.Add(id);
            }
        }

        var foreign = await runs.QueueAsync("rk", "11", SyncMode.Full, CancellationToken.None);
        var old = failed[^1];
        await site.Harness.Db.ExecuteAsync("UPDATE sync_run SET queued_at = '2026-01-15 10:00+03' WHERE id = $1", old);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var first = await session.GetStringAsync(new Uri(site.Address, "/runs"));
        var second = await session.GetStringAsync(new Uri(site.Address, "/runs?p=2"));
        var failures = await session.GetStringAsync(new Uri(site.Address, "/runs?status=failed"));
        var pushes = await session.GetStringAsync(new Uri(site.Address, "/runs?mode=push&scope=54"));
        var school = await session.GetStringAsync(new Uri(site.Address, "/runs?scope=54/1001"));
        var january = await session.GetStringAsync(new Uri(site.Address, "/runs?from=2026-01-01&to=2026-01-31"));

        Assert.Contains("Найдено: 55 запусков", first, StringComparison.Ordinal);
        Assert.Equal(50, RunLinks(first));
        Assert.Equal(5, RunLinks(second));
        Assert.Contains("страница 2 из 2", second, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/runs/{foreign}\"", first + second, StringComparison.Ordinal);
        Assert.Equal(failed.Count, RunLinks(failures));
        Assert.Equal(5, RunLinks(pushes)); // i = 0, 11, 22, 33, 44
        Assert.Equal(11, RunLinks(school));
        Assert.Equal(1, RunLinks(january));
        Assert.Contains($"href=\"/runs/{old}\"", january, StringComparison.Ordinal);

        var csv = await session.GetByteArrayAsync(new Uri(site.Address, "/runs?handler=Export&format=csv&status=failed"));
        var lines = Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        Assert.Equal("Запуск;Охват;Режим;Статус;Начат;Закончен;Прочитано;Записано;В карантин;Ошибка", lines[0]);
        Assert.Equal(failed.Count + 1, lines.Length);
        Assert.Contains(lines, line => line.Contains("'=HYPERLINK", StringComparison.Ordinal)); // a formula stays text
        Assert.DoesNotContain(lines, line => line.Contains(";=", StringComparison.Ordinal));

        var xlsx = await session.GetByteArrayAsync(new Uri(site.Address, "/runs?handler=Export&format=xlsx&status=failed"));
        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(failed.Count, rows.Count);
        Assert.Equal("ошибка", rows[0]["Статус"]);
        Assert.Equal(failed.Max(), Convert.ToInt64(rows[0]["Запуск"], System.Globalization.CultureInfo.InvariantCulture));

        using var unknown = await session.GetAsync(new Uri(site.Address, "/runs?handler=Export&format=exe"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static int RunLinks(string html) => System.Text.RegularExpressions.Regex.Count(html, "<td><a href=\"/runs/\\d+\">");
}
