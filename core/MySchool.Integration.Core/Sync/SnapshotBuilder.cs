using System.Globalization;
using System.Text.Json;
using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// Applies the domain rules to what an adapter read: the same checks for every source. A record that fails
/// goes to quarantine with its reason; everything else of the school goes on to be written.
/// </summary>
public static class SnapshotBuilder
{
    private static readonly string[] DateForms = ["yyyy-MM-dd", "yyyyMMdd", "yyyy-MM-dd'T'HH:mm:ss", "dd.MM.yyyy"];

    /// <param name="push">
    /// A vendor's push: the roster may be partial and the journal a delta, so references to classes, students
    /// and lessons not in it are left for the writer to resolve in the store (and quarantine when it cannot).
    /// </param>
    public static SchoolSnapshot Build(SchoolRoster roster, SchoolJournal? journal, TimeZoneInfo zone, PushOptions? push = null)
    {
        var quarantine = new List<QuarantinedRecord>();
        if (CheckSchool(roster.School) is { } refusal)
        {
            // Everything of a school hangs on its identity: without a valid one nothing of it can be placed.
            return new SchoolSnapshot(roster.School, [], [], [], [], [], null,
                [new QuarantinedRecord("school", roster.School.SourceId, JsonSerializer.Serialize(roster.School), refusal)])
            { SchoolRefused = true };
        }

        var classes = new List<CheckedClass>();
        foreach (var source in roster.Classes)
        {
            var name = ClassName.Parse(source.RawName);
            var year = SourceValues.AcademicYear(source.Year);
            var refused = SourceText.First(SourceText.Id("id класса", source.SourceId), SourceText.Line("название класса", source.RawName), name.Rejection, year.Rejection,
                classes.Any(c => c.SourceId == source.SourceId) ? new Rejection("class.duplicate", "Класс с этим id уже есть в пакете: принят первый") : null);
            if (refused is null)
            {
                classes.Add(new CheckedClass(source.SourceId, name.Require(), source.Year.Trim()));
            }
            else
            {
                quarantine.Add(new QuarantinedRecord("class", source.SourceId, JsonSerializer.Serialize(source), refused));
            }
        }

        var calendar = roster.Calendar is null ? null : CalendarCheck.Check(roster.Calendar, quarantine);
        var knownClasses = classes.Select(c => c.SourceId).ToHashSet(StringComparer.Ordinal);
        var people = new Dictionary<(string, string), CheckedPerson>();
        var enrollments = new Dictionary<string, CheckedEnrollment>(StringComparer.Ordinal);
        var guardianships = new List<CheckedGuardianship>();
        // A student listed in two classes is mid-transfer in the source: the last listing stands, the earlier waits.
        var lastListing = roster.Students.Select((student, index) => (student.Person.SourceId, index))
            .GroupBy(s => s.SourceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(s => s.index), StringComparer.Ordinal);
        foreach (var (student, index) in roster.Students.Select((student, index) => (student, index)))
        {
            if (index != lastListing[student.Person.SourceId])
            {
                quarantine.Add(new QuarantinedRecord("student", student.Person.SourceId, student.Person.RawPayload, new Rejection("student.two-classes", $"Ученик указан одновременно в двух классах; класс {student.ClassSourceId} отложен до согласования в источнике")));
                continue;
            }

            if (SourceText.Id("класс ученика", student.ClassSourceId) is null && !knownClasses.Contains(student.ClassSourceId))
            {
                quarantine.Add(new QuarantinedRecord("student", student.Person.SourceId, student.Person.RawPayload, new Rejection("student.unknown-class", $"Класс {student.ClassSourceId} ученика неизвестен или отклонён")));
                continue;
            }

            if (!TryCheckPerson("student", student.Person, quarantine, out var checkedStudent))
            {
                continue;
            }

            people[("student", checkedStudent.SourceId)] = checkedStudent;
            enrollments[checkedStudent.SourceId] = new CheckedEnrollment(checkedStudent.SourceId, student.ClassSourceId);
            foreach (var guardian in student.Guardians)
            {
                if (SourceText.Line("степень родства", guardian.Relation) is { } relation)
                {
                    quarantine.Add(new QuarantinedRecord("parent", guardian.Person.SourceId, guardian.Person.RawPayload, relation));
                }
                else if (TryCheckPerson("parent", guardian.Person, quarantine, out var parent))
                {
                    people[("parent", parent.SourceId)] = parent;
                    guardianships.Add(new CheckedGuardianship(parent.SourceId, checkedStudent.SourceId, guardian.Relation.Trim().ToLowerInvariant()));
                }
            }
        }

        var teachers = new List<CheckedTeacher>();
        foreach (var teacher in roster.Teachers)
        {
            var roles = SourceValues.StaffRoles(teacher.Roles);
            if (SourceText.First([SourceText.Line("e-mail", teacher.Email), .. teacher.Subjects.Select(subject => SourceText.Line("предмет", subject)),
                    .. teacher.Roles.Select(role => SourceText.Line("роль", role)), roles.Rejection]) is { } text)
            {
                quarantine.Add(new QuarantinedRecord("teacher", teacher.Person.SourceId, teacher.Person.RawPayload, text));
            }
            else if (TryCheckPerson("teacher", teacher.Person, quarantine, out var person))
            {
                people[("teacher", person.SourceId)] = person;
                var subjects = teacher.Subjects.Count > 0 ? teacher.Subjects : journal?.TeacherSubjects.GetValueOrDefault(person.SourceId) ?? [];
                teachers.Add(new CheckedTeacher(person.SourceId, teacher.Email, subjects, roles.Value!));
            }
        }

        var window = journal is null ? null : CheckJournal(journal, knownClasses, enrollments, zone, quarantine, push);
        return new SchoolSnapshot(roster.School, classes, [.. people.Values], [.. enrollments.Values], guardianships, teachers, window, quarantine)
        {
            Complete = push?.Complete ?? RosterParts.All,
            Calendar = calendar,
        };
    }

