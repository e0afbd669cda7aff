using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>Events pushed by a vendor (protocol 1.1): each kind is stored in the school's offset; a bad one is quarantined.</summary>
public class EventPushTests
{
    [Fact]
    public async Task PushedEvents_AreStoredWithTheirKind_InTheSchoolsOffset_AndBadOnesAreQuarantined()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        await PushFixture.PushAsync(client, PushFixture.Header("roster"), PushFixture.SampleSchool());
        var chunk = new RecordChunk();
        chunk.Events.Add(Event("meeting-1", "c-9a", "meeting", "2023-11-16T18:00", "Родительское собрание"));
        chunk.Events.Add(Event("test-1", "c-9a", "test", "2023-11-17T09:25", "Контрольная работа по алгебре"));
        chunk.Events.Add(Event("club-1", "", "club", "2023-11-15T14:00:00", "Робототехника"));
        chunk.Events.Add(Event("news-1", "", "announcement", "2023-11-14T09:00", "Объявление"));
        chunk.Events.Add(Event("bad-kind", "", "party", "2023-11-14T09:00", "Вечеринка"));
        chunk.Events.Add(Event("bad-time", "", "other", "2023-11-31T09:00", "Никогда"));
        chunk.Events.Add(Event("bad-class", "c-404", "meeting", "2023-11-16T18:00", "Собрание несуществующего класса"));

        // A delta (no roster in it): its class is found among what was pushed before.
        var reply = await PushFixture.PushAsync(client, PushFixture.Header("events"), chunk);

        Assert.Equal([("bad-class", "event.unknown-class"), ("bad-kind", "event.kind"), ("bad-time", "event.time")], reply.Rejected.Select(r => (r.SourceId, r.ReasonCode)).Order());
        Assert.Equal("club-1:club:;meeting-1:meeting:9А;news-1:announcement:;test-1:test:9А", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(e.source_key || ':' || e.kind || ':' || coalesce(c.grade || c.letter, ''), ';' ORDER BY e.source_key)
            FROM event e LEFT JOIN class c ON c.id = e.class_id
            """));
        Assert.Equal(new DateTimeOffset(2023, 11, 16, 11, 0, 0, TimeSpan.Zero), await push.Db.ScalarAsync<DateTime>("SELECT starts_at FROM event WHERE source_key = 'meeting-1'"));
    }

    private static SchoolEvent Event(string key, string classId, string kind, string startsAt, string title) =>
        new() { SourceKey = key, ClassSourceId = classId, Kind = kind, StartsAt = startsAt, Title = title };
}
