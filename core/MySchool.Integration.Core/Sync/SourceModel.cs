namespace MySchool.Integration.Core.Sync;

// What an adapter reads, in the engine's neutral terms. Values that carry meaning the engine must check
// (SNILS, class names, marks, dates) stay raw strings here: validation and quarantine are the engine's,
// the same for every adapter and for pushed data.

/// <summary>A school as its source lists it.</summary>
public sealed record SourceSchool(string SourceId, string Inn, string FullName, string? ShortName, string Oktmo, string Municipality)
{
    /// <summary>A branch's (филиал) own KPP; a school without branches needs none.</summary>
    public string? Kpp { get; init; }

    /// <summary>For a branch: the source's id of its head school, which has the same INN and is written first.</summary>
    public string? ParentSourceId { get; init; }
}

/// <summary>A class; <see cref="RawName"/> is as the source writes it (<c>9И</c>, <c>9и</c>).</summary>
public sealed record SourceClass(string SourceId, string RawName, string Year);

/// <summary>A person; <see cref="RawSnils"/> and <see cref="RawBirthDate"/> are as received, checked by the engine.</summary>
public sealed record SourcePerson(
    string SourceId,
    string LastName,
    string FirstName,
    string? MiddleName,
    string? RawBirthDate,
    string? Gender,
    string? RawSnils,
    string RawPayload);

public sealed record SourceGuardian(SourcePerson Person, string Relation);

/// <summary>A student as listed in a class, with the legal representatives the source knows.</summary>
public sealed record SourceStudent(SourcePerson Person, string ClassSourceId, IReadOnlyList<SourceGuardian> Guardians);

/// <summary>A member of the school's staff: a teacher, an administrator, or both (<see cref="Roles"/> as the source writes them).</summary>
public sealed record SourceTeacher(SourcePerson Person, string? Email, IReadOnlyList<string> Subjects)
{
    /// <summary>Raw role names (<c>administrator</c>, <c>Учитель</c>); none means a teacher.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}

/// <summary>Everything about one school's people: what a roster sync writes.</summary>
public sealed record SchoolRoster(
    SourceSchool School,
    IReadOnlyList<SourceClass> Classes,
    IReadOnlyList<SourceStudent> Students,
    IReadOnlyList<SourceTeacher> Teachers)
{
    /// <summary>The school's year when the source gives it: it replaces what the store holds for that year.</summary>
    public SourceCalendar? Calendar { get; init; }
}

/// <summary>
/// A school's year: its periods (четверти, триместры, полугодия) and days off (каникулы, single holidays), in the
/// school's local dates. The year's own dates default to 1 September – 31 August when the source gives none.
/// </summary>
public sealed record SourceCalendar(string Year, DateOnly? Starts, DateOnly? Ends, IReadOnlyList<SourcePeriod> Periods, IReadOnlyList<SourceHoliday> Holidays)
{
    /// <summary>Periods or holidays the adapter could not even map (a date the source's own format does not give).</summary>
    public IReadOnlyList<SourceRejection> Rejections { get; init; } = [];
}

/// <summary>A period; its kind is read from its name. Grades bound it when it applies to some grades only.</summary>
public sealed record SourcePeriod(string Name, DateOnly Start, DateOnly End, int? FirstGrade = null, int? LastGrade = null);

public sealed record SourceHoliday(string Name, DateOnly Start, DateOnly End);

/// <summary>A timetable slot; the times are the school's local wall-clock times.</summary>
public sealed record SourceLesson(
    string ClassSourceId,
    DateOnly Date,
    int Number,
    TimeOnly Start,
    TimeOnly End,
    string Subject,
    string? Room,
    string? TeacherSourceId,
    string? Topic,
    IReadOnlyList<SourceHomework> Homework)
{
    /// <summary>The group (by name, in the lesson's class) the lesson is for; none: the whole class.</summary>
    public string? Group { get; init; }
}

/// <summary>
/// A subgroup (a half of a class in a language), a club or an interest group of a class, with its students' source
/// ids. <see cref="Kind"/> is as the source writes it; the engine reads it (<c>подгруппа</c>, <c>club</c>).
/// </summary>
public sealed record SourceGroup(string ClassSourceId, string Name, string Kind, string? Subject, IReadOnlyList<string> StudentSourceIds);

public sealed record SourceHomework(string SourceKey, string Text, bool Individual, IReadOnlyList<string> Attachments);

/// <summary>
/// A mark as read. <see cref="RawValue"/> and <see cref="RawDate"/> are unchecked; absences (<c>н</c>, <c>оп</c>)
/// arrive here too, and the engine turns them into attendance.
/// </summary>
public sealed record SourceMark(
    string SourceId,
    string StudentSourceId,
    string ClassSourceId,
    DateOnly LessonDate,
    int LessonNumber,
    string Subject,
    string RawValue,
    string RawDate,
    decimal Weight,
    string? WorkKind,
    bool IsDebt,
    string? Comment,
    RawPayload RawPayload)
{
    /// <summary>The group of the mark's lesson (<see cref="SourceLesson.Group"/>); none: a whole-class lesson.</summary>
    public string? LessonGroup { get; init; }
}

/// <summary>
/// An announcement, meeting or club session for the portfolio's event feed. Times are the school's wall-clock
/// times, as sources give them; the engine places them in the school's zone.
/// </summary>
public sealed record SourceEvent(string SourceKey, string? ClassSourceId, string Kind, DateTime LocalStart, DateTime? LocalEnd, string Title, string? Body);

/// <summary>A school's journal over a date range.</summary>
public sealed record SchoolJournal(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<SourceLesson> Lessons,
    IReadOnlyList<SourceMark> Marks,
    IReadOnlyList<SourceEvent> Events,
    IReadOnlyList<SourceRejection> Rejections)
{
    /// <summary>
    /// Subjects the journal shows each teacher teaching, by teacher source id: for sources whose roster does not
    /// list teachers' subjects (Сетевой город). Empty when the roster does.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> TeacherSubjects { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// The groups of the school's classes with their students. Null when the source gives none: the stored groups
    /// stay as they are; a list replaces the groups of the classes read (and their members).
    /// </summary>
    public IReadOnlyList<SourceGroup>? Groups { get; init; }
}

/// <summary>A record the adapter could not even map (a broken date in the source's own structure).</summary>
public sealed record SourceRejection(string Kind, string? SourceId, string RawPayload, string ReasonCode, string Reason);
