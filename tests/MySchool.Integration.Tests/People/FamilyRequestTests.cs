using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.People;
using MySchool.Integration.Mocks.Esia;
using MySchool.Integration.Protos.Federal.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.People;

/// <summary>
/// Families join a school through ESIA (004 §3.6): a parent's request names the child, the school and the class,
/// becomes two requests for the school admin, and approval links both accounts; each refusal says why.
/// </summary>
public sealed class FamilyRequestTests(FamilyFixture fixture) : IClassFixture<FamilyFixture>
{
    [Fact]
    public async Task AParentsRequest_BecomesTwoForTheSchoolAdmin_AndApprovalLinksBothAccounts_SoTheFederalPullFindsThem()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;

        using var sent = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, student.Id);

        // Post-redirect-get: the answer is a redirect, the outcome is on the page it leads to.
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("Запрос отправлен", await family.GetStringAsync(sent.Headers.Location), StringComparison.Ordinal);
        var kinds = await RequestsOfAsync(parent.EsiaOid!.Value);
        Assert.Equal(["representative", "student"], kinds.Select(r => r.Kind).Order());
        Assert.All(kinds, r => Assert.Equal("pending", r.Status));

        var pull = new FederalPull.FederalPullClient(await fixture.Gateway.ChannelAsync("federal"));
        var before = (await pull.GetChangeVersionsAsync(new ChangeVersionsRequest())).Newest;
        using var admin = await fixture.OperatorLoginAsync();
        // The school can reach the family: the applicant's verified e-mail at ESIA goes with the request.
        Assert.Contains($"p{parent.Id}@mail.test", await admin.GetStringAsync(new Uri("/join-requests", UriKind.Relative)), StringComparison.Ordinal);
        // The same list downloads: both halves of the request, the applicant's address, no SNILS in full.
        var csv = System.Text.Encoding.UTF8.GetString(await admin.GetByteArrayAsync(new Uri("/join-requests?handler=Export&list=families&format=csv", UriKind.Relative)));
        var rows = csv.Split("\r\n").Where(line => line.Contains($"p{parent.Id}@mail.test", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Contains(";ждёт решения;", row, StringComparison.Ordinal));
        Assert.DoesNotContain(student.Snils!, csv, StringComparison.Ordinal);
        foreach (var request in kinds)
        {
            using var approved = await ApproveAsync(admin, request.Id);
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        }

        Assert.Equal(student.EsiaOid, await fixture.Harness.Db.ScalarAsync<long>("SELECT esia_oid FROM person WHERE id = $1", placement.Person));
        Assert.Equal(1L, await fixture.Harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM guardianship g JOIN person p ON p.id = g.parent_id WHERE g.student_id = $1 AND p.esia_oid = $2", placement.Person, parent.EsiaOid));
        // The federal pull sees both people again, now under their ESIA oids.
        var linked = await pull.ReadChanges(new ReadChangesRequest { RegionCode = "54", MinChangeVersion = before }).ResponseStream.ReadAllAsync()
            .Where(change => change.Kind == "person").Select(change => System.Text.Json.Nodes.JsonNode.Parse(change.Json)!["esia_oid"]?.GetValue<long>()).ToListAsync();
        Assert.Contains(student.EsiaOid, linked);
        Assert.Contains(parent.EsiaOid, linked);
        var federal = await fixture.Gateway.CreateClientAsync("federal");
        using var portfolio = await federal.GetAsync(new Uri($"/Portfolio/{student.EsiaOid}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, portfolio.StatusCode);
        Assert.Contains("одобрен", await family.GetStringAsync(new Uri("/family", UriKind.Relative)), StringComparison.Ordinal);
        // The family hears of both decisions by e-mail, at the address ESIA verified.
        Assert.Equal(2L, await fixture.Harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM mail_outbox WHERE recipient = $1 AND subject = 'Запрос в школу одобрен'", $"p{parent.Id}@mail.test"));
    }

    [Fact]
    public async Task AFamilyFindsTheSchool_ByItsInn_OrAPartOfItsEgrulName_AndIsToldWhenNothingMatches()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (inn, fullName) = (await fixture.Harness.Db.ScalarAsync<string>("SELECT inn FROM school WHERE id = $1", logged.Placement.School),
            await fixture.Harness.Db.ScalarAsync<string>("SELECT full_name FROM school WHERE id = $1", logged.Placement.School));

        var byInn = await logged.Client.GetStringAsync(new Uri($"/family?school={inn}", UriKind.Relative));
        var byName = await logged.Client.GetStringAsync(new Uri($"/family?school={Uri.EscapeDataString(fullName[^20..].ToUpperInvariant())}", UriKind.Relative));
        var nothing = await logged.Client.GetStringAsync(new Uri("/family?school=Школа%20на%20Луне", UriKind.Relative));

        Assert.Contains($"<option value=\"{logged.Placement.School}\">", byInn, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{logged.Placement.School}\">", byName, StringComparison.Ordinal);
        Assert.Contains("Школа по запросу «Школа на Луне» не найдена", nothing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestForAChildWithoutTheirOwnEsiaAccount_IsRefused_WithThatReason()
    {
        var parentOfChildWithoutAccount = fixture.Harness.SourceRegion.Students
            .Where(s => s.EsiaOid is null)
            .SelectMany(s => s.Parents.Where(p => p.EsiaOid is not null).Select(p => (Student: s, Parent: p)))
            .First();
        var placement = await fixture.PlacementAsync(parentOfChildWithoutAccount.Student);
        using var family = await fixture.FamilyLoginAsync(parentOfChildWithoutAccount.Parent.EsiaOid!.Value);

        using var refused = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, parentOfChildWithoutAccount.Student.Id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("нет своей учётной записи на Госуслугах", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await RequestsOfAsync(parentOfChildWithoutAccount.Parent.EsiaOid.Value));
    }

    [Fact]
    public async Task Fault_KidWithoutAccount_TheMocksHasAccountFalse_IsRefusedToo()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;
        var firstKid = fixture.Harness.SourceRegion.Students.First(s => s.Parents.Any(p => p.EsiaOid == parent.EsiaOid));
        fixture.Harness.World.Esia.Faults.Arm(EsiaFaults.KidWithoutAccount, 2); // the page's read, then the post's

        using var refused = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, firstKid.Id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("нет своей учётной записи", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9", "family.parallel", "Укажите класс, а не параллель")]
    [InlineData("9 «Ъ»", "family.class-not-found", "В этой школе нет класса 9 «Ъ»")]
    [InlineData("девятый", "class.format", "не распознано")]
    public async Task ARequestThatNamesNoClassOfTheSchool_IsRefused(string className, string code, string message)
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;

        using var refused = await FamilyFixture.RequestAsync(family, placement.School, className, student.Id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await RequestsOfAsync(parent.EsiaOid!.Value));
        Assert.Equal(1L, await fixture.Harness.Db.ScalarAsync<long>(
            "SELECT count(*) FROM audit_event WHERE actor = $1 AND action = 'family-request.refuse' AND details->>'reason' = $2", $"esia:{parent.EsiaOid}", code));
    }

    [Fact]
    public async Task ARequestForAChildNotInTheParentsAccount_IsRefused()
    {
        var (student, parent) = fixture.NextFamily();
        var (stranger, _) = fixture.NextFamily(s => s.Parents.All(p => p.EsiaOid != parent.EsiaOid));
        var placement = await fixture.PlacementAsync(stranger);
        using var family = await fixture.FamilyLoginAsync(parent.EsiaOid!.Value);

        using var refused = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, stranger.Id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("не прикреплён к вашей учётной записи", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(student.Id, stranger.Id);
    }

    [Fact]
    public async Task SendingTheSameRequestTwice_IsOneRequest_AnsweredAlreadySent_AndAReloadSendsNothing()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;

        using var first = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName.Replace(" «", "", StringComparison.Ordinal).TrimEnd('»'), student.Id);
        var afterFirst = await family.GetStringAsync(new Uri("/family", UriKind.Relative));
        using var second = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, student.Id);
        var afterSecond = await family.GetStringAsync(new Uri("/family", UriKind.Relative));
        var reloaded = await family.GetStringAsync(new Uri("/family", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Contains("Запрос отправлен в школу", afterFirst, StringComparison.Ordinal);
        Assert.Contains("Такой запрос уже отправлен и ждёт решения школы", afterSecond, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"outcome\"", reloaded, StringComparison.Ordinal);
        Assert.Equal(2, (await RequestsOfAsync(parent.EsiaOid!.Value)).Count);
        Assert.Equal(1L, await fixture.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'family-request.submit' AND actor = $1", $"esia:{parent.EsiaOid}"));
    }

    [Fact]
    public async Task APendingRequest_IsListedWithItsDate_AndWithdrawnWhole_UntilTheSchoolDecides()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;
        var before = await family.GetStringAsync(new Uri("/family", UriKind.Relative));

        using var sent = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, student.Id);
        var listed = await family.GetStringAsync(new Uri("/family", UriKind.Relative));
        var id = (await RequestsOfAsync(parent.EsiaOid!.Value)).Min(r => r.Id);
        using var withdrawn = await PageForms.PostAsync(family, "/family", $"/family?handler=Withdraw&id={id}", []);
        var after = await family.GetStringAsync(new Uri("/family", UriKind.Relative));
        using var again = await PageForms.PostAsync(family, "/family", $"/family?handler=Withdraw&id={id}", []);
        var late = await family.GetStringAsync(new Uri("/family", UriKind.Relative));

        Assert.Contains("Вы ещё не отправляли запросов", before, StringComparison.Ordinal);
        Assert.Contains(" МСК</td>", listed, StringComparison.Ordinal);
        Assert.Contains("Отозвать</button>", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal(["withdrawn", "withdrawn"], (await RequestsOfAsync(parent.EsiaOid.Value)).Select(r => r.Status));
        Assert.Contains("Запрос отозван", after, StringComparison.Ordinal);
        Assert.Contains("отозван вами", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Отозвать</button>", after, StringComparison.Ordinal);
        Assert.Contains("отозвать его нельзя", late, StringComparison.Ordinal);
        Assert.Equal(1L, await fixture.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'family-request.withdraw' AND actor = $1", $"esia:{parent.EsiaOid}"));
    }

    [Fact]
    public async Task AStudentOver14_SendsTheirOwnRequest_AndApprovalLinksTheirAccount()
    {
        var (student, _) = fixture.NextFamily(s => fixture.Harness.World.EsiaPeople.Find(s.EsiaOid!.Value)!.Trusted);
        var placement = await fixture.PlacementAsync(student);
        using var own = await fixture.FamilyLoginAsync(student.EsiaOid!.Value);

        using var sent = await FamilyFixture.RequestAsync(own, placement.School, placement.ClassName, child: null);
        var request = Assert.Single(await RequestsOfAsync(student.EsiaOid.Value));
        using var admin = await fixture.OperatorLoginAsync();
        using var approved = await ApproveAsync(admin, request.Id);

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal("student", request.Kind);
        Assert.Equal(student.EsiaOid, await fixture.Harness.Db.ScalarAsync<long>("SELECT esia_oid FROM person WHERE id = $1", placement.Person));
    }

    [Fact]
    public async Task AStudentOver14WithAnUnconfirmedAccount_IsRefusedAtLogin()
    {
        var (student, _) = fixture.NextFamily(s => fixture.Harness.World.EsiaPeople.Find(s.EsiaOid!.Value)!.Trusted);
        fixture.Harness.World.Esia.Faults.Arm(EsiaFaults.UnconfirmedAccount, 1);
        using var client = EsiaWalk.Client();

        using var refused = await EsiaWalk.LogInAsync(client, new Uri(fixture.Address, "/family/login"), student.EsiaOid!.Value);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Учётная запись не подтверждена", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStudentUnder14_CannotSendTheirOwnRequest()
    {
        var (student, _) = fixture.NextFamily();
        var placement = await fixture.PlacementAsync(student);
        var requests = fixture.Gateway.Services.GetRequiredService<FamilyRequests>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thirteen = new AccountHolder(1_099_000_001, "Петров", "Иван", null, today.AddYears(-13), null, Trusted: true);

        var outcome = await requests.SubmitAsync(thirteen, [], new FamilyRequestForm(placement.School, placement.ClassName, ChildId: null), default);

        Assert.Equal("family.under-14", outcome.Rejection?.Code);
    }

    [Fact]
    public async Task ApprovingAStudentTheClassDoesNotHave_KeepsTheRequestWaiting_WithTheReasonOnTheDashboard()
    {
        var (student, parent) = fixture.NextFamily();
        var placement = await fixture.PlacementAsync(student);
        var otherClass = await fixture.Harness.Db.ScalarAsync<string>(
            "SELECT grade || ' «' || letter || '»' FROM class WHERE school_id = $1 AND id <> $2 ORDER BY grade, letter LIMIT 1", placement.School, placement.Class);
        using var family = await fixture.FamilyLoginAsync(parent.EsiaOid!.Value);
        using var sent = await FamilyFixture.RequestAsync(family, placement.School, otherClass, student.Id);
        var request = (await RequestsOfAsync(parent.EsiaOid!.Value)).Single(r => r.Kind == "student");
        using var admin = await fixture.OperatorLoginAsync();

        using var waits = await ApproveAsync(admin, request.Id);

        Assert.Equal(HttpStatusCode.Conflict, waits.StatusCode);
        Assert.Contains("нет в реестре этого класса", await waits.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", await fixture.Harness.Db.ScalarAsync<string>("SELECT status FROM family_request WHERE id = $1", request.Id));
        Assert.Contains("нет в реестре этого класса", await admin.GetStringAsync(new Uri("/join-requests", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(0L, await fixture.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE esia_oid = $1", student.EsiaOid));
    }

    [Fact]
    public async Task RejectingARequest_NeedsAReason_AndTheFamilySeesIt()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;
        using var sent = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, student.Id);
        var request = (await RequestsOfAsync(parent.EsiaOid!.Value)).Single(r => r.Kind == "representative");
        using var admin = await fixture.OperatorLoginAsync();

        using var withoutReason = await PageForms.PostAsync(admin, "/join-requests", $"/join-requests?handler=Reject&id={request.Id}", new() { ["reason"] = " " });
        using var rejected = await PageForms.PostAsync(admin, "/join-requests", $"/join-requests?handler=Reject&id={request.Id}", new() { ["reason"] = "Ребёнок переведён в другую школу" });

        Assert.Equal(HttpStatusCode.Conflict, withoutReason.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        var page = await family.GetStringAsync(new Uri("/family", UriKind.Relative));
        Assert.Contains("отклонён", page, StringComparison.Ordinal);
        Assert.Contains("Ребёнок переведён в другую школу", page, StringComparison.Ordinal);
        Assert.Contains("Причина: Ребёнок переведён в другую школу", await fixture.Harness.Db.ScalarAsync<string>(
            "SELECT body FROM mail_outbox WHERE recipient = $1 AND subject = 'Запрос в школу отклонён'", $"p{parent.Id}@mail.test"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorOfAnotherRegion_CannotDecideTheRequest()
    {
        using var logged = await fixture.ParentLoggedInAsync();
        var (student, parent, placement, family) = logged;
        using var sent = await FamilyFixture.RequestAsync(family, placement.School, placement.ClassName, student.Id);
        var request = (await RequestsOfAsync(parent.EsiaOid!.Value)).First();
        var decisions = fixture.Gateway.Services.GetRequiredService<FamilyRequests>();

        var entry = await decisions.FindAsync(request.Id, default);

        Assert.Equal("54", entry!.Region);
        Assert.DoesNotContain(entry, await decisions.ListAsync(["11"], default));
        Assert.Contains(await decisions.ListAsync(["54"], default), e => e.Id == request.Id);
    }

    [Fact]
    public async Task Fault_ExpiredAccessToken_TheFamilyPageSendsThePersonToLogInAgain()
    {
        var (_, parent) = fixture.NextFamily();
        using var family = await fixture.FamilyLoginAsync(parent.EsiaOid!.Value);
        fixture.Harness.World.Esia.Faults.Arm(EsiaFaults.ExpiredAccessToken, 1);

        using var page = await family.GetAsync(new Uri("/family", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/family/login", page.Headers.Location!.OriginalString);
    }

    private static Task<HttpResponseMessage> ApproveAsync(HttpClient admin, long id) =>
        PageForms.PostAsync(admin, "/join-requests", $"/join-requests?handler=Approve&id={id}", []);

    private async Task<List<(long Id, string Kind, string Status)>> RequestsOfAsync(long applicant)
    {
        await using var command = fixture.Harness.Db.CreateCommand("SELECT id, kind, status FROM family_request WHERE applicant_oid = $1 ORDER BY id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = applicant });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
