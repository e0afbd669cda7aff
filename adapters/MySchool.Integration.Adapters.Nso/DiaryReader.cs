using System.Globalization;
using System.Text.Json;
using MySchool.Integration.Core.Sync;
using static MySchool.Integration.Adapters.Nso.EljurJson;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>
/// Turns students' diaries into one school journal. A diary says which lessons a student had, not in which
/// class: a lesson belongs to the class most of its students are in today, so a transferred student's past
/// lessons stay in the class they were taken in.
/// </summary>
internal sealed class DiaryReader(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay)
{
    // The diary names a lesson's teacher by full name only. Namesakes in one school are told apart by the lesson's
    // subject; when that does not tell them apart either, the lesson keeps no teacher rather than a guessed one.
    private readonly ILookup<string, SourceTeacher> _teachersByName = roster.Teachers
        .ToLookup(t => FullName(t.Person.LastName, t.Person.FirstName, t.Person.MiddleName), StringComparer.Ordinal);

    public SchoolJournal Read(IReadOnlyList<(SourceStudent Student, JsonElement Days)> diaries)
    {
        var rejections = new List<SourceRejection>();
        var items = new List<(SourceStudent Student, DateOnly Date, JsonElement Item)>();
        var events = new Dictionary<string, SourceEvent>(StringComparer.Ordinal);
        var clubs = new Dictionary<(string Class, string Name), SortedSet<string>>();
        foreach (var (student, days) in diaries)
        {
            foreach (var (key, day) in days.ValueKind == JsonValueKind.Object ? days.EnumerateObject().Select(d => (d.Name, d.Value)) : [])
            {
                if (!TryDay(key, out var date))
                {
                    rejections.Add(new SourceRejection("lesson", $"{student.Person.SourceId}:{key}", day.GetRawText(), "lesson.date", $"День «{key}» в дневнике не существует"));
                    continue;
                }

                // A day's items may be a map, an array, null, or missing: all mean "these lessons, or none".
                items.AddRange(Entries(day, "items").Select(item => (student, date, item)));
                foreach (var club in Entries(day, "items_extday"))
                {
                    // Out-of-timetable activities (clubs) are events of the class, not lessons; who goes is the club's group.
                    var name = Text(club, "name") ?? string.Empty;
                    (clubs.TryGetValue((student.ClassSourceId, name), out var members) ? members : clubs[(student.ClassSourceId, name)] = new(StringComparer.Ordinal))
                        .Add(student.Person.SourceId);
                    var eventKey = $"club:{student.ClassSourceId}:{key}:{name}";
                    if (TryTime(Text(club, "starttime"), out var clubStart) && !events.ContainsKey(eventKey))
                    {
                        var clubEnd = TryTime(Text(club, "endtime"), out var end) ? date.ToDateTime(end) : (DateTime?)null;
                        events[eventKey] = new SourceEvent(eventKey, student.ClassSourceId, "club", date.ToDateTime(clubStart), clubEnd, name, Text(club, "teacher"));
                    }
                }
            }
        }

        var classOfLesson = items.GroupBy(i => Text(i.Item, "lesson_id") ?? string.Empty)
            .ToDictionary(g => g.Key, g => g.GroupBy(i => i.Student.ClassSourceId).OrderByDescending(c => c.Count()).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key, StringComparer.Ordinal);

        var lessons = new Dictionary<string, SourceLesson>(StringComparer.Ordinal);
        var marks = new List<SourceMark>();
        foreach (var (student, date, item) in items)
        {
            var lessonId = Text(item, "lesson_id") ?? string.Empty;
            var classId = classOfLesson[lessonId];
            if (!int.TryParse(Text(item, "num"), CultureInfo.InvariantCulture, out var number) || !TryTime(Text(item, "starttime"), out var start) || !TryTime(Text(item, "endtime"), out var end))
            {
                rejections.Add(new SourceRejection("lesson", lessonId, item.GetRawText(), "lesson.time", "Урок без номера или с неверным временем"));
                continue;
            }

            var subject = Text(item, "name") ?? string.Empty;
            // A subgroup's lesson names its group (grp); two subgroups' lessons may share the slot.
            var group = Text(item, "grp");
            if (!lessons.ContainsKey(lessonId))
            {
                var teacher = Text(item, "teacher");
                lessons[lessonId] = new SourceLesson(classId, date, number, start, end, subject, Text(item, "room"),
                    TeacherOf(teacher, subject), Text(item, "topic"), Homework(item))
                { Group = group };
            }

            foreach (var assessment in Entries(item, "assessments"))
            {
                if (Text(assessment, "control_type_short") == "КР")
                {
                    // A control work (КР) seen in anyone's marks is a test in the event feed, once per lesson.
                    var testKey = group is null ? $"test:{classId}:{Day(date)}:{number}" : $"test:{classId}:{Day(date)}:{number}:{group}";
                    events.TryAdd(testKey, new SourceEvent(testKey, classId, "test", date.ToDateTime(start), date.ToDateTime(end), $"Контрольная работа: {subject}", Text(item, "topic")));
                }

                marks.Add(new SourceMark(
                    $"{student.Person.SourceId}:{lessonId}:{Text(assessment, "nm") ?? "1"}",
                    student.Person.SourceId,
                    classId,
                    date,
                    number,
                    subject,
                    Text(assessment, "value") ?? string.Empty,
                    Text(assessment, "date") ?? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Number(assessment, "weight", 1),
                    Text(assessment, "control_type_short"),
                    false,
                    Text(assessment, "comment"),
                    assessment.GetRawText())
                { LessonGroup = group });
            }
        }

        return new SchoolJournal(firstDay, lastDay, [.. lessons.Values], marks, [.. events.Values], rejections)
        {
            Groups = [.. clubs.Select(club => new SourceGroup(club.Key.Class, club.Key.Name, "club", null, [.. club.Value]))],
        };
    }

    /// <summary>Homework keyed by its own id; files point at it by <c>toid</c>.</summary>
    private static List<SourceHomework> Homework(JsonElement item)
    {
        var files = Entries(item, "files").ToList();
        return [.. Keyed(item, "homework").Select(h => new SourceHomework(
            h.Key,
            Text(h.Value, "value") ?? string.Empty,
            Text(h.Value, "individual") == "true",
            [.. files.Where(f => Text(f, "toid") == h.Key).Select(f => Text(f, "link") ?? string.Empty)]))];
    }

    private string? TeacherOf(string? name, string subject)
    {
        var namesakes = name is null ? [] : _teachersByName[name].ToList();
        if (namesakes.Count > 1)
        {
            namesakes = namesakes.Where(t => t.Subjects.Contains(subject, StringComparer.Ordinal)).ToList();
        }

        return namesakes.Count == 1 ? namesakes[0].Person.SourceId : null;
    }

    private static string FullName(string last, string first, string? middle) => $"{last} {first} {middle}".TrimEnd();
}
