using Grpc.Core;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>
/// Behind the rules: when PostgreSQL refuses a record no rule foresaw, the record is found and quarantined and the
/// rest commits; a failure no record explains fails the school with a coded Russian reason, never PostgreSQL's text.
/// </summary>
public class LastLineTests
{
    [Fact]
    public async Task RecordsPostgresRefuses_ThoughNoRuleForesawThem_AreIsolatedAndQuarantined_AndTheRestCommits()
    {
        await using var push = await PushFixture.StartAsync();
        // Rules the gateway has never heard of, as a DBA might add them.
        await push.Db.ExecuteAsync("ALTER TABLE person ADD CONSTRAINT unforeseen_name CHECK (first_name <> 'Запрет')");
        await push.Db.ExecuteAsync("ALTER TABLE mark ADD CONSTRAINT unforeseen_comment CHECK (comment IS DISTINCT FROM 'нельзя')");
        var chunk = PushFixture.SampleSchool();
        chunk.Students[2].Person.FirstName = "Запрет";
        chunk.Marks[1].Comment = "нельзя";

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("unforeseen"), chunk);

        Assert.Equal([("mark", "m-s-1-2023-11-06", "store.refused"), ("student", "s-2", "store.refused")],
            reply.Rejected.Where(r => r.ReasonCode == "store.refused").Select(r => (r.Kind, r.SourceId, r.ReasonCode)).Order());
        // The refused student's absence cannot be placed without them: it waits in quarantine too.
        Assert.Contains(reply.Rejected, r => r.Kind == "attendance" && r.ReasonCode == "mark.orphan");
        Assert.Contains("unforeseen_name", reply.Rejected.Single(r => r.Kind == "student").Reason, StringComparison.Ordinal);
        Assert.Equal("succeeded", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", reply.RunId));
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM mark"));
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE reason_code = 'store.refused'"));
    }

    [Fact]
    public async Task AFailureNoRecordExplains_FailsTheBatch_WithACodedRussianReason_AndNoPostgresText()
    {
        await using var push = await PushFixture.StartAsync();
        await push.Db.ExecuteAsync("""
            CREATE FUNCTION refuse_school() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'secret server detail %', NEW.inn; END $$;
            CREATE TRIGGER refuse_school BEFORE INSERT ON school FOR EACH ROW EXECUTE FUNCTION refuse_school();
            """);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("broken"), PushFixture.SampleSchool()));

        var runError = await push.Db.ScalarAsync<string>("SELECT error FROM sync_run WHERE mode = 'push'");
        Assert.Contains("код P0001", runError, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", runError, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM person"));
    }
}
