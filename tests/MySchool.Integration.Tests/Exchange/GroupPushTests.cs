using MySchool.Integration.Core.Federal;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// Groups pushed by a vendor (protocol 1.2): two subgroups' lessons share a slot, each with its own marks; a student's
/// schedule shows only their group's lessons; members are replaced; bad groups and their references are quarantined.
/// </summary>
public class GroupPushTests
{
    [Fact]
    public async Task TwoSubgroupsLessons_ShareOneSlot_EachWithItsMarks_AndBadGroupsAreQuarantined()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        await PushFixture.PushAsync(client, PushFixture.Header("roster"), PushFixture.SampleSchool());

        var reply = await PushFixture.PushAsync(client, PushFixture.Header("groups"), HalvesOf9A());

        Assert.Equal(
            [("c-404/Кружок", "group.unknown-class"), ("c-9a/1 группа/s-9", "group.unknown-student"), ("c-9a/2023-11-08/3", "lesson.unknown-group"), ("c-9a/Танцы", "group.kind")],
            reply.Rejected.Select(r => (r.SourceId, r.ReasonCode)).Order());
        Assert.Equal("1 группа:subgroup:Английский язык:s-0,s-1;2 группа:subgroup:Английский язык:s-2;Робототехника:club::s-0,s-2", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(g.name || ':' || g.kind || ':' || coalesce(g.subject, '') || ':' || (
                SELECT string_agg(m.source_id, ',' ORDER BY m.source_id) FROM group_member gm
                JOIN identity_map m ON m.federal_id = gm.student_id AND m.kind = 'student' WHERE gm.group_id = g.id), ';' ORDER BY g.name)
            FROM class_group g
            """));
        // One slot, two lessons: each group's own teacher, room and mark.
        Assert.Equal("1 группа:101:s-0=5;2 группа:102:s-2=4", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(g.name || ':' || l.room || ':' || (
                SELECT string_agg(m.source_id || '=' || k.code, ',') FROM mark k JOIN identity_map m ON m.federal_id = k.student_id AND m.kind = 'student'
                WHERE k.lesson_id = l.id), ';' ORDER BY g.name)
            FROM lesson l JOIN class_group g ON g.id = l.group_id WHERE l.lesson_date = '2023-11-08' AND l.number = 3
            """));
    }

    [Fact]
    public async Task StudentsSchedule_ShowsTheirOwnGroupsLessonOnly()
    {
        await using var push = await SchoolWithHalvesAsync();
        var reader = new ScheduleReader(push.Db);

        async Task<string> GroupsSeenBy(string student)
        {
            var id = await push.Db.ScalarAsync<Guid>("SELECT federal_id FROM identity_map WHERE kind = 'student' AND source_id = $1", student);
            var schedule = await reader.ReadAsync(id, new DateOnly(2023, 11, 8), new DateOnly(2023, 11, 8), CancellationToken.None);
            return string.Join(',', schedule.Schools.SelectMany(s => s.Classes).SelectMany(c => c.Lessons).Select(l => $"{l.Subject}:{l.Group ?? "класс"}"));
        }

        Assert.Equal("Алгебра:класс,Английский язык:1 группа", await GroupsSeenBy("s-0"));
        Assert.Equal("Алгебра:класс,Английский язык:2 группа", await GroupsSeenBy("s-2"));
    }

    [Fact]
    public async Task PushingAGroupAgain_ReplacesItsMembers_AndADroppedMemberLeavesATombstone()
    {
        await using var push = await SchoolWithHalvesAsync();
        var client = await push.ClientAsync();
        var again = new RecordChunk();
        again.Groups.Add(Group("c-9a", "1 группа", "подгруппа", "Английский язык", "s-1", "s-2"));

        var reply = await PushFixture.PushAsync(client, PushFixture.Header("groups-again"), again);

        Assert.Empty(reply.Rejected);
        Assert.Equal("s-1,s-2", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(m.source_id, ',' ORDER BY m.source_id) FROM group_member gm JOIN class_group g ON g.id = gm.group_id
            JOIN identity_map m ON m.federal_id = gm.student_id AND m.kind = 'student' WHERE g.name = '1 группа'
            """));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM tombstone WHERE kind = 'group_member'"));
        // Groups not sent stay as they were.
        Assert.Equal(3L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM class_group"));
    }

    /// <summary>The sample school, then <see cref="HalvesOf9A"/>, each pushed as a batch of its own.</summary>
    private static async Task<PushFixture> SchoolWithHalvesAsync()
    {
        var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        await PushFixture.PushAsync(client, PushFixture.Header("roster"), PushFixture.SampleSchool());
        await PushFixture.PushAsync(client, PushFixture.Header("groups"), HalvesOf9A());
        return push;
    }

    /// <summary>
    /// 9А's English in two halves on 8 November, lesson 3, beside a whole-class lesson 1; a club; and the faults: a
    /// group of another kind, of an unknown class, a member the school does not have, a lesson of a group that does not exist.
    /// </summary>
    private static RecordChunk HalvesOf9A()
    {
        var chunk = new RecordChunk();
        chunk.Groups.Add(Group("c-9a", "1 группа", "подгруппа", "Английский язык", "s-0", "s-1", "s-9"));
        chunk.Groups.Add(Group("c-9a", " 2 группа ", "subgroup", "Английский язык", "s-2"));
        chunk.Groups.Add(Group("c-9a", "Робототехника", "кружок", "", "s-0", "s-2"));
        chunk.Groups.Add(Group("c-9a", "Танцы", "вечеринка", "", "s-1"));
        chunk.Groups.Add(Group("c-404", "Кружок", "club", "", "s-0"));
        chunk.Lessons.Add(Lesson(1, "", "214", "Алгебра"));
        chunk.Lessons.Add(Lesson(3, "1 группа", "101", "Английский язык"));
        chunk.Lessons.Add(Lesson(3, "2 группа", "102", "Английский язык"));
        chunk.Lessons.Add(Lesson(3, "3 группа", "103", "Английский язык"));
        chunk.Marks.Add(GroupMark("m-s0-en", "s-0", "1 группа", "5"));
        chunk.Marks.Add(GroupMark("m-s2-en", "s-2", "2 группа", "4"));
        return chunk;
    }

    private static Group Group(string classId, string name, string kind, string subject, params string[] students)
    {
        var group = new Group { ClassSourceId = classId, Name = name, Kind = kind, Subject = subject };
        group.StudentSourceIds.Add(students);
        return group;
    }

    private static Lesson Lesson(int number, string group, string room, string subject) => new()
    {
        ClassSourceId = "c-9a",
        Date = "2023-11-08",
        Number = number,
        Start = number == 1 ? "08:30" : "10:20",
        End = number == 1 ? "09:15" : "11:05",
        Subject = subject,
        Room = room,
        TeacherSourceId = "t-1",
        Group = group,
    };

    private static Mark GroupMark(string id, string student, string group, string value)
    {
        var mark = PushFixture.Mark(id, student, "c-9a", "2023-11-08", value);
        mark.LessonNumber = 3;
        mark.Subject = "Английский язык";
        mark.LessonGroup = group;
        return mark;
    }
}
