using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Access;

/// <summary>An appointed person logs in through ESIA and sees only their scope; a revoked one no longer gets in.</summary>
public class AppointeeLoginTests
{
    private const long Administrator = 1_000_000_301; // the mock ESIA's school administrator, SNILS 112-233-447 97

    [Fact]
    public async Task ASchoolAdministrator_SeesTheirSchool_IsRefusedOtherSchoolsAndTheRegion_AndAfterRevocationCannotLogIn()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var own = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var other = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn DESC LIMIT 1");
        var appointments = site.Gateway.Services.GetRequiredService<Appointments>();
        var coordinator = OperatorScope.OfRegion("54");
        Assert.Null(await appointments.AppointAsync($"esia:{SiteOnPorts.Operator54}", coordinator, new(AppointmentRole.School, Administrator, "oid", SchoolId: own), CancellationToken.None));

        using (var session = await EsiaWalk.OperatorSessionAsync(site.Address, Administrator))
        {
            using var ownPage = await session.GetAsync($"/schools/{own}");
            Assert.True(ownPage.StatusCode == HttpStatusCode.OK, $"{ownPage.StatusCode} {ownPage.Headers.Location}");
            Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync($"/schools/{other}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync("/regions/54")).StatusCode);
            var overview = await session.GetStringAsync("/");
            Assert.Contains($"href=\"/schools/{own}\"", overview, StringComparison.Ordinal);
            Assert.DoesNotContain($"href=\"/schools/{other}\"", overview, StringComparison.Ordinal);
            var list = await session.GetStringAsync("/appointments");
            Assert.Contains("администратор школы", list, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"appoint-school\"", list, StringComparison.Ordinal);
        }

        var id = Assert.Single(await appointments.OpenAsync(Administrator, CancellationToken.None)).Id;
        Assert.Null(await appointments.RevokeAsync($"esia:{SiteOnPorts.Operator54}", coordinator, id, CancellationToken.None));
        using var refused = await EsiaWalk.LogInAsync(EsiaWalk.Client(), new Uri(site.Address, "/login"), Administrator);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ARegionalCoordinator_SeesTheRegionsSchoolsInTheAppointmentForm_AndRevokesWithOneClick()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var school = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var appointments = site.Gateway.Services.GetRequiredService<Appointments>();
        var coordinator = OperatorScope.OfRegion("54");
        await appointments.AppointAsync($"esia:{SiteOnPorts.Operator54}", coordinator, new(AppointmentRole.School, Administrator, "oid", SchoolId: school), CancellationToken.None);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var page = await session.GetStringAsync("/appointments");

        Assert.Contains("id=\"appoint-school\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"appoint-municipal\"", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{school}\"", page, StringComparison.Ordinal);
        var id = Assert.Single(await appointments.OpenAsync(Administrator, CancellationToken.None)).Id;
        Assert.Contains($"data-appointment=\"{id}\"", page, StringComparison.Ordinal);
        using var revoke = await PageForms.PostAsync(session, "/appointments", $"/appointments?id={id}&handler=Revoke", []);
        Assert.Empty(await appointments.OpenAsync(Administrator, CancellationToken.None));
    }

    [Fact]
    public async Task ARegionalCoordinator_AppointsBySnils_ThePersonIsFoundInEsia_AndAnUnknownSnilsIsRefusedInRussian()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var school = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        // The person is a teacher in the registry under that SNILS: the appointment takes the registry's name at once.
        var teacher = await site.Harness.Db.ScalarAsync<Guid>("SELECT person_id FROM staff WHERE school_id = $1 AND role = 'teacher' ORDER BY person_id LIMIT 1", school);
        await site.Harness.Db.ExecuteAsync("UPDATE person SET snils = '11223344797' WHERE id = $1", teacher);
        var name = await site.Harness.Db.ScalarAsync<string>("SELECT concat_ws(' ', last_name, first_name, middle_name) FROM person WHERE id = $1", teacher);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        using var unknown = await PageForms.PostAsync(session, "/appointments", "/appointments?handler=Appoint", new() { ["role"] = "school", ["place"] = school.ToString(), ["snils"] = "998-877-665 52" });
        using var appointed = await PageForms.PostAsync(session, "/appointments", "/appointments?handler=Appoint", new() { ["role"] = "school", ["place"] = school.ToString(), ["snils"] = "112-233-447 97" });

