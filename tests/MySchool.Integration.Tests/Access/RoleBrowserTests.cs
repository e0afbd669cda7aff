using Microsoft.Playwright;
using MySchool.Integration.Tests.Dashboard;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Access;

/// <summary>
/// Each role's main flow in Chromium: the region's coordinator appoints a municipal coordinator and a school
/// administrator by SNILS; each logs in through ESIA, acts inside their scope and is refused outside it.
/// </summary>
[Collection(Dashboard.BrowserTestsOneAtATime.Name)]
public class RoleBrowserTests
{
    private const long Municipal = 1_000_000_201;
    private const long SchoolAdmin = 1_000_000_301;

    [Fact]
    public async Task TheCoordinatorAppoints_TheMunicipalCoordinatorAndTheSchoolAdministrator_EachActsInScope_AndIsRefusedOutside()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        var own = await browser.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var other = await browser.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn DESC LIMIT 1");
        var municipality = await browser.Harness.Db.ScalarAsync<Guid>("SELECT municipality_id FROM school WHERE id = $1", own);

        var coordinator = await browser.LoginAsync(BrowserFixture.Operator54, start: "/appointments");
        await coordinator.Locator("#appoint-municipal select[name=place]").SelectOptionAsync(municipality.ToString());
        await coordinator.Locator("#appoint-municipal input[name=snils]").FillAsync("112-233-446 96");
        await coordinator.Locator("#appoint-municipal button").ClickAsync();
        await coordinator.Locator("#appoint-school select[name=place]").SelectOptionAsync(own.ToString());
        await coordinator.Locator("#appoint-school input[name=snils]").FillAsync("112-233-447 97");
        await coordinator.Locator("#appoint-school button").ClickAsync();
        await Assertions.Expect(coordinator.Locator("#appointments tbody tr")).ToContainTextAsync(["муниципальный координатор", "администратор школы"], new() { IgnoreCase = false });
        await BrowserFixture.ScreenshotAsync(coordinator, "appointments-regional-coordinator");

        var municipal = await browser.LoginAsync(Municipal, start: "/appointments");
        await Assertions.Expect(municipal.Locator("#appointments")).ToContainTextAsync("администратор школы");
        await Assertions.Expect(municipal.Locator("#appoint-school")).ToHaveCountAsync(1);
        await Assertions.Expect(municipal.Locator("#appoint-municipal")).ToHaveCountAsync(0);
        await municipal.GotoAsync(new Uri(browser.Address, "/").ToString());
        await municipal.Locator("#own-municipalities a").ClickAsync();
        await Assertions.Expect(municipal.Locator("h1")).ToHaveTextAsync(await browser.Harness.Db.ScalarAsync<string>("SELECT name FROM municipality WHERE id = $1", municipality));
        await Assertions.Expect(municipal.Locator("table.schools tbody tr")).ToHaveCountAsync((int)await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM school WHERE municipality_id = $1", municipality));
        await Assertions.Expect(municipal.Locator("#indicators")).ToBeVisibleAsync();
        // The region is named in the breadcrumbs, not linked: its page would refuse a municipal coordinator.
        await Assertions.Expect(municipal.Locator("nav.crumbs a")).ToHaveTextAsync(["Обзор"]);
        await Assertions.Expect(municipal.Locator("nav.crumbs")).ToContainTextAsync("54 · Новосибирская область");
        await BrowserFixture.ScreenshotAsync(municipal, "municipality-municipal-coordinator");
        var region = await municipal.GotoAsync(new Uri(browser.Address, "/regions/54").ToString());
        Assert.Equal(403, region!.Status);

        var admin = await browser.LoginAsync(SchoolAdmin);
        await Assertions.Expect(admin.Locator("#own-schools a")).ToHaveCountAsync(1);
        await admin.Locator("#own-schools a").ClickAsync();
        await admin.Locator("table.classes a").First.ClickAsync();
        await Assertions.Expect(admin.Locator("#students tbody tr").First).ToContainTextAsync("для печати");
        await Assertions.Expect(admin.Locator("nav.crumbs a")).ToHaveTextAsync(["Обзор", await browser.Harness.Db.ScalarAsync<string>("SELECT full_name FROM school WHERE id = $1", own)]);
        await BrowserFixture.ScreenshotAsync(admin, "class-school-administrator");
        await admin.Locator("#students a", new() { HasText = "для печати" }).First.ClickAsync();
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("Выписка из электронного дневника");
        await BrowserFixture.ScreenshotAsync(admin, "diary-extract");
        var foreign = await admin.GotoAsync(new Uri(browser.Address, $"/schools/{other}").ToString());
        Assert.Equal(403, foreign!.Status);
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("Нет доступа");
        Assert.Equal(2L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'appointment.made' AND actor = $1", $"esia:{BrowserFixture.Operator54}"));
    }
}
