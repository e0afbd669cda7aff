using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>The school page after a sync: the calendar, the administrators, the groups and the event feed the source gave.</summary>
public class SchoolPageTests
{
    [Fact]
    public async Task TheSchoolPage_ShowsTheCalendar_TheAdministrators_TheGroups_AndTheEventFeed()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var school = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var admin = await site.Harness.Db.ScalarAsync<string>("""
            SELECT p.last_name FROM staff a JOIN person p ON p.id = a.person_id WHERE a.school_id = $1 AND a.role = 'admin' ORDER BY 1 LIMIT 1
            """, school);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var html = await session.GetStringAsync(new Uri(site.Address, $"/schools/{school}"));

        Assert.Contains("I триместр", html, StringComparison.Ordinal);
        Assert.Contains("Зимние каникулы", html, StringComparison.Ordinal);
        Assert.Contains("30.12.2023", html, StringComparison.Ordinal);
        Assert.Contains(admin, html, StringComparison.Ordinal);
        Assert.Contains("кружок", html, StringComparison.Ordinal);
        Assert.Contains("<td>1 группа</td><td>подгруппа</td><td>Английский язык</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Робототехника</td><td>кружок</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"no-calendar\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSchoolPage_ListsTheRegionsRunsTheSchoolWasPartOf_NotTheOthers_AndChartsItsDays()
    {
        await using var site = await SiteOnPorts.StartAsync();
        var part = (await site.Harness.SyncAsync()).Id;
        var runs = site.Gateway.Services.GetRequiredService<SyncRuns>();
        // A run of the region that never reached this school: it failed before reading any.
        var other = await runs.QueueAsync("nso", "54", SyncMode.Full, CancellationToken.None);
        await runs.FailAsync(other, "Источник недоступен", CancellationToken.None);
        var school = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var source = await site.Harness.Db.ScalarAsync<string>("SELECT source_id FROM identity_map WHERE kind = 'school' AND federal_id = $1", school);
        var written = await site.Harness.Db.ScalarAsync<long>("SELECT inserted_count + updated_count + deleted_count FROM sync_run_school WHERE run_id = $1 AND school_source_id = $2", part, source);
        // And a run of this school alone that failed on it.
        var broken = await runs.QueueAsync("nso", $"54/{source}", SyncMode.Full, CancellationToken.None);
        await runs.StartAsync(broken, CancellationToken.None);
        await runs.SchoolDoneAsync(broken, source, DateTimeOffset.UtcNow, MySchool.Integration.Core.Store.WriteCounts.Zero, "Источник недоступен", true, [], CancellationToken.None);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var html = await session.GetStringAsync(new Uri(site.Address, $"/schools/{school}"));
        var overview = await session.GetStringAsync(new Uri(site.Address, "/"));

        Assert.Contains($"href=\"/runs/{part}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/runs/{other}\"", html, StringComparison.Ordinal);
        // The school's own chart: today's bar is what its runs wrote there, its failure marked, an axis and a legend.
        var today = DateTime.UtcNow.ToString("dd.MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(written > 0);
        Assert.Contains($"<title>{today}: записано {MySchool.Integration.Gateway.Dashboard.OperatorPage.Count(written, "строка", "строки", "строк")}, сбоев: 1</title>", html, StringComparison.Ordinal);
        Assert.Contains($"<title>{today}: запусков с ошибкой — 1</title>", html, StringComparison.Ordinal);
        Assert.Contains("строк записано за день (ось слева)", html, StringComparison.Ordinal);
        Assert.Contains($">{MySchool.Integration.Gateway.Dashboard.OperatorPage.Number(written)}</text>", html, StringComparison.Ordinal); // the axis tops at the day's rows
        Assert.Contains("запусков с ошибкой (число в кружке)", overview, StringComparison.Ordinal);
    }
}
