using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>Staff with roles (push protocol 1.1): a person may teach and administer; an unknown role is quarantined.</summary>
public class StaffPushTests
{
    [Fact]
    public async Task PushedStaff_TeachersAndAdministrators_AreStoredByRole_AndAnUnknownRoleIsQuarantined()
    {
        await using var push = await PushFixture.StartAsync();
        var chunk = PushFixture.SampleSchool();
        chunk.Teachers[0].Roles.Add("teacher");
        chunk.Teachers[0].Roles.Add("admin");
        chunk.Teachers.Add(Staff("a-1", "Администратор", 7_000_002));
        chunk.Teachers.Add(Staff("a-2", "директор", 7_000_003));

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("staff-1", completeRoster: true), chunk);

        Assert.Equal(("a-2", "staff.role"), Assert.Single(reply.Rejected, r => r.Kind == "teacher") is var r ? (r.SourceId, r.ReasonCode) : default);
        Assert.Equal("a-1:admin:{};t-1:admin:{};t-1:teacher:{Алгебра}", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(m.source_id || ':' || st.role || ':' || st.subjects::text, ';' ORDER BY m.source_id, st.role)
            FROM staff st JOIN identity_map m ON m.federal_id = st.person_id AND m.kind = 'teacher'
            """));
        // Two administrators: the school keeps the rule "over N students, at least two administrators".
        var indicators = await new MonitoringReader(push.Db, TimeProvider.System).IndicatorsAsync(["54"], [], adminPolicyStudents: 1, CancellationToken.None);
        Assert.Empty(indicators.AdminPolicyBreaches);
    }

    [Fact]
    public async Task ARoleDroppedFromACompleteRoster_LeavesThatRoleOnly()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        var first = PushFixture.SampleSchool();
        first.Teachers[0].Roles.Add("teacher");
        first.Teachers[0].Roles.Add("admin");
        await PushFixture.PushAsync(client, PushFixture.Header("staff-1", completeRoster: true), first);

        var reply = await PushFixture.PushAsync(client, PushFixture.Header("staff-2", completeRoster: true), PushFixture.SampleSchool());

        Assert.Equal(1L, reply.Deleted);
        Assert.Equal("teacher", await push.Db.ScalarAsync<string>("SELECT string_agg(role, ',') FROM staff"));
    }

    private static Teacher Staff(string id, string role, long snils) => new()
    {
        Person = new Person { SourceId = id, LastName = "Иванова", FirstName = "Ольга", Snils = Identifiers.Snils(snils) },
        Roles = { role },
    };
}
