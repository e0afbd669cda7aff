using System.ServiceModel;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Ownership;

/// <summary>
/// Who may write what: a school stays in its region and is written by its owner, a person enrolled in a school
/// another source owns is neither moved nor renamed, one SNILS is never two people, and a vendor's answer never
/// tells what the registry holds elsewhere.
/// </summary>
public class OwnershipPushTests
{
    [Fact]
    public async Task AVendor_PushingTheInnOfAnotherRegionsSchool_IsRefused_TheSchoolStays_AndTheAttemptIsAudited()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), PushFixture.SampleSchool());
        var takeover = PushFixture.Header("takeover");
        takeover.School.Inn = Identifiers.Inn("11", 77);

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), takeover, PushFixture.SampleSchool());

        Assert.Equal([("school", PushFixture.SchoolId, OwnershipReasons.ForVendor.Code, OwnershipReasons.ForVendor.Message)],
            reply.Rejected.Select(r => (r.Kind, r.SourceId, r.ReasonCode, r.Reason)));
        Assert.Equal((0L, 0L, 0L), (reply.Inserted, reply.Updated, reply.Deleted));
        Assert.Equal($"11 Europe/Moscow {PushFixture.KomiSchool}", await push.Db.ScalarAsync<string>(
            "SELECT sr.code || ' ' || s.time_zone || ' ' || s.full_name FROM school s JOIN school_region sr ON sr.school_id = s.id"));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
        Assert.Equal("vendor54 ownership.cross-region 54/school-77", await push.Db.ScalarAsync<string>(
            "SELECT actor || ' ' || action || ' ' || scope FROM audit_event WHERE action LIKE 'ownership.%'"));
        Assert.Equal("school.other-region", await push.Db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE source_system = 'vendor54'"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnotherSource_WritingIntoAnOwnedSchool_IsRefused_UnlessTheRegionSharesTheSchoolWithIt(bool shared)
    {
        await using var push = await PushFixture.StartAsync(shared ? new Dictionary<string, string> { ["Regions:54:SharingSources:0"] = "vendor54b" } : null);
        await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("owner"), PushFixture.SampleSchool());
        var other = PushFixture.Header("other");
        other.School.FullName = "Чужое название";

        var reply = await PushFixture.PushAsync(await push.ClientAsync("vendor-54b"), other, PushFixture.SampleSchool());

        Assert.Equal(shared ? [] : [OwnershipReasons.ForVendor.Code], reply.Rejected.Select(r => r.ReasonCode));
        Assert.Equal(shared ? 6L : 0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE source_system = 'vendor54b'"));
        // The header is the owner's either way: a sharing source writes into the school, never renames it.
        Assert.Equal(PushFixture.Header("x").School.FullName, await push.Db.ScalarAsync<string>("SELECT full_name FROM school"));
        Assert.Equal(shared ? 0L : 1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'ownership.foreign-source'"));
    }

    [Fact]
    public async Task AStudentEnrolledInAnotherRegionsSchool_IsQuarantinedOnBothSides_NeitherMovedNorRenamed_AndUnreadable()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), PushFixture.SampleSchool());
        var claim = PushFixture.SampleSchool();
        claim.Students[0].Person.LastName = "Оньо"; // the same child as the source spells them

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("claim"), claim);

        var students = reply.Rejected.Where(r => r.Kind == "student").ToList();
        Assert.Equal(6, students.Count);
        Assert.All(students, r => Assert.Equal((OwnershipReasons.ForVendor.Code, OwnershipReasons.ForVendor.Message), (r.ReasonCode, r.Reason)));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region sr ON sr.school_id = c.school_id WHERE sr.code = '11' AND e.ends_on IS NULL"));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region sr ON sr.school_id = c.school_id WHERE sr.code = '54'"));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name = 'Ӧньӧ'"));
        Assert.Equal("person.enrolled-elsewhere 6 54/school-77", await push.Db.ScalarAsync<string>(
            "SELECT reason_code || ' ' || count(*) || ' ' || min(scope) FROM quarantine WHERE source_system = 'vendor54' AND kind = 'student' GROUP BY reason_code"));
        Assert.Contains($"«{PushFixture.KomiShortName}» (регион 11)", await push.Db.ScalarAsync<string>("SELECT reason FROM quarantine WHERE source_system = 'vendor54' AND source_id = 's-0'"), StringComparison.Ordinal);
        Assert.Equal("person.claimed-elsewhere 6 11/school-77", await push.Db.ScalarAsync<string>(
            "SELECT reason_code || ' ' || count(*) || ' ' || min(scope) FROM quarantine WHERE source_system = 'vendor11' GROUP BY reason_code"));
        var soap = await push.SoapClientAsync();
        var fault = await Assert.ThrowsAsync<FaultException>(() => Task.Run(() => soap.GetStudentJournal(Week("s-0"))));
        Assert.Equal("Client.NotFound", fault.Code.Name);
    }

    [Fact]
    public async Task OnceTheHoldingSchoolEndsTheEnrollment_TheNextPushApplies_AndTheVendorReadsOnlyItsRegionsRows()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), PushFixture.SampleSchool());
        await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("claim-1"), PushFixture.SampleSchool());
        await push.Db.ExecuteAsync("UPDATE enrollment SET ends_on = '2023-11-08' FROM identity_map m WHERE m.federal_id = enrollment.student_id AND m.source_system = 'vendor11' AND m.source_id = 's-0'");

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("claim-2"), PushFixture.SampleSchool());

        Assert.DoesNotContain(reply.Rejected, r => r.SourceId == "s-0");
        Assert.Equal("54", await push.Db.ScalarAsync<string>("""
            SELECT sr.code FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region sr ON sr.school_id = c.school_id
            JOIN identity_map m ON m.federal_id = e.student_id AND m.source_system = 'vendor54' AND m.source_id = 's-0' WHERE e.ends_on IS NULL
            """));
        // The closed Komi enrollment still covers that week's lessons, but a region-54 vendor never reads them.
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN lesson l ON l.class_id = e.class_id AND l.lesson_date BETWEEN e.starts_on AND e.ends_on
            JOIN identity_map m ON m.federal_id = e.student_id AND m.source_system = 'vendor11' AND m.source_id = 's-0'
            """));
        var journal = await Task.Run(async () => (await push.SoapClientAsync()).GetStudentJournal(Week("s-0")));
        Assert.DoesNotContain(journal.Lessons, lesson => lesson.School == PushFixture.KomiSchool);
        // The conflict is over for s-0 on both sides, and still open for the others.
        Assert.Equal("person.claimed-elsewhere 5 1,person.enrolled-elsewhere 5 1", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(reason_code || ' ' || open || ' ' || resolved, ',' ORDER BY reason_code) FROM (
                SELECT reason_code, count(*) FILTER (WHERE resolved_at IS NULL) AS open, count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved
                FROM quarantine WHERE kind = 'student' GROUP BY reason_code) AS c
            """));
    }

    [Fact]
    public async Task TheSameSnils_WithAnotherBirthDate_IsASnilsMismatch_NeverMerged()
    {
        await using var push = await PushFixture.StartAsync();
        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), PushFixture.SampleSchool());
        await push.Db.ExecuteAsync("UPDATE enrollment SET ends_on = '2023-11-08'"); // nobody enrolled: only the SNILS decides
        var other = PushFixture.SampleSchool();
        other.Students[1].Person.BirthDate = "2012-01-01";

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("other-child"), other);

        Assert.Equal(OwnershipReasons.ForVendor.Code, reply.Rejected.Single(r => r.SourceId == "s-1").ReasonCode);
        Assert.Equal("person.snils-mismatch", await push.Db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE source_id = 's-1'"));
        Assert.Equal(new DateOnly(2009, 3, 11), await push.Db.ScalarAsync<DateOnly>("SELECT birth_date FROM person WHERE snils = $1", Identifiers.Snils(7_000_101)));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM identity_map WHERE source_system = 'vendor54' AND source_id = 's-1'"));
    }

    [Fact]
    public async Task AKnownStudentGivenATakenSnils_GetsTheSameAnswerAsAStudentEnrolledElsewhere()
    {
        await using var push = await PushFixture.StartAsync();
        var komi = PushFixture.SampleSchool();
        foreach (var (student, i) in komi.Students.Select((student, i) => (student, i)))
        {
            student.Person.Snils = Identifiers.Snils(7_000_200 + i);
        }

        await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi"), komi);
        var own = PushFixture.SampleSchool();
        own.Students.RemoveAt(5);
        await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("own"), own);
        var repush = new RecordChunk { Classes = { own.Classes }, Students = { own.Students[1].Clone() } };
        repush.Students[0].Person.Snils = Identifiers.Snils(7_000_200);

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("repush"), repush);

        Assert.Equal((OwnershipReasons.ForVendor.Code, OwnershipReasons.ForVendor.Message), (reply.Rejected.Single().ReasonCode, reply.Rejected.Single().Reason));
        Assert.Equal("person.snils-conflict", await push.Db.ScalarAsync<string>("SELECT reason_code FROM quarantine WHERE source_system = 'vendor54' AND source_id = 's-1'"));
    }

    [Fact]
    public async Task TwoStudentsOfOneSchool_WithOneSnilsInItsTwoForms_TheFirstIsWritten_TheSecondQuarantined_AndTheRestCommits()
    {
        await using var push = await PushFixture.StartAsync();
        var chunk = PushFixture.SampleSchool();
        chunk.Students[5].Person.Snils = Identifiers.Snils(7_000_104); // s-4's, in bare digits where s-4 has dashes

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("twins"), chunk);

        Assert.Equal("student.duplicate", reply.Rejected.Single(r => r.Kind == "student").ReasonCode);
        Assert.Equal("s-5", reply.Rejected.Single(r => r.Kind == "student").SourceId);
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
        Assert.Equal("succeeded", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", reply.RunId));
    }

    [Fact]
    public async Task AGuardianWhoIsTheStudent_IsQuarantined_AndTheRestCommits()
    {
        await using var push = await PushFixture.StartAsync();
        var chunk = PushFixture.SampleSchool();
        chunk.Students[3].Guardians[0].Person.Snils = chunk.Students[3].Person.Snils;

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("self-guardian"), chunk);

        Assert.Equal(("guardian", "p-3", "guardian.is-student"), reply.Rejected.Select(r => (r.Kind, r.SourceId, r.ReasonCode)).Single());
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM guardianship"));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
    }

    private static JournalQuery Week(string student) => new() { RegionCode = "54", StudentSourceId = student, Start = "2023-11-06", End = "2023-11-12" };
}
