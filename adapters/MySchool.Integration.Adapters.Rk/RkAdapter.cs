using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Adapters.Rk;

/// <summary>
/// «Сетевой город. Образование» (rk-netschool.md) read as the federal model's sources. Marks are numbers and their
/// real weights come from each assignment's details, read once per assignment however many students it has.
/// </summary>
internal sealed class RkAdapter(NetSchoolClient client) : ISourceAdapter, IChangeFeedSource, ICalendarSource, IAsyncDisposable
{
    private const string DateTimeForm = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>The first grade of halves, where halves are listed beside quarters (rk-netschool.md).</summary>
    private const int HalvesFrom = 10;

    private readonly ConcurrentDictionary<string, Task<(decimal Weight, string? TeacherId)>> _assignments = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _workKinds;
    private JsonElement? _currentYear;

    public string SourceSystem => "rk";

    public SourceCapabilities Capabilities => SourceCapabilities.ChangeFeed | SourceCapabilities.Debts;

    public async Task<IReadOnlyList<SourceSchool>> ReadSchoolsAsync(CancellationToken cancellationToken)
    {
        var schools = new List<SourceSchool>();
        foreach (var school in (await client.GetAsync("schools", cancellationToken)).EnumerateArray())
        {
            var id = Text(school, "id")!;
            var card = await client.GetAsync($"schools/{id}/card", cancellationToken);
            schools.Add(new SourceSchool(id, Text(school, "inn")!, Text(school, "fullName")!, Text(school, "name"), Text(school, "oktmo")!,
                MunicipalityOf(card.TryGetProperty("contactInfo", out var contact) ? Text(contact, "juridicalAddress") : null, Text(school, "oktmo")!)));
        }

        return schools;
    }

    public async Task<SchoolRoster> ReadRosterAsync(SourceSchool school, CancellationToken cancellationToken)
    {
        var year = Text(await CurrentYearAsync(cancellationToken), "name") ?? string.Empty;
        var classes = (await client.GetAsync($"schools/{school.SourceId}/classes", cancellationToken)).EnumerateArray()
            .Select(c => new SourceClass(Text(c, "id")!, Text(c, "name") ?? string.Empty, year)).ToList();
        var students = new List<SourceStudent>();
        foreach (var schoolClass in classes)
        {
            foreach (var student in (await client.GetAsync($"classes/{schoolClass.SourceId}/students", cancellationToken)).EnumerateArray())
            {
                var guardians = Array(student, "parents").Select(parent => new SourceGuardian(Person(parent), Text(parent, "role") ?? string.Empty));
                students.Add(new SourceStudent(Person(student), schoolClass.SourceId, [.. guardians]));
            }
        }

        // The roster gives no subjects; the journal does (an assignment's teachers), see ReadJournalAsync.
        // The staff list is the teachers' with the administrators: roles say which (rk-netschool.md, «staff»).
        var teachers = (await client.GetAsync($"schools/{school.SourceId}/staff", cancellationToken)).EnumerateArray()
            .Select(t => new SourceTeacher(Person(t), Text(t, "email"), []) { Roles = [.. Array(t, "roles").Select(role => role.ToString())] }).ToList();
        return new SchoolRoster(school, classes, students, teachers);
    }

    /// <summary>
    /// <c>years/current</c>, read once per adapter (one school's job): the roster, the calendar and the journal each need
    /// it. Kept only once read, so a failed read is tried again by the next caller.
    /// </summary>
    private async Task<JsonElement> CurrentYearAsync(CancellationToken cancellationToken) =>
        _currentYear ??= await client.GetAsync("years/current", cancellationToken);

