using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Notifications;
using MySchool.Integration.Core.People;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.People;

/// <summary>Teachers never self-register (000): an invitation link, valid 24 hours, accepted through ESIA, expired by a job.</summary>
public class TeacherInvitationTests
{
    [Fact]
    public async Task AnInvitedTeacher_LogsInThroughEsiaWithTheLink_AndIsLinkedToTheirAccount()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, teacher) = await TeacherAsync(site);

        var link = await InviteAsync(site, school, teacher);
        var account = await EsiaAccountAsync(site, teacher);
        using var accepted = await EsiaWalk.LogInAsync(EsiaWalk.Client(), link, account);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("Приглашение принято", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(account, await site.Harness.Db.ScalarAsync<long>("SELECT esia_oid FROM person WHERE id = $1", teacher));
        using var again = await EsiaWalk.LogInAsync(EsiaWalk.Client(), link, account);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task TheInvitationLink_ArrivesByEMail_InTheTeachersName_AndWorks()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, teacher) = await TeacherAsync(site);
        var name = await site.Harness.Db.ScalarAsync<string>("SELECT concat_ws(' ', last_name, first_name, middle_name) FROM person WHERE id = $1", teacher);
        await InviteAsync(site, school, teacher);

        var delivered = await site.Gateway.Services.GetRequiredService<MailOutbox>()
            .DeliverDueAsync(site.Gateway.Services.GetRequiredService<IMailTransport>(), 10, default);

        Assert.Equal(new DeliveryReport(1, 0, 0), delivered);
        var mail = Assert.Single(site.Harness.World.Smtp.Inbox);
        Assert.Equal(["teacher@school.test"], mail.To);
        Assert.Equal("Приглашение в ФГИС «Моя школа»", mail.Subject);
        Assert.Contains(name, mail.Body, StringComparison.Ordinal);
        var link = new Uri(System.Text.RegularExpressions.Regex.Match(mail.Body, @"http\S+/invitations/\S+").Value);
        using var accepted = await EsiaWalk.LogInAsync(EsiaWalk.Client(), link, await EsiaAccountAsync(site, teacher));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task AnInvitationMailTheRelayRefuses_IsShownToTheOperator_WithTheRelaysAnswer()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, teacher) = await TeacherAsync(site);
        await InviteAsync(site, school, teacher);
        site.Harness.World.Mail.Faults.Arm(MySchool.Integration.Mocks.Mail.MailFaults.MailboxUnavailable, 1);

        var delivered = await site.Gateway.Services.GetRequiredService<MailOutbox>()
            .DeliverDueAsync(site.Gateway.Services.GetRequiredService<IMailTransport>(), 10, default);
        using var operatorSession = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);
        var overview = await operatorSession.GetStringAsync(new Uri(site.Address, "/"));

        Assert.Equal(new DeliveryReport(0, 0, 1), delivered);
        Assert.Contains("id=\"mail-problems\"", overview, StringComparison.Ordinal);
        Assert.Contains("teacher@school.test", overview, StringComparison.Ordinal);
        Assert.Contains("550", overview, StringComparison.Ordinal);
        Assert.Contains("href=\"/?handler=Export&amp;list=mail&amp;format=csv\" id=\"export-mail-csv\"", overview, StringComparison.Ordinal);
        var download = await operatorSession.GetStringAsync(new Uri(site.Address, "/?handler=Export&list=mail&format=csv"));
        var rows = download.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Кому;Школа;Состояние;Попыток;Ответ почтового сервера", rows[0]);
        Assert.StartsWith("teacher@school.test;", Assert.Single(rows[1..]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SiteOnPorts.Operator54)] // another SNILS
    [InlineData(SiteOnPorts.NoRole)] // no SNILS at all
    public async Task AnInvitationOpenedBySomeoneElse_IsRefused_AndLinksNobody(long someoneElse)
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, teacher) = await TeacherAsync(site);
        var link = await InviteAsync(site, school, teacher);

        using var refused = await EsiaWalk.LogInAsync(EsiaWalk.Client(), link, someoneElse);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("адресовано другому человеку", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE esia_oid = $1", someoneElse));
        Assert.Equal("sent", await site.Harness.Db.ScalarAsync<string>("SELECT status FROM teacher_invitation"));
    }

    [Fact]
    public async Task AnInvitationUnusedFor24Hours_IsExpiredByTheScheduledDuty_AndTheLinkSaysSo()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, teacher) = await TeacherAsync(site);
        var link = await InviteAsync(site, school, teacher);
        await site.Harness.Db.ExecuteAsync("UPDATE teacher_invitation SET expires_at = now() - interval '1 minute'"); // 24 hours went by

        var expired = await site.Gateway.Services.GetRequiredService<TeacherInvitations>().ExpireAsync(default);
        var account = await EsiaAccountAsync(site, teacher);
        using var late = await EsiaWalk.LogInAsync(EsiaWalk.Client(), link, account);

        Assert.Equal(1, expired);
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("Срок приглашения истёк", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE esia_oid = $1", account));
    }

    [Fact]
    public async Task InvitingSomeoneWhoDoesNotTeachAtTheSchool_IsRefused()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var (school, _) = await TeacherAsync(site);
        var student = await site.Harness.Db.ScalarAsync<Guid>("SELECT student_id FROM enrollment LIMIT 1");
        var client = await site.Gateway.CreateClientAsync("operator");

        using var response = await client.PostAsJsonAsync(new Uri("/api/invitations", UriKind.Relative), new { schoolId = school, teacherId = student, email = "t@school.test" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0L, await site.Harness.Db.ScalarAsync<long>("SELECT count(*) FROM teacher_invitation"));
    }

    private static async Task<(Guid School, Guid Teacher)> TeacherAsync(SiteOnPorts site) =>
        (await site.Harness.Db.ScalarAsync<Guid>("SELECT school_id FROM staff WHERE role = 'teacher' ORDER BY person_id LIMIT 1"),
         await site.Harness.Db.ScalarAsync<Guid>("SELECT person_id FROM staff WHERE role = 'teacher' ORDER BY person_id LIMIT 1"));

    /// <summary>The teacher's own ESIA account: the mock's person with the registry teacher's SNILS.</summary>
    private static async Task<long> EsiaAccountAsync(SiteOnPorts site, Guid teacher)
    {
        var snils = await site.Harness.Db.ScalarAsync<string>("SELECT snils FROM person WHERE id = $1", teacher);
        return site.Harness.World.EsiaPeople.FindBySnils(snils)!.Oid;
    }

    private static async Task<Uri> InviteAsync(SiteOnPorts site, Guid school, Guid teacher)
    {
        var client = await site.Gateway.CreateClientAsync("operator");
        using var response = await client.PostAsJsonAsync(new Uri("/api/invitations", UriKind.Relative), new { schoolId = school, teacherId = teacher, email = "teacher@school.test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonObject>())!["link"]!.GetValue<string>());
    }
}
