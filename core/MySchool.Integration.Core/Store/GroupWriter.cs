using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Writes a school's groups (keyed by class and name) and their members inside the school's transaction, before the
/// lessons that name them. A sync's groups replace those of the classes it read, and a group the source no longer
/// has goes with its lessons and members (tombstones for each); a delta only adds and updates. The members of
/// every group written are exactly the ones listed.
/// </summary>
internal sealed class GroupWriter(NpgsqlConnection connection, CancellationToken cancellationToken)
{
    /// <returns>The federal id of every group of the classes in play, stored ones included: a delta's lessons may name them.</returns>
    public async Task<Dictionary<(Guid ClassId, string Name), Guid>> WriteAsync(
        JournalWindow journal,
        Dictionary<string, Guid> classes,
        Dictionary<(string, string), Guid> people,
        Action<(long, long), long> count,
        Action<QuarantinedRecord> quarantine)
    {
        var groups = new List<CheckedGroup>();
        foreach (var group in journal.Groups ?? [])
        {
            if (classes.ContainsKey(group.ClassSourceId))
            {
                groups.Add(group);
            }
            else
            {
                quarantine(new QuarantinedRecord("group", $"{group.ClassSourceId}/{group.Name}", JsonSerializer.Serialize(group),
                    new Rejection("group.unknown-class", $"Класс группы {group.ClassSourceId} не передавался в эту школу")));
            }
        }

        if (journal.Groups is not null)
        {
            var (classIds, names) = (groups.Select(g => classes[g.ClassSourceId]).ToArray(), groups.Select(g => g.Name).ToArray());
            count(await UpsertAsync(connection, """
                INSERT INTO class_group (class_id, name, kind, subject) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
                ON CONFLICT (class_id, name) DO UPDATE SET kind = excluded.kind, subject = excluded.subject
                WHERE (class_group.kind, class_group.subject) IS DISTINCT FROM (excluded.kind, excluded.subject)
                RETURNING (xmax = 0) AS inserted
                """, cancellationToken, classIds, names, groups.Select(g => g.Kind).ToArray(), groups.Select(g => g.Subject).ToArray()), 0);
            if (!journal.IsDelta)
            {
                count((0, 0), await ExecuteAsync(connection, """
                    DELETE FROM class_group g WHERE g.class_id = ANY($3)
                      AND NOT EXISTS (SELECT 1 FROM unnest($1::uuid[], $2::text[]) AS k(class_id, name) WHERE k.class_id = g.class_id AND k.name = g.name)
                    """, cancellationToken, classIds, names, classes.Values.ToArray()));
            }
        }

        var ids = new Dictionary<(Guid, string), Guid>();
        foreach (var (classId, name, id) in await ListAsync(connection, "SELECT class_id, name, id FROM class_group WHERE class_id = ANY($1)",
            r => (r.GetGuid(0), r.GetString(1), r.GetGuid(2)), cancellationToken, classes.Values.Distinct().ToArray()))
        {
            ids[(classId, name)] = id;
        }

        await WriteMembersAsync(groups, classes, people, ids, count, quarantine);
        return ids;
    }

    private async Task WriteMembersAsync(
        List<CheckedGroup> groups,
        Dictionary<string, Guid> classes,
        Dictionary<(string, string), Guid> people,
        Dictionary<(Guid, string), Guid> ids,
        Action<(long, long), long> count,
        Action<QuarantinedRecord> quarantine)
    {
        var members = new List<(Guid Group, Guid Student)>();
        foreach (var group in groups)
        {
            var groupId = ids[(classes[group.ClassSourceId], group.Name)];
            foreach (var student in group.StudentSourceIds)
            {
                if (people.TryGetValue(("student", student), out var studentId))
                {
                    members.Add((groupId, studentId));
                }
                else
                {
                    // A delta's member not enrolled in this school, or a student the writer refused.
                    quarantine(QuarantinedRecord.GroupMember(group.ClassSourceId, group.Name, student,
                        new Rejection("group.unknown-student", $"Ученик {student} группы «{SourceText.Excerpt(group.Name)}» не учится в этой школе")));
                }
            }
        }

        var groupIds = groups.Select(g => ids[(classes[g.ClassSourceId], g.Name)]).ToArray();
        // Members the store already holds exactly (a repeat sync) are not written again.
        if (await CompareStoredAsync(connection, members.Select(m => (m, true)), "SELECT group_id, student_id FROM group_member WHERE group_id = ANY($1)",
            r => ((r.GetGuid(0), r.GetGuid(1)), true), cancellationToken, groupIds) == StoreHolds.Same)
        {
            return;
        }

        count((0, 0), await ExecuteAsync(connection, """
            DELETE FROM group_member m WHERE m.group_id = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::uuid[]) AS k(group_id, student_id) WHERE k.group_id = m.group_id AND k.student_id = m.student_id)
            """, cancellationToken, groupIds, members.Select(m => m.Group).ToArray(), members.Select(m => m.Student).ToArray()));
        count(await UpsertAsync(connection, """
            INSERT INTO group_member (group_id, student_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])
            ON CONFLICT (group_id, student_id) DO NOTHING
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, members.Select(m => m.Group).ToArray(), members.Select(m => m.Student).ToArray()), 0);
    }
}