    /// <summary>
    /// The year's terms and holidays (rk-netschool.md, «The school year»). Halves listed beside quarters are grades
    /// 10–11's, and the quarters then the other grades'.
    /// </summary>
    public async Task<SourceCalendar?> ReadCalendarAsync(SchoolRoster roster, CancellationToken cancellationToken)
    {
        var year = Text(await CurrentYearAsync(cancellationToken), "name") ?? string.Empty;
        var rejections = new List<SourceRejection>();
        var terms = Dated(await client.GetAsync("years/current/terms", cancellationToken), "period", rejections);
        var holidays = Dated(await client.GetAsync("years/current/holidays", cancellationToken), "holiday", rejections);
        static bool IsHalf(string name) => name.Contains("полугоди", StringComparison.OrdinalIgnoreCase);
        var split = terms.Any(t => IsHalf(t.Name)) && terms.Any(t => !IsHalf(t.Name));
        var periods = terms.Select(t => !split ? new SourcePeriod(t.Name, t.Start, t.End)
            : IsHalf(t.Name) ? new SourcePeriod(t.Name, t.Start, t.End, HalvesFrom, 11)
            : new SourcePeriod(t.Name, t.Start, t.End, 1, HalvesFrom - 1));
        return new SourceCalendar(year, null, null, [.. periods], [.. holidays.Select(h => new SourceHoliday(h.Name, h.Start, h.End))]) { Rejections = rejections };
    }

    private static List<(string Name, DateOnly Start, DateOnly End)> Dated(JsonElement list, string kind, List<SourceRejection> rejections)
    {
        var dated = new List<(string, DateOnly, DateOnly)>();
        foreach (var entry in list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            var name = Text(entry, "name") ?? string.Empty;
            if (TryDate(Text(entry, "start"), out var start) && TryDate(Text(entry, "end"), out var end))
            {
                dated.Add((name, start, end));
            }
            else
            {
                rejections.Add(new SourceRejection(kind, name, entry.GetRawText(), $"{kind}.dates", $"Даты «{name}» не распознаны"));
            }
        }

        return dated;
    }