        Assert.Equal(HttpStatusCode.Redirect, appointed.StatusCode);
        var appointment = Assert.Single(await site.Gateway.Services.GetRequiredService<Appointments>().OpenAsync(Administrator, CancellationToken.None));
        Assert.Equal((AppointmentRole.School, school, $"esia:{SiteOnPorts.Operator54}"), (appointment.Role, appointment.SchoolId, appointment.AppointedBy));
        Assert.Contains("В ЕСИА нет учётной записи со СНИЛС ***-***-*** 52", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(name, appointment.FullName);
    }

    [Fact]
    public async Task ARegionalCoordinator_GivesOneOfTheSchoolsAdministratorsTheDashboard_FromTheSchoolPage_AndTheyLogIn()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var db = site.Harness.Db;
        var school = await db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var admins = await db.ScalarAsync<long>("SELECT count(*) FROM staff WHERE school_id = $1 AND role = 'admin'", school);
        var linked = await db.ScalarAsync<Guid>("SELECT person_id FROM staff WHERE school_id = $1 AND role = 'admin' ORDER BY person_id LIMIT 1", school);
        var name = await db.ScalarAsync<string>("SELECT concat_ws(' ', last_name, first_name, middle_name) FROM person WHERE id = $1", linked);
        await db.ExecuteAsync("UPDATE person SET esia_oid = $1 WHERE id = $2", Administrator, linked); // as the nightly linking by SNILS would
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var page = await session.GetStringAsync($"/schools/{school}");
        using var appointed = await PageForms.PostAsync(session, $"/schools/{school}", $"/appointments?handler=Staff&school={school}&person={linked}", []);

        Assert.Contains($"person={linked}", page, StringComparison.Ordinal);
        Assert.Equal(admins - 1, System.Text.RegularExpressions.Regex.Count(page, "нет связанной учётной записи ЕСИА"));
        Assert.Equal(HttpStatusCode.Redirect, appointed.StatusCode);
        var appointment = Assert.Single(await site.Gateway.Services.GetRequiredService<Appointments>().OpenAsync(Administrator, CancellationToken.None));
        Assert.Equal((AppointmentRole.School, school, name), (appointment.Role, appointment.SchoolId, appointment.FullName));
        using var administrator = await EsiaWalk.OperatorSessionAsync(site.Address, Administrator);
        Assert.Equal(HttpStatusCode.OK, (await administrator.GetAsync($"/schools/{school}")).StatusCode);
        // Nobody without the right is offered the button: the administrator themselves may not appoint.
        Assert.DoesNotContain("appoint-staff", await administrator.GetStringAsync($"/schools/{school}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASchoolAdministrator_SeesTheSchoolsDataProblems_AndResyncsTheSchool_ButNotAnotherOne()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var own = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var other = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn DESC LIMIT 1");
        foreach (var (school, reason) in new[] { (own, "Своя проблема"), (other, "Чужая проблема") })
        {
            await site.Harness.Db.ExecuteAsync("""
                INSERT INTO quarantine (source_system, scope, kind, source_id, raw_payload, reason_code, reason)
                SELECT 'nso', '54/' || source_id, 'student', 'quarantine-test-' || source_id, '{}', 'person.name', $2 FROM identity_map WHERE kind = 'school' AND federal_id = $1
                """, school, reason);
        }

        var coordinator = OperatorScope.OfRegion("54");
        await site.Gateway.Services.GetRequiredService<Appointments>().AppointAsync("esia:test", coordinator, new(AppointmentRole.School, Administrator, "oid", SchoolId: own), CancellationToken.None);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, Administrator);

        var quarantine = await session.GetStringAsync("/quarantine");
        Assert.Contains("Своя проблема", quarantine, StringComparison.Ordinal);
        Assert.DoesNotContain("Чужая проблема", quarantine, StringComparison.Ordinal);

