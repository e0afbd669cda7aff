using Grpc.Core;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>Vendors' gRPC push: the engine's rules and quarantine, idempotency keys, regions, tokens and limits.</summary>
public class VendorPushTests
{
    [Fact]
    public async Task APush_WritesTheSchool_AndCountsWhatItDid()
    {
        await using var push = await PushFixture.StartAsync();

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("batch-1"), PushFixture.SampleSchool());

        Assert.False(reply.Duplicate);
        Assert.Empty(reply.Rejected);
        Assert.True(reply.Inserted > 0);
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE source_system = 'vendor54'"));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM attendance WHERE code = 'н'"));
        Assert.Equal("Ӧньӧ Іван", await push.Db.ScalarAsync<string>("SELECT last_name || ' ' || first_name FROM person p JOIN identity_map m ON m.federal_id = p.id WHERE m.source_id = 's-0'"));
        Assert.Equal(new DateTimeOffset(2023, 11, 6, 1, 30, 0, TimeSpan.Zero), await push.Db.ScalarAsync<DateTime>("SELECT min(starts_at) FROM lesson"));
        Assert.Equal("succeeded", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", reply.RunId));
    }

    [Fact]
    public async Task ABatchSentTwice_IsAppliedOnce_AndTheRepeatGetsTheFirstAnswer()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        var first = await PushFixture.PushAsync(client, PushFixture.Header("batch-twice"), PushFixture.SampleSchool());
        var version = await push.Db.ScalarAsync<long>("SELECT pg_sequence_last_value('change_version_seq')");

        var second = await PushFixture.PushAsync(client, PushFixture.Header("batch-twice"), PushFixture.SampleSchool());

        Assert.True(second.Duplicate);
        var expected = first.Clone();
        expected.Duplicate = true;
        Assert.Equal(expected, second);
        Assert.Equal(version, await push.Db.ScalarAsync<long>("SELECT pg_sequence_last_value('change_version_seq')"));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM sync_run WHERE mode = 'push'"));
    }

    [Fact]
    public async Task InvalidRecords_GoToQuarantineWithTheirReasons_AndTheRestOfTheBatchCommits()
    {
        await using var push = await PushFixture.StartAsync();
        var chunk = PushFixture.SampleSchool();
        chunk.Students[4].Person.Snils = "112-233-445 96";                               // checksum wrong
        chunk.Marks.Add(PushFixture.Mark("m-bad-value", "s-0", "c-9a", "2023-11-06", "6")); // no such mark
        chunk.Marks.Add(PushFixture.Mark("m-ghost", "s-404", "c-9a", "2023-11-06", "4"));   // no such student
        chunk.Marks.Add(PushFixture.Mark("m-no-lesson", "s-1", "c-9a", "2023-11-09", "4")); // no lesson that day
        chunk.Lessons.Add(new Lesson { ClassSourceId = "c-9a", Date = "2023-11-31", Number = 2, Start = "09:25", End = "10:10", Subject = "Физика" });

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("batch-bad"), chunk);

        var reasons = reply.Rejected.Select(r => (r.SourceId, r.ReasonCode)).Order().ToList();
        // The refused student's own mark cannot be placed either: it waits in quarantine with them.
        Assert.Equal(
            [("c-9a/2023-11-31/2", "lesson.time"), ("m-bad-value", "mark.out-of-scale"), ("m-ghost", "mark.orphan"), ("m-no-lesson", "mark.orphan"), ("m-s-4-2023-11-06", "mark.orphan"), ("s-4", "snils.checksum")],
            reasons);
        Assert.All(reply.Rejected, r => Assert.Matches("[А-Яа-я]", r.Reason));
        Assert.Equal(6L, reply.Quarantined);
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
        Assert.Equal(5L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM mark"));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE source_system = 'vendor54'"));
    }

    [Fact]
    public async Task ALaterDelta_UpdatesAndDeletesMarks_ByReferenceToWhatWasPushedBefore()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        await PushFixture.PushAsync(client, PushFixture.Header("roster"), PushFixture.SampleSchool());
        var delta = new RecordChunk { DeletedMarks = { "m-s-0-2023-11-07" } };
        delta.Marks.Add(PushFixture.Mark("m-s-0-2023-11-06", "s-0", "c-9a", "2023-11-06", "4+"));
        delta.Marks.Add(PushFixture.Mark("m-s-2-2023-11-07", "s-2", "c-9a", "2023-11-07", "зч"));

        var reply = await PushFixture.PushAsync(client, PushFixture.Header("delta"), delta);

        Assert.Empty(reply.Rejected);
        Assert.Equal((1L, 1L, 1L), (reply.Inserted, reply.Updated, reply.Deleted));
        Assert.Equal("4+", await push.Db.ScalarAsync<string>("SELECT code FROM mark WHERE source_key = 'm-s-0-2023-11-06'"));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE source_key = 'm-s-0-2023-11-07'"));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM tombstone WHERE kind = 'mark'"));
        Assert.Equal(6L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL")); // a partial roster ends no one
    }

    [Fact]
    public async Task AVendor_PushingIntoARegionItDoesNotHold_IsPermissionDenied_AndAudited()
    {
        await using var push = await PushFixture.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await PushFixture.PushAsync(await push.ClientAsync("vendor-54"), PushFixture.Header("foreign", region: "11"), PushFixture.SampleSchool()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
        Assert.Equal("vendor-54 push.denied 11", await push.Db.ScalarAsync<string>("SELECT actor || ' ' || action || ' ' || scope FROM audit_event"));
    }

    [Fact]
    public async Task WithoutAToken_OrWithAnExpiredOne_APushIsUnauthenticated()
    {
        await using var push = await PushFixture.StartAsync(new Dictionary<string, string> { ["Exchange:TokenLifetime"] = "00:00:01" });
        var expired = await push.ClientAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            PushFixture.PushAsync(new VendorExchange.VendorExchangeClient(push.Gateway.Channel(token: null)), PushFixture.Header("anonymous"), PushFixture.SampleSchool()));
        var late = await Assert.ThrowsAsync<RpcException>(() => PushFixture.PushAsync(expired, PushFixture.Header("late"), PushFixture.SampleSchool()));

        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, late.StatusCode);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Fact]
    public async Task AMessageOverTheSizeLimit_IsResourceExhausted_AndNothingIsWritten()
    {
        await using var push = await PushFixture.StartAsync();
        var huge = new RecordChunk();
        huge.Marks.Add(PushFixture.Mark("m-huge", "s-0", "c-9a", "2023-11-06", "5"));
        huge.Marks[0].Comment = new string('я', 3 * 1024 * 1024); // 6 MB in UTF-8

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("huge"), huge));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Fact]
    public async Task ABatchWithoutAHeader_IsInvalidArgument()
    {
        await using var push = await PushFixture.StartAsync();
        using var call = (await push.ClientAsync()).Push();
        await call.RequestStream.WriteAsync(new PushMessage { Records = PushFixture.SampleSchool() });
        await call.RequestStream.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
