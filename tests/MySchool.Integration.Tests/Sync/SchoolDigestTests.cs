using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Sync;

/// <summary>
/// A school whose source says what it said at the school's last write, and which nobody has touched since, is not
/// compared (migration 0034, <c>SchoolDigests</c>). What proves a school was not compared: a mark changed with the
/// triggers switched off (<c>session_replication_role = replica</c>, the one way around them) survives the next sync;
/// any write through them, to anything the school's write depends on, makes the next sync compare and put it back.
/// </summary>
public class SchoolDigestTests
{
    public static TheoryData<string> Adapters => [.. SyncHarness.Adapters];

    private const string Unseen = "правка в обход триггеров";

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task ARepeat_OfASchoolNobodyTouched_IsNotCompared(string adapter)
    {
        await using var harness = await SyncHarness.StartAsync(adapter);
        await harness.SyncAsync();
        var mark = await TamperUnseenAsync(harness, await FirstSchoolAsync(harness));

        var repeat = await harness.SyncAsync();

        Assert.True(repeat.Status == "succeeded", repeat.Error);
        Assert.Equal((0L, 0L, 0L), (repeat.Inserted, repeat.Updated, repeat.Deleted));
        Assert.Equal(harness.SourceRegion.Schools.Count, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM school_digest"));
        Assert.Equal(Unseen, await CommentAsync(harness, mark));
    }

    /// <summary>Each write names the first school; <c>$1</c> is its id.</summary>
    public static TheoryData<string, string> Touches => new()
    {
        { "a lesson", "UPDATE lesson SET topic = coalesce(topic, '') || ' (правка)' WHERE id = (SELECT l.id FROM lesson l JOIN class c ON c.id = l.class_id WHERE c.school_id = $1 ORDER BY 1 LIMIT 1)" },
        { "a student", "UPDATE person SET last_name = last_name || 'ӧ' WHERE id = (SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 ORDER BY 1 LIMIT 1)" },
        { "a student's parent", """
            UPDATE person SET first_name = first_name || 'і'
            WHERE id = (SELECT g.parent_id FROM guardianship g JOIN enrollment e ON e.student_id = g.student_id JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 ORDER BY 1 LIMIT 1)
            """ },
        { "a teacher", "UPDATE person SET middle_name = 'Правкина' WHERE id = (SELECT person_id FROM staff WHERE school_id = $1 ORDER BY 1 LIMIT 1)" },
        { "a student's enrollment elsewhere", """
            INSERT INTO enrollment (student_id, class_id, starts_on, ends_on)
            SELECT e.student_id, o.id, '2020-09-01', '2021-05-31' FROM enrollment e JOIN class c ON c.id = e.class_id
            JOIN class o ON o.school_id <> $1 WHERE c.school_id = $1 ORDER BY e.student_id, o.id LIMIT 1
            """ },
        { "the school's owner", "UPDATE school_owner SET assigned_by = 'оператор' WHERE school_id = $1" },
        { "the school's quarantine", """
            INSERT INTO quarantine (source_system, scope, kind, source_id, raw_payload, reason_code, reason)
            SELECT m.source_system, r.code || '/' || m.source_id, 'mark', 'проверка', '{}', 'test.touch', 'Проверка' FROM identity_map m
            JOIN school_region r ON r.school_id = m.federal_id WHERE m.kind = 'school' AND m.federal_id = $1
            """ },
        { "a mark, deleted", "DELETE FROM mark WHERE id = (SELECT m.id FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN class c ON c.id = l.class_id WHERE c.school_id = $1 ORDER BY 1 DESC LIMIT 1)" },
    };

    [Theory]
    [MemberData(nameof(Touches))]
    public async Task AWriteToWhatTheSchoolDependsOn_MakesItsNextSyncCompare(string what, string touch)
    {
        await using var harness = await SyncHarness.StartAsync();
        await harness.SyncAsync();
        var school = await FirstSchoolAsync(harness);
        var mark = await TamperUnseenAsync(harness, school);
        await harness.Db.ExecuteAsync(touch, school);

        var next = await harness.SyncAsync();

        Assert.True(next.Status == "succeeded", $"{what}: {next.Error}");
        Assert.NotEqual(Unseen, await CommentAsync(harness, mark));
    }

    /// <summary>The source's own vendor pushes a mark into the school between two syncs: the next sync compares.</summary>
    [Fact]
    public async Task APushIntoTheSchool_MakesItsNextSyncCompare()
    {
        await using var harness = await SyncHarness.StartAsync();
        await harness.SyncAsync();
        var school = await FirstSchoolAsync(harness);
        var tampered = await TamperUnseenAsync(harness, school);
        var (region, adapter) = (harness.Region, harness.CreateAdapter());
        try
        {
            var runId = await harness.Runs.QueueAsync(adapter.SourceSystem, region.Code, SyncMode.Full, CancellationToken.None);
            var plan = (await harness.Engine.PlanAsync(region, adapter, runId, null, SyncMode.Full, CancellationToken.None))!;
            var sourceId = await harness.Db.ScalarAsync<string>("SELECT source_id FROM identity_map WHERE kind = 'school' AND federal_id = $1", school);
            var slot = await harness.Db.ScalarAsync<string>("""
                SELECT concat_ws('|', sm.source_id, cm.source_id, l.lesson_date, l.number, sub.name)
                FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN class c ON c.id = l.class_id JOIN subject sub ON sub.id = m.subject_id
                JOIN identity_map cm ON cm.federal_id = l.class_id AND cm.kind = 'class' JOIN identity_map sm ON sm.federal_id = m.student_id AND sm.kind = 'student'
                WHERE c.school_id = $1 AND l.group_id IS NULL ORDER BY m.id LIMIT 1
                """, school);
            var (student, schoolClass, date, number, subject) = slot.Split('|') switch { var p => (p[0], p[1], DateOnly.Parse(p[2], CultureInfo.InvariantCulture), int.Parse(p[3], CultureInfo.InvariantCulture), p[4]) };
            var mark = new SourceMark("pushed-between-syncs", student, schoolClass, date, number, subject, "5", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 1, null, false, null, "{}");
            var ingest = new PushIngest(harness.Db, harness.Runs, TimeProvider.System, NullLogger<PushIngest>.Instance, SyncHarness.Patient);
            var pushed = await ingest.ApplyAsync(new PushClient("vendor", adapter.SourceSystem), region,
                new PushBatch("between-syncs", plan.Schools.Single(s => s.SourceId == sourceId), RosterParts.None, [], [], [], [], [mark], [], []), CancellationToken.None);
            Assert.Equal((1L, 0), (pushed.Inserted, pushed.Rejected.Count));
        }
        finally
        {
            await RegionCatalog.ReleaseAsync(adapter);
        }

        var next = await harness.SyncAsync();

        Assert.True(next.Status == "succeeded", next.Error);
        Assert.NotEqual(Unseen, await CommentAsync(harness, tampered));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM mark WHERE source_key = 'pushed-between-syncs'"));
    }

    [Fact]
    public async Task AWriteWithQuarantine_KeepsNoDigest_SoItsRecordsAreSeenAgain()
    {
        await using var harness = await SyncHarness.StartAsync(mess: spec => spec with { SnilsTwinInEachSchool = true });
        var first = await harness.SyncAsync();

        var repeat = await harness.SyncAsync();

        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM school_digest"));
        Assert.True(first.Quarantined > 0);
        Assert.Equal(first.Quarantined, repeat.Quarantined);
    }

    [Fact]
    public async Task TouchesEveryDigestHasSeen_AreForgotten()
    {
        await using var harness = await SyncHarness.StartAsync();
        await harness.SyncAsync();
        var school = await FirstSchoolAsync(harness);
        await harness.Db.ExecuteAsync(Touches.First(t => (string)t[0] == "a lesson")[1].ToString()!, school);
        Assert.Equal(1L, await OtherTouchesAsync(harness, school));

        await harness.SyncAsync();

        Assert.Equal(0L, await OtherTouchesAsync(harness, school));
    }

    /// <summary>The school's touches by any transaction but its digest's own writer.</summary>
    private static Task<long> OtherTouchesAsync(SyncHarness harness, Guid school) => harness.Db.ScalarAsync<long>(
        "SELECT count(*) FROM school_touch t WHERE t.school_id = $1 AND t.touched_by NOT IN (SELECT written_by FROM school_digest WHERE school_id = $1)", school);

    private static Task<Guid> FirstSchoolAsync(SyncHarness harness) => harness.Db.ScalarAsync<Guid>("SELECT min(id::text)::uuid FROM school");

    /// <summary>Changes a mark of the school with the triggers off: no touch, no change version, no signal.</summary>
    private static async Task<Guid> TamperUnseenAsync(SyncHarness harness, Guid school)
    {
        await using var connection = await harness.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var replica = new Npgsql.NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, transaction))
        {
            await replica.ExecuteNonQueryAsync();
        }

        await using var command = new Npgsql.NpgsqlCommand("""
            UPDATE mark SET comment = $2
            WHERE id = (SELECT m.id FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN class c ON c.id = l.class_id WHERE c.school_id = $1 ORDER BY 1 LIMIT 1)
            RETURNING id
            """, connection, transaction);
        command.Parameters.Add(new() { Value = school });
        command.Parameters.Add(new() { Value = Unseen });
        var mark = (Guid)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return mark;
    }

    private static Task<string> CommentAsync(SyncHarness harness, Guid mark) =>
        harness.Db.ScalarAsync<string>("SELECT coalesce(comment, '') FROM mark WHERE id = $1", mark);
}