        using var resync = await PageForms.PostAsync(session, $"/schools/{own}", $"/schools/{own}?handler=Sync", []);
        Assert.Equal(HttpStatusCode.Redirect, resync.StatusCode);
        Assert.StartsWith("/runs/", resync.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var refused = await session.PostAsync($"/schools/{other}?handler=Sync", new FormUrlEncodedContent([new("__RequestVerificationToken", PageForms.AntiforgeryToken(await session.GetStringAsync($"/schools/{own}")))]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ASchoolAdministrator_RejectsAHeldSferumJoinRequestOfTheSchool_AndTheReasonReachesSferum()
    {
        await using var site = await SiteOnPorts.StartAsync(sferum: true);
        await site.Harness.SyncAsync();
        site.Harness.World.Sferum.Faults.Arm(MySchool.Integration.Mocks.Sferum.SferumFaults.RequestNotInRegistry, 1);
        var community = site.Gateway.Services.GetRequiredService<MySchool.Integration.Core.Communities.CommunitySync>();
        foreach (var school in new[] { "ORDER BY inn LIMIT 1", "ORDER BY inn DESC LIMIT 1" })
        {
            await community.MatchJoinRequestsAsync(await site.Harness.Db.ScalarAsync<Guid>($"SELECT id FROM school {school}"), CancellationToken.None);
        }

        var held = await site.Harness.Db.ScalarAsync<string>("SELECT request_id FROM join_request WHERE status = 'held'");
        var own = await site.Harness.Db.ScalarAsync<Guid>("SELECT school_id FROM join_request WHERE request_id = $1", held);
        var other = await site.Harness.Db.ScalarAsync<Guid>("SELECT id FROM school WHERE id <> $1 LIMIT 1", own);
        var appointments = site.Gateway.Services.GetRequiredService<Appointments>();
        var coordinator = OperatorScope.OfRegion("54");
        await appointments.AppointAsync("esia:test", coordinator, new(AppointmentRole.School, Administrator, "oid", SchoolId: other), CancellationToken.None);
        await appointments.AppointAsync("esia:test", coordinator, new(AppointmentRole.School, 1_000_000_201, "oid", SchoolId: own), CancellationToken.None);
        using var stranger = await EsiaWalk.OperatorSessionAsync(site.Address, Administrator);
        // His own school's page gives the session's form token: the join requests page shows him no form.
        using var refused = await PageForms.PostAsync(stranger, $"/schools/{other}", $"/join-requests?handler=Community&requestId={held}&approve=false", new() { ["reason"] = "Чужая школа" });
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, 1_000_000_201);
        var page = await session.GetStringAsync("/join-requests");

        using var rejected = await PageForms.PostAsync(session, "/join-requests", $"/join-requests?handler=Community&requestId={held}&approve=false", new() { ["reason"] = "Такого ученика в школе нет" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Отклонить", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.Equal(("reject", "Такого ученика в школе нет"), site.Harness.World.SferumApi.Decisions[int.Parse(held, System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Contains("отклонена", await session.GetStringAsync("/join-requests"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFederalOperator_AppointsARegionalCoordinatorBySnils_WhichARegionalCoordinatorCannot()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync(); // the region's schools: the coordinator's page then has its forms
        using var federal = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.FederalOperator);
        using var regional = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        Assert.DoesNotContain("id=\"appoint-regional\"", await regional.GetStringAsync("/appointments"), StringComparison.Ordinal);
        using var refused = await PageForms.PostAsync(regional, "/appointments", "/appointments?handler=Appoint", new() { ["role"] = "regional", ["region"] = "11", ["snils"] = "112-233-446 96" });
        Assert.Contains("id=\"appoint-regional\"", await federal.GetStringAsync("/appointments"), StringComparison.Ordinal);
        using var appointed = await PageForms.PostAsync(federal, "/appointments", "/appointments?handler=Appoint", new() { ["role"] = "regional", ["region"] = "11", ["snils"] = "112-233-446 96" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the page again, with the refusal
        Assert.Equal(HttpStatusCode.Redirect, appointed.StatusCode);
        var appointment = Assert.Single(await site.Gateway.Services.GetRequiredService<Appointments>().OpenAsync(1_000_000_201, CancellationToken.None));
        Assert.Equal((AppointmentRole.Regional, "11", $"esia:{SiteOnPorts.FederalOperator}"), (appointment.Role, appointment.RegionCode, appointment.AppointedBy));
    }
}