    private static JournalWindow CheckJournal(
        SchoolJournal journal,
        HashSet<string> knownClasses,
        Dictionary<string, CheckedEnrollment> enrollments,
        TimeZoneInfo zone,
        List<QuarantinedRecord> quarantine,
        PushOptions? push)
    {
        var delta = push is not null;
        quarantine.AddRange(journal.Rejections.Select(r => new QuarantinedRecord(r.Kind, r.SourceId, r.RawPayload, new Rejection(r.ReasonCode, r.Reason))));
        var groups = journal.Groups is null ? null : CheckGroups(journal.Groups, knownClasses, enrollments, delta, quarantine);
        var groupNames = groups?.Select(g => (g.ClassSourceId, g.Name)).ToHashSet() ?? [];
        var lessons = new Dictionary<(string, string?, DateOnly, int), CheckedLesson>();
        var homework = new List<CheckedHomework>();
        foreach (var lesson in journal.Lessons)
        {
            var group = GroupName(lesson.Group);
            var key = (lesson.ClassSourceId, group, lesson.Date, lesson.Number);
            var refused = CheckLesson(lesson)
                ?? (delta || knownClasses.Contains(lesson.ClassSourceId) ? null : new Rejection("lesson.unknown-class", $"Класс урока {lesson.ClassSourceId} неизвестен или отклонён"))
                ?? (delta || group is null || groupNames.Contains((lesson.ClassSourceId, group)) ? null : new Rejection("lesson.unknown-group", $"Группы «{SourceText.Excerpt(group)}» урока нет в классе {lesson.ClassSourceId}"));
            if (refused is null && lessons.TryGetValue(key, out var first))
            {
                // The same lesson listed twice is one lesson; two different lessons in one slot: the first stands.
                if ((first.Subject, first.StartsAt, first.EndsAt) == (lesson.Subject.Trim(), At(lesson.Date, lesson.Start, zone), At(lesson.Date, lesson.End, zone)))
                {
                    continue;
                }

                refused = new Rejection("lesson.duplicate-slot", $"В классе{(group is null ? "" : $" (группа «{SourceText.Excerpt(group)}»)")} уже есть урок №{lesson.Number} {lesson.Date:yyyy-MM-dd} («{SourceText.Excerpt(first.Subject)}»): принят первый");
            }

            if (refused is not null)
            {
                quarantine.Add(new QuarantinedRecord("lesson", $"{SourceText.Excerpt(lesson.ClassSourceId)}/{lesson.Date:yyyy-MM-dd}/{lesson.Number}", JsonSerializer.Serialize(lesson), refused));
                continue;
            }

            lessons[key] = new CheckedLesson(
                lesson.ClassSourceId, lesson.Date, lesson.Number, At(lesson.Date, lesson.Start, zone), At(lesson.Date, lesson.End, zone),
                lesson.Subject.Trim(), lesson.Room, lesson.TeacherSourceId, lesson.Topic)
            { Group = group };
            foreach (var task in lesson.Homework.GroupBy(h => h.SourceKey, StringComparer.Ordinal))
            {
                var kept = task.First();
                homework.Add(new CheckedHomework(lesson.ClassSourceId, lesson.Date, lesson.Number, kept.SourceKey, kept.Text, kept.Individual, kept.Attachments) { Group = group });
                quarantine.AddRange(task.Skip(1).Select(h => new QuarantinedRecord("homework", h.SourceKey, JsonSerializer.Serialize(h),
                    new Rejection("homework.duplicate", "Задание с этим id уже есть у урока: принято первое"))));
            }
        }

        var marks = new Dictionary<string, CheckedMark>(StringComparer.Ordinal);
        var attendance = new Dictionary<(string, string, string?, DateOnly, int), CheckedAttendance>();
        foreach (var mark in journal.Marks)
        {
            var value = MarkCode.Parse(mark.RawValue);
            var group = GroupName(mark.LessonGroup);
            var refused = SourceText.First(
                SourceText.Id("id отметки", mark.SourceId), SourceText.Id("ученик отметки", mark.StudentSourceId), SourceText.Id("класс отметки", mark.ClassSourceId), SourceText.Line("группа урока", group),
                SourceText.Line("предмет", mark.Subject), SourceText.Line("отметка", mark.RawValue), SourceText.Line("дата отметки", mark.RawDate),
                SourceText.Line("вид работы", mark.WorkKind), SourceText.Text("комментарий", mark.Comment), value.Rejection, SourceValues.Weight(mark.Weight));
            if (refused is not null)
            {
                quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, refused));
                continue;
            }

