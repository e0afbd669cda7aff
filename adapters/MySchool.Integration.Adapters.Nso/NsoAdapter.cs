using System.Globalization;
using System.Text.Json;
using MySchool.Integration.Core.Sync;
using static MySchool.Integration.Adapters.Nso.EljurJson;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>
/// ЭлЖур (nso-eljur.md) read as the federal model's sources. Meaning-changing values (SNILS, class names, marks,
/// dates) are passed on raw for the engine's rules; this class only knows where ЭлЖур keeps them.
/// </summary>
internal sealed class NsoAdapter(EljurClient client) : ISourceAdapter, IChangeFeedSource, ICalendarSource
{
    // Asking for changes since the far future answers nothing but the source's clock.
    private const string FarFuture = "99991231T000000";

    private const int PageSize = 1000;
    private const int StudentsPerDiaryCall = 25;

    public string SourceSystem => "nso";

    public SourceCapabilities Capabilities => SourceCapabilities.ChangeFeed;

    public async Task<IReadOnlyList<SourceSchool>> ReadSchoolsAsync(CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("getschools", new Dictionary<string, string>(), cancellationToken);
        return [.. Entries(result, "schools").Select(school => new SourceSchool(
            Text(school, "id")!, Text(school, "inn")!, Text(school, "fullname")!, Text(school, "shortname"), Text(school, "oktmo")!, Text(school, "municipality") ?? string.Empty))];
    }

    public async Task<SchoolRoster> ReadRosterAsync(SourceSchool school, CancellationToken cancellationToken)
    {
        var classesResult = await client.CallAsync("getclasses", new Dictionary<string, string> { ["school"] = school.SourceId }, cancellationToken);
        var classes = Entries(classesResult, "classes").Select(c => new SourceClass(Text(c, "id")!, Text(c, "name") ?? string.Empty, Text(c, "year") ?? string.Empty)).ToList();
        var students = new List<SourceStudent>();
        foreach (var schoolClass in classes)
        {
            await foreach (var student in PagesAsync("getstudents", "students", new() { ["class"] = schoolClass.SourceId }, cancellationToken))
            {
                var guardians = Keyed(student, "parents").Select(parent => new SourceGuardian(Person(parent.Key, parent.Value), Text(parent.Value, "relation") ?? string.Empty));
                students.Add(new SourceStudent(Person(Text(student, "id")!, student), schoolClass.SourceId, [.. guardians]));
            }
        }

        var teachers = new List<SourceTeacher>();
        await foreach (var teacher in PagesAsync("getteachers", "teachers", new() { ["school"] = school.SourceId }, cancellationToken))
        {
            teachers.Add(new SourceTeacher(Person(Text(teacher, "id")!, teacher), Text(teacher, "email"), [.. Entries(teacher, "subjects").Select(s => s.ToString())])
            {
                Roles = [.. Entries(teacher, "roles").Select(role => role.ToString())],
            });
        }

        return new SchoolRoster(school, classes, students, teachers);
    }

    public async Task<SchoolJournal> ReadJournalAsync(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var diaries = new List<(SourceStudent Student, JsonElement Days)>();
        foreach (var batch in roster.Students.DistinctBy(s => s.Person.SourceId).Chunk(StudentsPerDiaryCall))
        {
            var result = await client.CallAsync("getdiary", new Dictionary<string, string>
            {
                ["student"] = string.Join(',', batch.Select(s => s.Person.SourceId)),
                ["days"] = $"{Day(firstDay)}-{Day(lastDay)}",
                ["rings"] = "true",
            }, cancellationToken);
            var students = result.GetProperty("students");
            diaries.AddRange(batch.Where(s => students.TryGetProperty(s.Person.SourceId, out _))
                .Select(s => (s, students.GetProperty(s.Person.SourceId).TryGetProperty("days", out var days) ? days : default)));
        }

        var journal = new DiaryReader(roster, firstDay, lastDay).Read(diaries);
        return journal with { Groups = [.. await SubgroupsAsync(roster.Classes, cancellationToken), .. journal.Groups ?? []] };
    }

