using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Dashboard;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard in Russian: modes and sources in words, counts with their plurals, numbers grouped; a favicon; and
/// «не найдено» (404) for what does not exist, apart from «нет доступа» (403) for what is another region's.
/// </summary>
public class RussianLabelsTests
{
    [Theory]
    [InlineData(1, "1 школа")]
    [InlineData(2, "2 школы")]
    [InlineData(5, "5 школ")]
    [InlineData(11, "11 школ")]
    [InlineData(14, "14 школ")]
    [InlineData(21, "21 школа")]
    [InlineData(104, "104 школы")]
    [InlineData(3773, "3\u00a0773 школы")]
    public void ACount_TakesItsNounsRussianForm_AndItsDigitsAreGrouped(long count, string expected)
    {
        Assert.Equal(expected, OperatorPage.Count(count, "школа", "школы", "школ"));
    }

    [Theory]
    [InlineData("", "(без названия)")]
    [InlineData("  ", "(без названия)")]
    [InlineData("СОШ № 1", "СОШ № 1")]
    public void ASchoolWithABlankName_IsStillAVisibleLink(string name, string shown)
    {
        Assert.Equal(shown, OperatorPage.SchoolName(name));
    }

    [Fact]
    public async Task ThePages_NameModesAndSourcesInRussian_CountSchoolsWithTheirPlural_AndServeAFavicon()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var schools = await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM school");
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var overview = await session.GetStringAsync(new Uri(site.Address, "/"));
        var region = await session.GetStringAsync(new Uri(site.Address, "/regions/54"));
        using var favicon = await session.GetAsync(new Uri(site.Address, "/favicon.ico"));

        Assert.Contains($"<b>{OperatorPage.Count(schools, "школа", "школы", "школ")}</b>", overview, StringComparison.Ordinal);
        Assert.Contains("ЭлЖур (Новосибирская обл.)", overview, StringComparison.Ordinal);
        Assert.Contains("<td>полная</td>", region, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>full</td>", region, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">", region, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, favicon.StatusCode);
        Assert.Equal("image/svg+xml", favicon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<link rel=\"icon\" href=\"/assets/favicon.svg\"", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatDoesNotExist_Is404_WhatIsAnotherRegions_Is403()
    {
        await using var site = await SiteOnPorts.StartAsync();
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        async Task<HttpStatusCode> StatusOf(string path)
        {
            using var response = await session.GetAsync(new Uri(site.Address, path));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, await StatusOf($"/schools/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOf("/regions/99"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOf("/runs/987654"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOf("/regions/11"));
    }

    [Fact]
    public async Task TheQuarantineScopeFilter_OffersTheOperatorsOwnRegionOnly()
    {
        const long Operator11 = 1_000_000_111;
        await using var site = await SiteOnPorts.StartAsync(new Dictionary<string, string> { [$"Operators:{Operator11}:Regions:0"] = "11" });
        using var komi = await EsiaWalk.OperatorSessionAsync(site.Address, Operator11);

        var html = await komi.GetStringAsync(new Uri(site.Address, "/quarantine"));

        Assert.Contains("<option value=\"11\">11 · Республика Коми</option>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"54\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOverview_ListsTheWorstRegionsFirst_FailuresThenNeverSynced()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        using var federal = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.FederalOperator);
        async Task<string> FirstRegion()
        {
            var html = await federal.GetStringAsync(new Uri(site.Address, "/"));
            return html[(html.IndexOf("data-region=\"", StringComparison.Ordinal) + 13)..][..2];
        }

        var neverSyncedFirst = await FirstRegion();
        var runs = site.Gateway.Services.GetRequiredService<SyncRuns>();
        await runs.FailAsync(await runs.QueueAsync("nso", "54", SyncMode.Full, CancellationToken.None), "Источник недоступен: тест", CancellationToken.None);

        Assert.Equal("11", neverSyncedFirst);
        Assert.Equal("54", await FirstRegion());
        // «Ошибок за 24 ч» leads to those failed runs.
        var overview = await federal.GetStringAsync(new Uri(site.Address, "/"));
        var link = System.Text.RegularExpressions.Regex.Match(overview, "href=\"(/runs\\?scope=54&amp;status=failed&amp;from=[0-9-]+)\">1</a>");
        Assert.True(link.Success, "no link from the failures of region 54");
        var failures = await federal.GetStringAsync(new Uri(site.Address, System.Net.WebUtility.HtmlDecode(link.Groups[1].Value)));
        Assert.Contains("Найдено: 1 запуск", failures, StringComparison.Ordinal);
    }
}
