using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MySchool.Integration.Adapters.Sferum;
using MySchool.Integration.Core.Communities;
using MySchool.Integration.Mocks.Esia;
using MySchool.Integration.Mocks.Nso;
using MySchool.Integration.Mocks.Sferum;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>The operators' dashboard in Debian's Chromium: ESIA login, regions, live runs, quarantine, refusals.</summary>
[Collection(BrowserTestsOneAtATime.Name)]
public class DashboardBrowserTests
{
    [Fact]
    public async Task AnOperatorOf54_LogsInThroughEsia_SeesTheSyncedRegion_AndNotRegion11()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();

        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Обзор");
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync("Оператор Регион Пятьдесятчетвёртый");
        await Assertions.Expect(page.Locator("#regions tr[data-region='54']")).ToContainTextAsync("Новосибирская область");
        await Assertions.Expect(page.Locator("#regions tr[data-region='11']")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "overview-operator-54");

        await page.Locator("#regions a", new() { HasText = "Новосибирская" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.schools tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.runs")).ToContainTextAsync("успешно");
        await BrowserFixture.ScreenshotAsync(page, "region-54");

        var foreign = await page.GotoAsync(new Uri(browser.Address, "/regions/11").ToString());
        Assert.Equal(403, foreign!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Нет доступа");
        await BrowserFixture.ScreenshotAsync(page, "refused-region-11");
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'login' AND actor = 'esia:1000000154'"));
    }

    [Fact]
    public async Task StartingASync_FromTheRegionPage_ShowsItsProgressMovingToTheEnd()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        browser.Harness.World.Nso.Faults.Arm(EljurFaults.Slow, 2); // two slow answers: a run long enough to watch
        var page = await browser.LoginAsync(BrowserFixture.Operator54);
        await page.GotoAsync(new Uri(browser.Address, "/regions/54").ToString());

        await page.Locator("#sync-region").ClickAsync();

        await page.WaitForURLAsync(new Regex("/runs/\\d+$"));
        var seen = new List<string>();
        for (var i = 0; i < 120 && (seen.Count == 0 || seen[^1] != "успешно"); i++)
        {
            seen.Add(await page.Locator("#run-status").InnerTextAsync());
            if (i == 2)
            {
                await BrowserFixture.ScreenshotAsync(page, "run-in-progress");
            }

            await Task.Delay(500);
        }

        Assert.Contains(seen, status => status is "в очереди" or "идёт");
        Assert.Equal("успешно", seen[^1]);
        await Assertions.Expect(page.Locator("#run-progress")).ToHaveTextAsync("100 %");
        // Every counter followed the run, in the server's own forms: the finished page needs no reload.
        var run = await browser.Harness.Db.ScalarAsync<long>("SELECT max(id) FROM sync_run");
        var (read, finished) = (await browser.Harness.Db.ScalarAsync<long>("SELECT read_count FROM sync_run WHERE id = $1", run),
            await browser.Harness.Db.ScalarAsync<DateTime>("SELECT finished_at FROM sync_run WHERE id = $1", run));
        await Assertions.Expect(page.Locator("#run-read")).ToHaveTextAsync(MySchool.Integration.Gateway.Dashboard.OperatorPage.Number(read).Replace('\u00a0', ' '));
        await Assertions.Expect(page.Locator("#run-finished")).ToHaveTextAsync(MySchool.Integration.Gateway.Dashboard.OperatorPage.When(new DateTimeOffset(finished, TimeSpan.Zero)));
        await Assertions.Expect(page.Locator("#run-rate")).ToContainTextAsync("прочитано");
        await Assertions.Expect(page.Locator("#run-duration")).Not.ToHaveTextAsync("—");
        await Assertions.Expect(page.Locator("#cancel-run")).ToHaveCountAsync(0);
        // The per-school table filled in live too, each school with its own figures.
        var schools = await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run_school WHERE run_id = $1", run);
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr")).ToHaveCountAsync((int)schools);
        var firstRead = await browser.Harness.Db.ScalarAsync<long>("SELECT read_count FROM sync_run_school WHERE run_id = $1 ORDER BY finished_at, school_source_id LIMIT 1", run);
        Assert.True(firstRead > 0);
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync(MySchool.Integration.Gateway.Dashboard.OperatorPage.Number(firstRead).Replace('\u00a0', ' '));
        await BrowserFixture.ScreenshotAsync(page, "run-finished");
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'sync.start' AND actor = 'esia:1000000154' AND scope = '54'"));
    }

    [Fact]
    public async Task ARunningRun_IsCancelledFromItsPage_TheChartShowsTheDaysFailure_AndWhatDoesNotExistIs404()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        await browser.Harness.RunWithAFailedSchoolAsync();
        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        // Today's bar carries its values for the hover, and the failed run stands in the strip above the bars.
        await Assertions.Expect(page.Locator("figure.chart g.failure")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("figure.chart g.failure .failure-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("figure.chart rect.rows title").Last).ToContainTextAsync("сбоев: 1");
        await Assertions.Expect(page.Locator("figure.chart figcaption")).ToContainTextAsync("запусков с ошибкой");
        var icon = await page.APIRequest.GetAsync(new Uri(browser.Address, await page.Locator("link[rel=icon]").GetAttributeAsync("href")).ToString());
        Assert.Equal(200, icon.Status);
        var missing = await page.GotoAsync(new Uri(browser.Address, $"/schools/{Guid.NewGuid()}").ToString());
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Не найдено");

        browser.Harness.World.Nso.Faults.Arm(EljurFaults.Slow, 20); // a run that would take minutes
        await page.GotoAsync(new Uri(browser.Address, "/regions/54").ToString());
        await page.Locator("#sync-region").ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/\\d+$"));
        await page.Locator("#cancel-run").ClickAsync();

        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("отменён");
        await Assertions.Expect(page.Locator("#run-error")).ToContainTextAsync("отменён оператором");
        await Assertions.Expect(page.Locator("#cancel-run")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#retry-run")).ToBeVisibleAsync();
        browser.Harness.World.Nso.Faults.Reset();
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'sync.cancel' AND actor = 'esia:1000000154'"));
    }

    [Fact]
    public async Task AHeldMassDeletion_IsApprovedByAnOperator_AndTheStudentsLeave()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        browser.Harness.SourceRegion.ApplyChanges(new() { EditedMarks = 0, DeletedMarks = 0, NewMarks = 0, Transfers = 0, NewStudents = 0, LeavingStudents = 12 });
        var held = await browser.Harness.SyncAsync();
        Assert.Equal("held", held.Status);
        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        await page.GotoAsync(new Uri(browser.Address, $"/runs/{held.Id}").ToString());
        // Shown as people, by school and class, the SNILS masked: no enrollment ids, no JSON.
        await Assertions.Expect(page.Locator("table.held-people tbody tr")).ToHaveCountAsync(12);
        var leaving = await browser.Harness.Db.ScalarAsync<string>("""
            SELECT p.last_name FROM enrollment e JOIN person p ON p.id = e.student_id
            WHERE e.id = (SELECT (jsonb_array_elements(held_deletions)->'enrollmentIds'->>0)::uuid FROM sync_run WHERE id = $1 LIMIT 1)
            """, held.Id);
        await Assertions.Expect(page.Locator("section.held")).ToContainTextAsync(leaving);
        await Assertions.Expect(page.Locator("section.held")).Not.ToContainTextAsync("enrollmentIds");
        await Assertions.Expect(page.Locator("table.held-people td.nowrap").First).ToHaveTextAsync(new Regex(@"^(\*\*\*-\*\*\*-\*\*\* \d\d|—)$"));
        await BrowserFixture.ScreenshotAsync(page, "run-held");
        await page.Locator("#approve").ClickAsync();

        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("успешно");
        Assert.Equal(12L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NOT NULL"));
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'held.approve'"));
    }

    [Fact]
    public async Task AFailedRun_ListsItsFailedSchoolsWithReasons_AndAnOperatorRetriesThem()
    {
        await using var browser = await BrowserFixture.StartAsync();
        var (failed, _) = await browser.Harness.RunWithAFailedSchoolAsync();
        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        await page.GotoAsync(new Uri(browser.Address, $"/runs/{failed}").ToString());
        // Every school of the run in one table, the failed one first with its reason.
        var schools = await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run_school WHERE run_id = $1", failed);
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr")).ToHaveCountAsync((int)schools);
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr").First).ToHaveClassAsync("bad");
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr").First).ToContainTextAsync("503");
        await Assertions.Expect(page.Locator("#run-schools-table tbody tr").Last).ToContainTextAsync("успешно");
        var csv = await (await page.APIRequest.GetAsync(new Uri(browser.Address, $"/runs/{failed}?handler=Export&format=csv").ToString())).TextAsync();
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Школа;Школа в источнике;Итог;Прочитано;Записано;В карантин;Время;Ошибка", lines[0]);
        Assert.Equal((int)schools + 1, lines.Length);
        Assert.Contains("503", lines[1], StringComparison.Ordinal);
        // A source that answered 503 failed on an outage: the page says the watchdog retries such a run by itself.
        await Assertions.Expect(page.Locator("#run-outage")).ToContainTextAsync("сторож повторяет такой запуск сам, до 2 раз, первый раз через 15 мин");
        await BrowserFixture.ScreenshotAsync(page, "run-failed-schools");
        await page.Locator("#retry-run").ClickAsync();

        await page.WaitForURLAsync(new Regex($"/runs/(?!{failed}$)\\d+$"));
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("успешно", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator($"#run-retry-of a[href='/runs/{failed}']")).ToBeVisibleAsync();
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'sync.retry' AND actor = 'esia:1000000154'"));
        StoreTruth.AssertEqual(browser.Harness.Truth(), await StoreTruth.ReadAsync(browser.Harness.Db, browser.Harness.Adapter));
    }

    [Fact]
    public async Task JoinRequests_WaitingForTheSchoolAdmin_AreListedWithTheirReason()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        browser.Harness.World.Sferum.Faults.Arm(SferumFaults.RequestNotInRegistry, 1);
        var options = new MySchool.Integration.Adapters.Sferum.SferumOptions { BaseUrl = browser.Harness.World.Sferum.BaseAddress, ClientId = "myschool-gw", ClientSecret = "sferum-secret" };
        using var platform = new SferumClient(new HttpClient(), options, TimeProvider.System);
        var schoolId = await browser.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        await new CommunitySync(browser.Harness.Db, platform, new MySchool.Integration.Core.Store.AuditLog(browser.Harness.Db), TimeProvider.System).MatchJoinRequestsAsync(schoolId, default);
        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        await page.GotoAsync(new Uri(browser.Address, "/join-requests").ToString());

        await Assertions.Expect(page.Locator("#join-requests tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#join-requests tr.warn")).ToContainTextAsync("Незнакомов");
        await Assertions.Expect(page.Locator("#join-requests tr.warn")).ToContainTextAsync("ждёт администратора");
        await BrowserFixture.ScreenshotAsync(page, "join-requests");
    }

    [Fact]
    public async Task AParent_SendsARequestFromTheFamilyPage_AndTheSchoolAdminApprovesBothHalvesOnTheDashboard()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        // The consent page lists the first five parents of each region: one of them with a child who has an account.
        var parent = browser.Harness.World.EsiaPeople.People.Where(p => p.Role == "родитель (54)").OrderBy(p => p.Oid).Take(5)
            .First(p => p.Kids.Any(k => k.Oid is not null && k.Snils is not null));
        var kid = parent.Kids.First(k => k.Oid is not null && k.Snils is not null);
        var (school, className) = await ClassOfAsync(browser, kid.Snils!);
        var family = await browser.LoginAsync(parent.Oid, start: "/family");
        async Task SendAsync()
        {
            await family.FillAsync("input[name=school]", school);
            await family.ClickAsync("#find-school button");
            await family.SelectOptionAsync("select[name=ChildId]", kid.Id.ToString(CultureInfo.InvariantCulture));
            await family.SelectOptionAsync("select[name=SchoolId]", new SelectOptionValue { Label = school });
            await family.FillAsync("input[name=ClassName]", className);
            await family.ClickAsync("#request button");
        }

        await Assertions.Expect(family.Locator("#no-requests")).ToBeVisibleAsync();
        await SendAsync();

        await Assertions.Expect(family.Locator("#outcome")).ToContainTextAsync("Запрос отправлен");
        await Assertions.Expect(family.Locator("#my-requests tbody tr")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(family, "family-request");
        // A reload after sending asks nothing of the browser and sends nothing again (post-redirect-get).
        await family.ReloadAsync();
        await Assertions.Expect(family.Locator("#outcome")).ToHaveCountAsync(0);
        await Assertions.Expect(family.Locator("#my-requests tbody tr")).ToHaveCountAsync(2);
        // The same request again is answered as already sent; withdrawn, it may be sent anew.
        await SendAsync();
        await Assertions.Expect(family.Locator("#outcome")).ToContainTextAsync("уже отправлен");
        await Assertions.Expect(family.Locator("#my-requests tbody tr")).ToHaveCountAsync(2);
        await family.Locator("#my-requests button.withdraw").ClickAsync();
        await Assertions.Expect(family.Locator("#my-requests tbody tr", new() { HasText = "отозван вами" })).ToHaveCountAsync(2);
        await SendAsync();
        await Assertions.Expect(family.Locator("#my-requests tbody tr")).ToHaveCountAsync(4);
        var admin = await browser.LoginAsync(BrowserFixture.Operator54);
        await admin.GotoAsync(new Uri(browser.Address, "/join-requests").ToString());
        var waiting = admin.Locator("#family-requests tbody tr", new() { HasText = "ждёт решения" });
        await Assertions.Expect(waiting).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(admin, "family-requests");
        await waiting.First.Locator("button", new() { HasText = "Одобрить" }).ClickAsync();
        await Assertions.Expect(waiting).ToHaveCountAsync(1);
        await waiting.First.Locator("button", new() { HasText = "Одобрить" }).ClickAsync();
        await Assertions.Expect(waiting).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Locator("#family-requests tbody tr", new() { HasText = "одобрен" })).ToHaveCountAsync(2);
        Assert.Equal(kid.Oid, await browser.Harness.Db.ScalarAsync<long>("SELECT esia_oid FROM person WHERE snils = $1", kid.Snils));
    }

    [Fact]
    public async Task AQuarantinedRecord_IsFoundByItsRussianReason_OpensWithIt_AndIsMarkedResolved()
    {
        await using var browser = await BrowserFixture.StartAsync();
        browser.Harness.World.Nso.Faults.Arm(EljurFaults.MarkValueSix, 1);
        var run = await browser.Harness.SyncAsync();
        var page = await browser.LoginAsync(BrowserFixture.Operator54);

        // From the run, the school whose record was refused leads to that school's quarantine.
        await page.GotoAsync(new Uri(browser.Address, $"/runs/{run.Id}").ToString());
        await page.Locator("#run-schools-table a[href^='/quarantine']").ClickAsync();
        await Assertions.Expect(page.Locator("#quarantine-filters select[name=scope] option:checked")).ToHaveAttributeAsync("value", new Regex("^54/"));
        await Assertions.Expect(page.Locator("#quarantine tbody tr")).ToHaveCountAsync(1);

        await page.GotoAsync(new Uri(browser.Address, "/quarantine").ToString());
        // The reason is chosen from a list in Russian, not typed as a code.
        await page.Locator("#quarantine-filters select[name=scope]").SelectOptionAsync("54");
        await page.Locator("#quarantine-filters select[name=reason]").SelectOptionAsync(new SelectOptionValue { Value = "mark.out-of-scale" });
        await Assertions.Expect(page.Locator("#quarantine-filters select[name=reason] option:checked")).ToContainTextAsync("отметка: ");
        await page.Locator("#quarantine-filters button").ClickAsync();
        await Assertions.Expect(page.Locator("#quarantine tbody tr")).ToHaveCountAsync(1);
        await page.Locator("#quarantine tbody tr a").First.ClickAsync();

        await Assertions.Expect(page.Locator("#quarantine-record")).ToContainTextAsync("mark.out-of-scale");
        await Assertions.Expect(page.Locator("#raw-record")).ToContainTextAsync("6");
        await BrowserFixture.ScreenshotAsync(page, "quarantine-record");

        await page.Locator("#quarantine tbody input[type=checkbox]").CheckAsync();
        await page.Locator("#resolve").ClickAsync();
        await Assertions.Expect(page.Locator("#resolved")).ToHaveTextAsync("Отмечено решёнными: 1 запись.");
        await Assertions.Expect(page.Locator("#quarantine")).ToHaveCountAsync(0);
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE resolved_at IS NOT NULL AND reason_code = 'mark.out-of-scale'"));
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'quarantine.resolve' AND actor = 'esia:1000000154'"));
    }

    [Fact]
    public async Task APersonWithoutARole_AndARefusedConsent_AndAnUnconfirmedAccount_GetClearPages()
    {
        await using var browser = await BrowserFixture.StartAsync();

        var noRole = await browser.LoginAsync(BrowserFixture.NoRole);
        await Assertions.Expect(noRole.Locator("h1")).ToHaveTextAsync("Нет доступа");
        await BrowserFixture.ScreenshotAsync(noRole, "refused-no-role");

        var refused = await browser.LoginAsync(BrowserFixture.Operator54, decision: "deny");
        await Assertions.Expect(refused.Locator("h1")).ToHaveTextAsync("Вход отменён");

        browser.Harness.World.Esia.Faults.Arm(EsiaFaults.UnconfirmedAccount, 1);
        var unconfirmed = await browser.LoginAsync(BrowserFixture.Operator54);
        await Assertions.Expect(unconfirmed.Locator("h1")).ToHaveTextAsync("Учётная запись не подтверждена");
        await BrowserFixture.ScreenshotAsync(unconfirmed, "refused-unconfirmed");
    }

    [Fact]
    public async Task AFederalOperator_SeesBothRegions_TheAdminPolicy_AndHangfire_AndLogsOutThroughEsia()
    {
        // Both demo schools have 48 students and one administrator each (small schools): with the threshold at 40 both break the policy.
        await using var browser = await BrowserFixture.StartAsync(new Dictionary<string, string> { ["Dashboard:AdminPolicyStudents"] = "40" });
        await browser.Harness.SyncAsync();
        var page = await browser.LoginAsync(BrowserFixture.FederalOperator);

        await Assertions.Expect(page.Locator("#regions tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#admin-policy tbody tr")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "overview-federal");
        // The run history and the journal, reached from the header; the current section is marked there.
        await page.Locator("header nav a", new() { HasText = "Запуски" }).ClickAsync();
        await Assertions.Expect(page.Locator("header nav a[aria-current=page]")).ToHaveTextAsync("Запуски");
        await Assertions.Expect(page.Locator("table.runs tbody tr")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "runs-history");
        await page.Locator("header nav a", new() { HasText = "Журнал" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToContainTextAsync("вход в панель");
        await BrowserFixture.ScreenshotAsync(page, "audit");
        var hangfire = await page.GotoAsync(new Uri(browser.Address, "/hangfire").ToString());
        Assert.Equal(200, hangfire!.Status);

        await page.GotoAsync(new Uri(browser.Address, "/logout").ToString());
        await page.WaitForURLAsync(url => url.Contains("/aas/oauth2/v2/ac", StringComparison.Ordinal)); // logged out: back to the ESIA login
    }

    [Fact]
    public async Task AFederalOperator_AssignsASchoolsSource_OnTheSchoolsPage_AndTheActIsAudited()
    {
        await using var browser = await BrowserFixture.StartAsync();
        await browser.Harness.SyncAsync();
        var schoolId = await browser.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var page = await browser.LoginAsync(BrowserFixture.FederalOperator);
        await page.GotoAsync(new Uri(browser.Address, $"/schools/{schoolId}").ToString());
        await Assertions.Expect(page.Locator("#ownership")).ToBeVisibleAsync();

        await page.Locator("#ownership input[name=sourceSystem]").FillAsync("vendor54");
        await page.Locator("#assign-ownership").ClickAsync();

        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("источник данных: vendor54");
        await BrowserFixture.ScreenshotAsync(page, "school-ownership");
        Assert.Equal("vendor54", await browser.Harness.Db.ScalarAsync<string>("SELECT source_system FROM school_owner WHERE school_id = $1", schoolId));
        Assert.Equal(1L, await browser.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'ownership.assigned' AND actor = 'esia:1000000100'"));
    }

    /// <summary>The full name of the school and the class a student of the registry is in now.</summary>
    private static async Task<(string School, string ClassName)> ClassOfAsync(BrowserFixture browser, string snils) =>
        (await browser.Harness.Db.ScalarAsync<string>(
            "SELECT s.full_name FROM person p JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL JOIN class c ON c.id = e.class_id JOIN school s ON s.id = c.school_id WHERE p.snils = $1", snils),
         await browser.Harness.Db.ScalarAsync<string>(
            "SELECT c.grade || ' «' || c.letter || '»' FROM person p JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL JOIN class c ON c.id = e.class_id WHERE p.snils = $1", snils));
}

/// <summary>
/// Browser tests run one after another (two Chromiums at once starve a 2-core machine), beside the other test
/// classes, with timeouts as long as a busy machine needs.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestsOneAtATime
{
    public const string Name = "browser";
}