            if (value.Require().Kind == MarkKind.Empty)
            {
                continue; // a phantom: an empty journal cell, not a mark
            }

            if (!TryParseDate(mark.RawDate, out var date))
            {
                quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, new Rejection("mark.date", $"Дата отметки «{mark.RawDate}» не существует")));
                continue;
            }

            if (!delta && (!enrollments.ContainsKey(mark.StudentSourceId) || !lessons.ContainsKey((mark.ClassSourceId, group, mark.LessonDate, mark.LessonNumber))))
            {
                quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, new Rejection("mark.orphan", "Отметка ссылается на неизвестного ученика или урок")));
                continue;
            }

            if (marks.TryGetValue(mark.SourceId, out var earlier))
            {
                // The same mark listed twice is one mark; two different marks under one id: the first stands.
                if (earlier.RawPayload.Text != mark.RawPayload.Text)
                {
                    quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, new Rejection("mark.duplicate", "Отметка с этим id уже есть в пакете: принята первая")));
                }

                continue;
            }

            if (value.Require().Kind == MarkKind.Absence)
            {
                var slot = (mark.StudentSourceId, mark.ClassSourceId, group, mark.LessonDate, mark.LessonNumber);
                if (attendance.TryGetValue(slot, out var noted) && noted.Code != value.Require().Code)
                {
                    quarantine.Add(new QuarantinedRecord("attendance", mark.SourceId, mark.RawPayload,
                        new Rejection("attendance.duplicate", $"У ученика на этом уроке уже отмечено «{noted.Code}»: принята первая отметка")));
                }

                attendance.TryAdd(slot, new CheckedAttendance(mark.StudentSourceId, mark.ClassSourceId, mark.LessonDate, mark.LessonNumber, value.Require().Code) { LessonGroup = group });
                continue;
            }

            marks[mark.SourceId] = new CheckedMark(mark.SourceId, mark.StudentSourceId, mark.ClassSourceId, mark.LessonDate, mark.LessonNumber,
                mark.Subject.Trim(), date, value.Require(), mark.Weight, mark.WorkKind, mark.IsDebt, string.IsNullOrWhiteSpace(mark.Comment) ? null : mark.Comment, mark.RawPayload)
            { LessonGroup = group };
        }

        var events = new List<CheckedEvent>();
        foreach (var e in journal.Events.DistinctBy(e => e.SourceKey))
        {
            var refused = SourceText.First(SourceText.Id("id события", e.SourceKey), SourceText.Id("класс события", e.ClassSourceId), SourceText.Line("заголовок", e.Title),
                    SourceText.Text("текст события", e.Body), SourceValues.EventKind(e.Kind))
                ?? (delta || e.ClassSourceId is null || knownClasses.Contains(e.ClassSourceId) ? null : new Rejection("event.unknown-class", $"Класс события {e.ClassSourceId} неизвестен или отклонён"));
            if (refused is not null)
            {
                quarantine.Add(new QuarantinedRecord("event", e.SourceKey, JsonSerializer.Serialize(e), refused));
                continue;
            }

            events.Add(new CheckedEvent(e.SourceKey, e.ClassSourceId, e.Kind, At(e.LocalStart, zone), e.LocalEnd is { } end ? At(end, zone) : null, e.Title.Trim(), e.Body));
        }

        return new JournalWindow(journal.From, journal.To, [.. lessons.Values], homework, [.. marks.Values], [.. attendance.Values], events)
        {
            IsDelta = delta,
            DeletedMarks = push?.DeletedMarks ?? [],
            Groups = groups,
        };
    }

    /// <summary>
    /// Groups with a known kind and a name, one per name in a class (the first stands); a member the batch does not
    /// hold as a student is refused alone, and the group keeps the others.
    /// </summary>
    private static List<CheckedGroup> CheckGroups(
        IReadOnlyList<SourceGroup> groups, HashSet<string> knownClasses, Dictionary<string, CheckedEnrollment> enrollments, bool delta, List<QuarantinedRecord> quarantine)
    {
        var accepted = new List<CheckedGroup>();
        foreach (var group in groups)
        {
            var name = GroupName(group.Name);
            var kind = SourceValues.GroupKind(group.Kind);
            var key = $"{SourceText.Excerpt(group.ClassSourceId)}/{SourceText.Excerpt(name)}";
            var refused = SourceText.First(SourceText.Id("класс группы", group.ClassSourceId), SourceText.Line("название группы", group.Name), SourceText.Line("предмет группы", group.Subject),
                name is null ? new Rejection("group.name", "Не указано название группы") : null, kind.Rejection,
                delta || knownClasses.Contains(group.ClassSourceId) ? null : new Rejection("group.unknown-class", $"Класс группы {group.ClassSourceId} неизвестен или отклонён"),
                accepted.Any(g => g.ClassSourceId == group.ClassSourceId && g.Name == name) ? new Rejection("group.duplicate", "Группа с этим названием уже есть в классе: принята первая") : null);
            if (refused is not null)
            {
                quarantine.Add(new QuarantinedRecord("group", key, JsonSerializer.Serialize(group), refused));
                continue;
            }

            var members = new List<string>();
            foreach (var student in group.StudentSourceIds.Distinct(StringComparer.Ordinal))
            {
                var unknown = SourceText.Id("ученик группы", student)
                    ?? (delta || enrollments.ContainsKey(student) ? null : new Rejection("group.unknown-student", $"Ученик {student} группы «{SourceText.Excerpt(name)}» неизвестен или отклонён"));
                if (unknown is null)
                {
                    members.Add(student);
                }
                else
                {
                    quarantine.Add(QuarantinedRecord.GroupMember(group.ClassSourceId, name, student, unknown));
                }
            }

            accepted.Add(new CheckedGroup(group.ClassSourceId, name!, kind.Value!, string.IsNullOrWhiteSpace(group.Subject) ? null : group.Subject.Trim(), members));
        }

        return accepted;
    }

    /// <summary>A group's name as its key: trimmed; an empty one is no group (a whole-class lesson).</summary>
    private static string? GroupName(string? raw) => string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();

    private static bool TryCheckPerson(string role, SourcePerson source, List<QuarantinedRecord> quarantine, out CheckedPerson person)
    {
        person = null!;
        if (SourceText.First(SourceText.Id("id человека", source.SourceId), SourceText.Line("фамилия", source.LastName), SourceText.Line("имя", source.FirstName),
                SourceText.Line("отчество", source.MiddleName), SourceText.Line("дата рождения", source.RawBirthDate), SourceText.Line("пол", source.Gender),
                SourceText.Line("СНИЛС", source.RawSnils)) is { } text)
        {
            quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, text));
            return false;
        }

        Snils? snils = null;
        if (!string.IsNullOrWhiteSpace(source.RawSnils))
        {
            var parsed = Snils.Parse(source.RawSnils);
            if (!parsed.IsValid)
            {
                quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, parsed.Rejection!));
                return false;
            }

            snils = parsed.Require();
        }

        DateOnly? birthDate = null;
        if (!string.IsNullOrWhiteSpace(source.RawBirthDate))
        {
            if (!TryParseDate(source.RawBirthDate, out var parsedDate))
            {
                quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, new Rejection("person.birth-date", $"Дата рождения «{SourceText.Excerpt(source.RawBirthDate)}» не существует")));
                return false;
            }

            birthDate = parsedDate;
        }

        var last = PersonNames.Normalize(source.LastName);
        var first = PersonNames.Normalize(source.FirstName);
        if (last is null || first is null)
        {
            quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, new Rejection("person.name", "Не указаны фамилия или имя")));
            return false;
        }

        var gender = SourceValues.Gender(source.Gender);
        if (!gender.IsValid)
        {
            quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, gender.Rejection!));
            return false;
        }

        person = new CheckedPerson(role, source.SourceId, last, first, PersonNames.Normalize(source.MiddleName), birthDate, gender.Value, snils);
        return true;
    }

    /// <summary>What a school's identity must be: its ids and names storable, its INN and OKTMO valid.</summary>
    public static Rejection? CheckSchool(SourceSchool school) => SourceText.First(
        SourceText.Id("id школы", school.SourceId), SourceText.Line("полное название школы", school.FullName), SourceText.Line("краткое название школы", school.ShortName),
        SourceText.Line("муниципалитет", school.Municipality), SourceValues.Inn(school.Inn), SourceValues.Oktmo(school.Oktmo),
        school.Kpp is null ? null : SourceValues.Kpp(school.Kpp), SourceText.Id("id головной школы", school.ParentSourceId),
        school.ParentSourceId is not null && school.Kpp is null ? new Rejection("school.branch-kpp", "У филиала должен быть свой КПП") : null,
        string.IsNullOrWhiteSpace(school.FullName) ? new Rejection("school.name", "Не указано полное название школы") : null);

    private static Rejection? CheckLesson(SourceLesson lesson) => SourceText.First([
        SourceText.Id("класс урока", lesson.ClassSourceId), SourceText.Line("предмет", lesson.Subject), SourceText.Line("кабинет", lesson.Room),
        SourceText.Id("учитель урока", lesson.TeacherSourceId), SourceText.Text("тема урока", lesson.Topic), SourceText.Line("группа урока", lesson.Group),
        .. lesson.Homework.SelectMany(h => new[] { SourceText.Id("id задания", h.SourceKey), SourceText.Text("задание", h.Text) }.Concat(h.Attachments.Select(a => SourceText.Line("вложение", a)))),
        SourceValues.LessonNumber(lesson.Number), SourceValues.LessonTimes(lesson.Start, lesson.End),
        string.IsNullOrWhiteSpace(lesson.Subject) ? new Rejection("lesson.subject", "Не указан предмет урока") : null]);

    /// <summary>Both date forms the contracts use, strictly: <c>2023-11-31</c> is no date.</summary>
    public static bool TryParseDate(string? raw, out DateOnly date) =>
        DateOnly.TryParseExact(raw?.Trim(), DateForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A school's local wall-clock time as an instant, with the offset the school had that day.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone) => At(date.ToDateTime(time), zone);

    public static DateTimeOffset At(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }
}

/// <summary>How a vendor's push differs from a sync: see <see cref="SnapshotBuilder.Build"/>.</summary>
public sealed record PushOptions(RosterParts Complete, IReadOnlyList<string> DeletedMarks);
