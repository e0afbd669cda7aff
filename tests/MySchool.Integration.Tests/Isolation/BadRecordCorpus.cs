using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Exchange;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>One bad record spoiled into an otherwise good school, and the refusal it must get.</summary>
/// <param name="SourceId">The refused record's id (a prefix, for ids too long to repeat).</param>
/// <param name="Xml">Whether XML 1.0 can carry the record at all (it has no NUL or control characters): SOAP runs only those.</param>
public sealed record BadRecord(string Name, string Kind, string SourceId, string ReasonCode, Action<RecordChunk> Spoil, bool Xml = true);

/// <summary>
/// Records real sources and careless or hostile vendors send, each with the reason code it must be quarantined
/// under while the rest of its school commits. Both push protocols and the sync's snapshot path run the same corpus.
/// </summary>
public static class BadRecordCorpus
{
    public static readonly IReadOnlyList<BadRecord> All =
    [
        new("nul-in-a-name", "student", "s-0", "text.invalid-character", c => c.Students[0].Person.LastName = "Ив\0анов", Xml: false),
        new("bell-in-a-room", "lesson", "c-9a/2023-11-07/1", "text.invalid-character", c => c.Lessons[1].Room = "2\u000714", Xml: false),
        new("name-of-10000-characters", "student", "s-1", "text.too-long", c => c.Students[1].Person.FirstName = new string('я', 10_000)),
        new("source-id-of-10000-characters", "student", "sssss", "text.too-long", c => c.Students[2].Person.SourceId = new string('s', 10_000)),
        new("gender-MALE", "student", "s-3", "person.gender", c => c.Students[3].Person.Gender = "MALE"),
        new("gender-X", "student", "s-4", "person.gender", c => c.Students[4].Person.Gender = "X"),
        new("academic-year-empty", "class", "c-9b", "class.year", c => c.Classes[1].AcademicYear = ""),
        new("academic-year-letters", "class", "c-9b", "class.year", c => c.Classes[1].AcademicYear = "abcd/efgh"),
        new("academic-year-9999", "class", "c-9b", "class.year", c => c.Classes[1].AcademicYear = "9999/10000"),
        new("snils-in-arabic-indic-digits", "student", "s-5", "snils.format", c => c.Students[5].Person.Snils = "١١٢-٢٣٣-٤٤٥ ٩٥"),
        new("weight-nan", "mark", "m-s-0-2023-11-06", "mark.weight", c => c.Marks[0].Weight = double.NaN),
        new("weight-1e7", "mark", "m-s-0-2023-11-06", "mark.weight", c => c.Marks[0].Weight = 1e7),
        new("weight-negative", "mark", "m-s-0-2023-11-06", "mark.weight", c => c.Marks[0].Weight = -1),
        new("lesson-number-99", "lesson", "c-9a/2023-11-06/99", "lesson.number", c => c.Lessons[0].Number = 99),
        new("lesson-ending-before-it-starts", "lesson", "c-9a/2023-11-06/1", "lesson.time", c => (c.Lessons[0].Start, c.Lessons[0].End) = ("10:00", "09:00")),
        new("lesson-of-an-unknown-class", "lesson", "c-404/2023-11-06/1", "lesson.unknown-class", c => c.Lessons.Add(Lesson("c-404", "Алгебра"))),
        new("two-lessons-in-one-slot", "lesson", "c-9a/2023-11-06/1", "lesson.duplicate-slot", c => c.Lessons.Add(Lesson("c-9a", "Физика"))),
        new("mark-of-an-unknown-lesson", "mark", "m-lost", "mark.orphan", c => c.Marks.Add(LostMark())),
        new("mark-dated-2023-11-31", "mark", "m-s-0-2023-11-06", "mark.date", c => c.Marks[0].Date = "2023-11-31"),
        new("one-snils-twice", "student", "s-5", "student.duplicate", c => c.Students[5].Person.Snils = c.Students[4].Person.Snils.Replace("-", "").Replace(" ", "")),
        new("a-guardian-who-is-the-student", "guardian", "p-3", "guardian.is-student", c => c.Students[3].Guardians[0].Person.Snils = c.Students[3].Person.Snils),
        new("two-absences-in-one-lesson", "attendance", "attendance/s-2/c-9a/2023-11-06/1", "attendance.duplicate", c => c.Attendance.Add(new Attendance
        {
            StudentSourceId = "s-2", ClassSourceId = "c-9a", LessonDate = "2023-11-06", LessonNumber = 1, Code = "оп",
        })),
        new("a-class-name-that-is-no-class", "class", "c-9b", "class.format", c => c.Classes[1].Name = "Группа продлённого дня"),
        new("a-group-of-an-unknown-kind", "group", "c-9a/Танцы", "group.kind", c => c.Groups.Add(Group("Танцы", "вечеринка"))),
        new("a-group-without-a-name", "group", "c-9a/", "group.name", c => c.Groups.Add(Group(" ", "кружок"))),
        new("a-group-listed-twice", "group", "c-9a/Хор", "group.duplicate", c => c.Groups.Add([Group("Хор", "кружок"), Group("Хор", "interest")])),
        new("a-lesson-of-a-group-the-class-has-not", "lesson", "c-9a/2023-11-06/2", "lesson.unknown-group", c => c.Lessons.Add(GroupLesson("9 группа"))),
    ];

    public static TheoryData<string> Names => [.. All.Select(record => record.Name)];

    public static TheoryData<string> XmlNames => [.. All.Where(record => record.Xml).Select(record => record.Name)];

    public static BadRecord Named(string name) => All.Single(record => record.Name == name);

    /// <summary>A fresh sample school for a case, with people of its own so cases and paths side by side never share a person.</summary>
    public static RecordChunk Spoiled(BadRecord record, string path = "grpc")
    {
        var chunk = PushFixture.SampleSchool(8_000_000 + (PathNumber(path) * 1_000) + (Index(record) * 10));
        record.Spoil(chunk);
        return chunk;
    }

    /// <summary>A header naming a school of the case's own (its own INN and source id).</summary>
    /// <param name="path">Which path the case runs through: each path's schools are its own.</param>
    public static BatchHeader Header(BadRecord record, string path = "grpc")
    {
        var header = PushFixture.Header($"corpus-{path}-{record.Name}");
        header.School.SourceId = $"school-{path}-{record.Name}";
        header.School.Inn = Identifiers.Inn("54", 100 + (PathNumber(path) * 100) + Index(record));
        return header;
    }

    private static int Index(BadRecord record) => All.ToList().IndexOf(record);

    private static int PathNumber(string path) => Array.IndexOf(["grpc", "soap", "sync"], path);

    private static Lesson Lesson(string classId, string subject) =>
        new() { ClassSourceId = classId, Date = "2023-11-06", Number = 1, Start = "08:30", End = "09:15", Subject = subject };

    private static Group Group(string name, string kind) => new() { ClassSourceId = "c-9a", Name = name, Kind = kind, StudentSourceIds = { "s-0" } };

    private static Lesson GroupLesson(string group)
    {
        var lesson = Lesson("c-9a", "Английский язык");
        (lesson.Number, lesson.Start, lesson.End, lesson.Group) = (2, "09:25", "10:10", group);
        return lesson;
    }

    private static Mark LostMark()
    {
        var mark = PushFixture.Mark("m-lost", "s-0", "c-9a", "2023-11-06", "4");
        mark.LessonNumber = 5;
        return mark;
    }
}
