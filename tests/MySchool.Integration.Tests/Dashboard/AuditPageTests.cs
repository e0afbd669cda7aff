using System.Text;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>
/// The audit page: who did what and when in Russian words, within the viewer's regions (and everything for a federal
/// operator), filtered by action, actor and day, with every SNILS in the details masked, downloadable.
/// </summary>
public class AuditPageTests
{
    [Fact]
    public async Task TheAuditPage_ShowsActsWithinTheViewersScope_InRussian_Filtered_Masked_AndDownloadable()
    {
        await using var site = await SiteOnPorts.StartAsync();
        var db = site.Harness.Db;
        await db.ExecuteAsync("""
            INSERT INTO audit_event (actor, action, scope, details, occurred_at) VALUES
                ('operator-script', 'sync.start', '54', '{"runId": 7}', now()),
                ('vendor54', 'push.denied', '54/1001', '{"snils": "123 456 789 64"}', now()),
                ('rk-operator', 'sync.start', '11', '{"runId": 8}', now()),
                ('operator-script', 'sync.cancel', '54', '{"runId": 7}', '2026-01-10 12:00+03')
            """);
        using var regional = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);
        using var federal = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.FederalOperator);

        var page = await regional.GetStringAsync(new Uri(site.Address, "/audit"));
        var everything = await federal.GetStringAsync(new Uri(site.Address, "/audit"));
        var starts = await regional.GetStringAsync(new Uri(site.Address, "/audit?action=sync.start"));
        var january = await regional.GetStringAsync(new Uri(site.Address, "/audit?from=2026-01-01&to=2026-01-31"));
        var mine = await regional.GetStringAsync(new Uri(site.Address, "/audit?actor=" + Uri.EscapeDataString("Пятьдесят")));

        Assert.Contains("<td>запуск синхронизации</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>пакет в чужой регион отклонён</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>вход в панель</td>", page, StringComparison.Ordinal); // the operator's own login
        Assert.DoesNotContain("rk-operator", page, StringComparison.Ordinal);
        Assert.Contains("rk-operator", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("456 789", page, StringComparison.Ordinal);
        Assert.Contains("***-***-*** 64", page, StringComparison.Ordinal);
        Assert.Contains("Найдено: 1 запись", starts, StringComparison.Ordinal);
        Assert.Contains("<td>отмена запуска</td>", january, StringComparison.Ordinal);
        Assert.Contains("Найдено: 1 запись", january, StringComparison.Ordinal);
        Assert.Contains("<td>вход в панель</td>", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("vendor54", mine, StringComparison.Ordinal);

        var csv = Encoding.UTF8.GetString(await regional.GetByteArrayAsync(new Uri(site.Address, "/audit?handler=Export&format=csv&action=push.denied"))).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Когда;Кто;Действие;Охват;Подробности", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("***-***-*** 64", lines[1], StringComparison.Ordinal);
    }
}
