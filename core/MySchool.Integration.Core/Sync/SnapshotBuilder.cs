using System.Globalization;
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
        var classes = new List<CheckedClass>();
        foreach (var source in roster.Classes)
        {
            var name = ClassName.Parse(source.RawName);
            if (name.IsValid)
            {
                classes.Add(new CheckedClass(source.SourceId, name.Require(), source.Year));
            }
            else
            {
                quarantine.Add(new QuarantinedRecord("class", source.SourceId, $"{{\"name\":\"{source.RawName}\"}}", name.Rejection!));
            }
        }

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

            if (!knownClasses.Contains(student.ClassSourceId))
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
                if (TryCheckPerson("parent", guardian.Person, quarantine, out var parent))
                {
                    people[("parent", parent.SourceId)] = parent;
                    guardianships.Add(new CheckedGuardianship(parent.SourceId, checkedStudent.SourceId, guardian.Relation.Trim().ToLowerInvariant()));
                }
            }
        }

        var teachers = new List<CheckedTeacher>();
        foreach (var teacher in roster.Teachers)
        {
            if (TryCheckPerson("teacher", teacher.Person, quarantine, out var person))
            {
                people[("teacher", person.SourceId)] = person;
                var subjects = teacher.Subjects.Count > 0 ? teacher.Subjects : journal?.TeacherSubjects.GetValueOrDefault(person.SourceId) ?? [];
                teachers.Add(new CheckedTeacher(person.SourceId, teacher.Email, subjects));
            }
        }

        var window = journal is null ? null : CheckJournal(journal, knownClasses, enrollments, zone, quarantine, push);
        return new SchoolSnapshot(roster.School, classes, [.. people.Values], [.. enrollments.Values], guardianships, teachers, window, quarantine)
        {
            CompleteRoster = push?.CompleteRoster ?? true,
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
        var lessons = new Dictionary<(string, DateOnly, int), CheckedLesson>();
        var homework = new List<CheckedHomework>();
        foreach (var lesson in journal.Lessons.Where(l => delta || knownClasses.Contains(l.ClassSourceId)))
        {
            if (lessons.ContainsKey((lesson.ClassSourceId, lesson.Date, lesson.Number)))
            {
                continue;
            }

            lessons[(lesson.ClassSourceId, lesson.Date, lesson.Number)] = new CheckedLesson(
                lesson.ClassSourceId, lesson.Date, lesson.Number, At(lesson.Date, lesson.Start, zone), At(lesson.Date, lesson.End, zone),
                lesson.Subject.Trim(), lesson.Room, lesson.TeacherSourceId, lesson.Topic);
            homework.AddRange(lesson.Homework.Select(h => new CheckedHomework(lesson.ClassSourceId, lesson.Date, lesson.Number, h.SourceKey, h.Text, h.Individual, h.Attachments)));
        }

        var marks = new Dictionary<string, CheckedMark>(StringComparer.Ordinal);
        var attendance = new Dictionary<(string, string, DateOnly, int), CheckedAttendance>();
        foreach (var mark in journal.Marks)
        {
            var value = MarkCode.Parse(mark.RawValue);
            if (!value.IsValid)
            {
                quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, value.Rejection!));
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

            if (!delta && (!enrollments.ContainsKey(mark.StudentSourceId) || !lessons.ContainsKey((mark.ClassSourceId, mark.LessonDate, mark.LessonNumber))))
            {
                quarantine.Add(new QuarantinedRecord("mark", mark.SourceId, mark.RawPayload, new Rejection("mark.orphan", "Отметка ссылается на неизвестного ученика или урок")));
                continue;
            }

            if (value.Require().Kind == MarkKind.Absence)
            {
                attendance[(mark.StudentSourceId, mark.ClassSourceId, mark.LessonDate, mark.LessonNumber)] =
                    new CheckedAttendance(mark.StudentSourceId, mark.ClassSourceId, mark.LessonDate, mark.LessonNumber, value.Require().Code);
                continue;
            }

            marks[mark.SourceId] = new CheckedMark(mark.SourceId, mark.StudentSourceId, mark.ClassSourceId, mark.LessonDate, mark.LessonNumber,
                mark.Subject.Trim(), date, value.Require(), mark.Weight, mark.WorkKind, mark.IsDebt, string.IsNullOrWhiteSpace(mark.Comment) ? null : mark.Comment, mark.RawPayload);
        }

        var events = journal.Events
            .Where(e => e.ClassSourceId is null || knownClasses.Contains(e.ClassSourceId))
            .DistinctBy(e => e.SourceKey)
            .Select(e => new CheckedEvent(e.SourceKey, e.ClassSourceId, e.Kind, At(e.LocalStart, zone), e.LocalEnd is { } end ? At(end, zone) : null, e.Title.Trim(), e.Body))
            .ToList();
        return new JournalWindow(journal.From, journal.To, [.. lessons.Values], homework, [.. marks.Values], [.. attendance.Values], events)
        {
            IsDelta = delta,
            DeletedMarks = push?.DeletedMarks ?? [],
        };
    }

    private static bool TryCheckPerson(string role, SourcePerson source, List<QuarantinedRecord> quarantine, out CheckedPerson person)
    {
        person = null!;
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
                quarantine.Add(new QuarantinedRecord(role, source.SourceId, source.RawPayload, new Rejection("person.birth-date", $"Дата рождения «{source.RawBirthDate}» не существует")));
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

        person = new CheckedPerson(role, source.SourceId, last, first, PersonNames.Normalize(source.MiddleName), birthDate, source.Gender, snils);
        return true;
    }

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
public sealed record PushOptions(bool CompleteRoster, IReadOnlyList<string> DeletedMarks);