    /// <summary>The classes' subgroups (getgroups, ours); a diary item's <c>grp</c> names one of them.</summary>
    private async Task<List<SourceGroup>> SubgroupsAsync(IReadOnlyList<SourceClass> classes, CancellationToken cancellationToken)
    {
        var groups = new List<SourceGroup>();
        foreach (var schoolClass in classes)
        {
            var result = await client.CallAsync("getgroups", new Dictionary<string, string> { ["class"] = schoolClass.SourceId }, cancellationToken);
            groups.AddRange(Entries(result, "groups").Select(group => new SourceGroup(schoolClass.SourceId, Text(group, "name") ?? string.Empty, "subgroup",
                Text(group, "subject"), [.. Entries(group, "students").Select(student => student.ToString())])));
        }

        return groups;
    }

    public Task<SourceCalendar?> ReadCalendarAsync(SchoolRoster roster, CancellationToken cancellationToken) =>
        new EljurCalendar(client).ReadAsync(roster.Classes, roster.Students, cancellationToken);

    public async Task<string> ReadCursorAsync(CancellationToken cancellationToken) =>
        Text(await client.CallAsync("getchanges", new Dictionary<string, string> { ["since"] = FarFuture }, cancellationToken), "now")
        ?? throw new SourceUnavailableException("ЭлЖур не сообщил текущее время (getchanges.now)");

    /// <summary>getchanges pages its ids; a changed mark makes its student's journal worth a re-read.</summary>
    public async Task<SourceChanges> ReadChangesAsync(string cursor, CancellationToken cancellationToken)
    {
        var students = new HashSet<string>(StringComparer.Ordinal);
        var classes = new HashSet<string>(StringComparer.Ordinal);
        string? now = null;
        for (var (page, seen) = (1, 0); ; page++)
        {
            var result = await client.CallAsync("getchanges", new Dictionary<string, string>
            {
                ["since"] = cursor,
                ["limit"] = PageSize.ToString(CultureInfo.InvariantCulture),
                ["page"] = page.ToString(CultureInfo.InvariantCulture),
            }, cancellationToken);
            now ??= Text(result, "now");
            var before = students.Count + classes.Count;
            students.UnionWith(Entries(result, "students").Select(s => s.ToString()));
            students.UnionWith(Entries(result, "marks").Select(m => Text(m, "student")).OfType<string>());
            classes.UnionWith(Entries(result, "classes").Select(c => c.ToString()));
            seen += Entries(result, "students").Count() + Entries(result, "marks").Count() + Entries(result, "classes").Count();
            if (students.Count + classes.Count == before || seen >= (int)Number(result, "total", 0))
            {
                break;
            }
        }

        return new SourceChanges(now ?? cursor, students, classes);
    }

    /// <summary>Every entry of a paged method (limit + page from 1, with <c>total</c>).</summary>
    private async IAsyncEnumerable<JsonElement> PagesAsync(string method, string key, Dictionary<string, string> parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var (page, seen) = (1, 0); ; page++)
        {
            parameters["limit"] = PageSize.ToString(CultureInfo.InvariantCulture);
            parameters["page"] = page.ToString(CultureInfo.InvariantCulture);
            var result = await client.CallAsync(method, parameters, cancellationToken);
            var entries = Entries(result, key).ToList();
            foreach (var entry in entries)
            {
                yield return entry;
            }

            seen += entries.Count;
            if (entries.Count == 0 || seen >= (int)Number(result, "total", 0))
            {
                yield break;
            }
        }
    }

    private static SourcePerson Person(string id, JsonElement json)
    {
        var gender = Text(json, "gender") switch
        {
            "m" or "M" => "M",
            "f" or "F" => "F",
            _ => null,
        };
        var birthday = Text(json, "birthday");
        return new SourcePerson(
            id,
            Text(json, "lastname") ?? string.Empty,
            Text(json, "firstname") ?? string.Empty,
            Text(json, "middlename"),
            TryDay(birthday, out var date) ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : birthday,
            gender,
            Text(json, "snils"),
            json.GetRawText());
    }
}