    public async Task<SchoolJournal> ReadJournalAsync(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        _workKinds ??= (await client.GetAsync("grade/assignment/types?all=false", cancellationToken)).EnumerateArray()
            .ToDictionary(t => Text(t, "id")!, t => Text(t, "abbr") ?? string.Empty, StringComparer.Ordinal);
        var classByName = roster.Classes.GroupBy(c => c.RawName.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First().SourceId, StringComparer.Ordinal);
        var yearId = Text(await CurrentYearAsync(cancellationToken), "id");
        var (groups, groupNames) = await SubgroupsAsync(roster.Classes, cancellationToken);
        var lessons = new Dictionary<(string, string?, DateOnly, int), SourceLesson>();
        var marks = new List<SourceMark>();
        var rejections = new List<SourceRejection>();
        var subjectsByTeacher = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var events = new Dictionary<string, SourceEvent>(StringComparer.Ordinal);
        foreach (var student in roster.Students.DistinctBy(s => s.Person.SourceId))
        {
            for (var monday = firstDay.AddDays(-(((int)firstDay.DayOfWeek + 6) % 7)); monday <= lastDay; monday = monday.AddDays(7))
            {
                var path = $"student/diary?studentId={student.Person.SourceId}&yearId={yearId}&weekStart={monday:yyyy-MM-dd}&weekEnd={monday.AddDays(6):yyyy-MM-dd}";
                var diary = await client.GetAsync(path, cancellationToken);
                if (!diary.TryGetProperty("weekDays", out _))
                {
                    // A week without weekDays is read once more before it counts as a week without lessons.
                    diary = await client.GetAsync(path, cancellationToken);
                }

                // The week's class name says where the student was that week: a transfer keeps past weeks in the old class.
                var classId = classByName.GetValueOrDefault((Text(diary, "className") ?? string.Empty).ToLowerInvariant(), student.ClassSourceId);
                foreach (var lesson in Array(diary, "weekDays").SelectMany(day => Array(day, "lessons")))
                {
                    if (!TryDate(Text(lesson, "day"), out var date) || !int.TryParse(Text(lesson, "number"), CultureInfo.InvariantCulture, out var number)
                        || !TimeOnly.TryParse(Text(lesson, "startTime"), CultureInfo.InvariantCulture, out var start) || !TimeOnly.TryParse(Text(lesson, "endTime"), CultureInfo.InvariantCulture, out var end))
                    {
                        rejections.Add(new SourceRejection("lesson", Text(lesson, "classmeetingId"), lesson.GetRawText(), "lesson.date", $"Урок с несуществующей датой или временем «{Text(lesson, "day")}»"));
                        continue;
                    }

                    if (date < firstDay || date > lastDay)
                    {
                        continue;
                    }

                    var group = Text(lesson, "subgroupId") is { } subgroupId ? groupNames.GetValueOrDefault(subgroupId, subgroupId) : null;
                    if (await ReadLessonAsync(student, (classId, group, date, number), start, end, lesson, lessons, marks, subjectsByTeacher, cancellationToken) is { } controlWork)
                    {
                        // A control work (КР) on the timetable is a test in the event feed, once per lesson of the class (or of a subgroup).
                        var key = group is null ? $"test:{classId}:{date:yyyy-MM-dd}:{number}" : $"test:{classId}:{date:yyyy-MM-dd}:{number}:{group}";
                        events.TryAdd(key, new SourceEvent(key, classId, "test", date.ToDateTime(start), date.ToDateTime(end), $"Контрольная работа: {Text(lesson, "subjectName")}", controlWork));
                    }
                }
            }
        }

        // Announcements are the portfolio's event feed; one that calls a meeting (собрание) is a meeting. (schoolId is ours: the
        // real server answers for the current organization.)
        foreach (var announcement in (await client.GetAsync($"announcements?take=-1&schoolId={roster.School.SourceId}", cancellationToken)).EnumerateArray())
        {
            if (DateTime.TryParse(Text(announcement, "postDate"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var posted))
            {
                var title = Text(announcement, "name") ?? string.Empty;
                var key = $"announcement:{Text(announcement, "id")}";
                events[key] = new SourceEvent(key, null, title.Contains("собрание", StringComparison.OrdinalIgnoreCase) ? "meeting" : "announcement", posted, null, title, Text(announcement, "description"));
            }
        }

        return new SchoolJournal(firstDay, lastDay, [.. lessons.Values], marks, [.. events.Values], rejections)
        {
            TeacherSubjects = subjectsByTeacher.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value]),
            Groups = groups,
        };
    }

    /// <summary>
    /// The classes' subgroups (rk-netschool.md, «subgroups»), and each one's name by id for the diary's <c>subgroupId</c>.
    /// A name starts with its class («9и/Английский язык/1 подгруппа»): the class is the group's place, so the name
    /// keeps the rest.
    /// </summary>
    private async Task<(List<SourceGroup> Groups, Dictionary<string, string> Names)> SubgroupsAsync(IReadOnlyList<SourceClass> classes, CancellationToken cancellationToken)
    {
        var groups = new List<SourceGroup>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var schoolClass in classes)
        {
            foreach (var subgroup in (await client.GetAsync($"classes/{schoolClass.SourceId}/subgroups", cancellationToken)).EnumerateArray())
            {
                var name = Text(subgroup, "name") ?? string.Empty;
                var prefix = $"{schoolClass.RawName}/";
                name = name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? name[prefix.Length..] : name;
                names[Text(subgroup, "id") ?? string.Empty] = name;
                groups.Add(new SourceGroup(schoolClass.SourceId, name, "subgroup", Text(subgroup, "subject"), [.. Array(subgroup, "studentIds").Select(id => id.GetRawText().Trim('"'))]));
            }
        }

        return (groups, names);
    }

    /// <summary>Reads a diary lesson into the journal; the name of its control work (КР assignment) when it has one.</summary>
    private async Task<string?> ReadLessonAsync(
        SourceStudent student, (string ClassId, string? Group, DateOnly Date, int Number) slot, TimeOnly start, TimeOnly end, JsonElement lesson,
        Dictionary<(string, string?, DateOnly, int), SourceLesson> lessons, List<SourceMark> marks, Dictionary<string, SortedSet<string>> subjectsByTeacher, CancellationToken cancellationToken)
    {
        var (classId, group, date, number) = slot;
        var subject = Text(lesson, "subjectName") ?? string.Empty;
        string? teacherId = null;
        var homework = new List<SourceHomework>();
        string? controlWork = null;
        foreach (var assignment in Array(lesson, "assignments"))
        {
            var assignmentId = Text(assignment, "id")!;
            var (weight, assignmentTeacher) = await _assignments.GetOrAdd(assignmentId, id => DetailsAsync(id, student.Person.SourceId, cancellationToken));
            teacherId ??= assignmentTeacher;
            var kind = _workKinds!.GetValueOrDefault(Text(assignment, "typeId") ?? string.Empty);
            if (kind == "КР")
            {
                controlWork ??= Text(assignment, "assignmentName") ?? string.Empty;
            }

            if (kind == "ДЗ")
            {
                homework.Add(new SourceHomework(assignmentId, Text(assignment, "assignmentName") ?? string.Empty, false, []));
            }

            if (assignment.TryGetProperty("mark", out var mark) && mark.ValueKind == JsonValueKind.Object && Text(mark, "mark") is { } value)
            {
                // Keyed by the enclosing assignment: the mark's own assignmentId may differ (seen in real answers).
                marks.Add(new SourceMark($"{student.Person.SourceId}:{assignmentId}", student.Person.SourceId, classId, date, number, subject,
                    value, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), weight, kind, Text(mark, "dutyMark") == "true", null, assignment.GetRawText())
                { LessonGroup = group });
            }
        }

        if (teacherId is not null)
        {
            (subjectsByTeacher.TryGetValue(teacherId, out var subjects) ? subjects : subjectsByTeacher[teacherId] = new SortedSet<string>(StringComparer.Ordinal)).Add(subject);
        }

        if (!lessons.TryGetValue(slot, out var known) || (known.TeacherSourceId is null && teacherId is not null))
        {
            lessons[slot] = new SourceLesson(classId, date, number, start, end, subject, Text(lesson, "room"), teacherId, null, homework) { Group = group };
        }

        return controlWork;
    }

    /// <summary>An assignment's real weight and teacher (the diary's weight is always 0); older servers send one teacher object.</summary>
    private async Task<(decimal, string?)> DetailsAsync(string assignmentId, string studentId, CancellationToken cancellationToken)
    {
        var details = await client.GetAsync($"student/diary/assigns/{assignmentId}?studentId={studentId}", cancellationToken);
        var teacher = details.TryGetProperty("teachers", out var teachers) && teachers.ValueKind == JsonValueKind.Array && teachers.GetArrayLength() > 0
            ? teachers[0]
            : details.TryGetProperty("teacher", out var single) && single.ValueKind == JsonValueKind.Object ? single : default;
        var weight = decimal.TryParse(Text(details, "weight"), NumberStyles.Number, CultureInfo.InvariantCulture, out var w) ? w : 1;
        return (weight, teacher.ValueKind == JsonValueKind.Object ? Text(teacher, "id") : null);
    }

    public async Task<string> ReadCursorAsync(CancellationToken cancellationToken) =>
        Text(await client.GetAsync("changes?since=9999-12-31T00:00:00", cancellationToken), "now")
        ?? throw new SourceUnavailableException("«Сетевой город» не сообщил текущее время (changes.now)");

    public async Task<SourceChanges> ReadChangesAsync(string cursor, CancellationToken cancellationToken)
    {
        var changes = await client.GetAsync($"changes?since={Uri.EscapeDataString(cursor)}", cancellationToken);
        var students = Array(changes, "studentIds").Select(s => s.GetRawText().Trim('"'))
            .Concat(Array(changes, "diary").Select(d => Text(d, "studentId")).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        var classes = Array(changes, "classIds").Select(c => c.GetRawText().Trim('"')).ToHashSet(StringComparer.Ordinal);
        return new SourceChanges(Text(changes, "now") ?? cursor, students, classes);
    }

    /// <summary>Logs out (auth/logout), then closes the session's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await client.LogoutAsync();
        client.Dispose();
    }

    private static SourcePerson Person(JsonElement json)
    {
        var birth = Text(json, "birthDate");
        return new SourcePerson(
            Text(json, "id")!,
            Text(json, "lastName") ?? string.Empty,
            Text(json, "firstName") ?? string.Empty,
            Text(json, "middleName"),
            birth is { Length: >= 10 } ? birth[..10] : birth,
            Text(json, "sex"),
            Text(json, "snils"),
            json.GetRawText());
    }

    /// <summary>The municipality from the juridical address («г. Сыктывкар, ул. …»), else named by its OKTMO.</summary>
    private static string MunicipalityOf(string? address, string oktmo) =>
        address?.Split(',').Select(part => part.Trim()).FirstOrDefault(part => part.StartsWith("г. ", StringComparison.Ordinal) || part.EndsWith("район", StringComparison.Ordinal))
        ?? $"ОКТМО {oktmo[..Math.Min(8, oktmo.Length)]}";

    private static bool TryDate(string? text, out DateOnly date)
    {
        var parsed = DateTime.TryParseExact(text, DateTimeForm, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at);
        date = parsed ? DateOnly.FromDateTime(at) : default;
        return parsed;
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;
}
