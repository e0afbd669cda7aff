using System.Text.Json;
using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Sync;

// A school's data after the engine's rules: every value checked, every refused record in Quarantine.
// Ids are still the source's; the writer resolves them to federal ids.

public sealed record CheckedClass(string SourceId, ClassName Name, string Year);

/// <summary>A person with checked values. <see cref="Role"/> is the identity map's kind: student, parent, teacher.</summary>
public sealed record CheckedPerson(
    string Role,
    string SourceId,
    string LastName,
    string FirstName,
    string? MiddleName,
    DateOnly? BirthDate,
    string? Gender,
    Snils? Snils);

public sealed record CheckedEnrollment(string StudentSourceId, string ClassSourceId);

public sealed record CheckedGuardianship(string ParentSourceId, string StudentSourceId, string Relation);

/// <summary>A staff member; <see cref="Roles"/> are the model's (teacher, admin), at least one.</summary>
public sealed record CheckedTeacher(string SourceId, string? Email, IReadOnlyList<string> Subjects, IReadOnlyList<string> Roles);

public sealed record CheckedLesson(
    string ClassSourceId,
    DateOnly Date,
    int Number,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Subject,
    string? Room,
    string? TeacherSourceId,
    string? Topic)
{
    /// <summary>The lesson's group (by name, in its class); null: the whole class. Part of the lesson's slot.</summary>
    public string? Group { get; init; }
}

/// <summary>A group with its kind in the model's terms and the students the source lists in it.</summary>
public sealed record CheckedGroup(string ClassSourceId, string Name, string Kind, string? Subject, IReadOnlyList<string> StudentSourceIds);

public sealed record CheckedHomework(string ClassSourceId, DateOnly Date, int Number, string SourceKey, string Text, bool Individual, IReadOnlyList<string> Attachments)
{
    public string? Group { get; init; }
}

public sealed record CheckedMark(
    string SourceKey,
    string StudentSourceId,
    string ClassSourceId,
    DateOnly LessonDate,
    int LessonNumber,
    string Subject,
    DateOnly Date,
    MarkValue Value,
    decimal Weight,
    string? WorkKind,
    bool IsDebt,
    string? Comment,
    RawPayload RawPayload)
{
    /// <summary>The group of the mark's lesson; null: a whole-class lesson.</summary>
    public string? LessonGroup { get; init; }
}

public sealed record CheckedEvent(string SourceKey, string? ClassSourceId, string Kind, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string Title, string? Body);

public sealed record CheckedAttendance(string StudentSourceId, string ClassSourceId, DateOnly Date, int Number, string Code)
{
    public string? LessonGroup { get; init; }
}

public sealed record CheckedCalendar(string Year, DateOnly Starts, DateOnly Ends, IReadOnlyList<CheckedPeriod> Periods, IReadOnlyList<CheckedHoliday> Holidays)
{
    public int RecordCount => Periods.Count + Holidays.Count;
}

/// <summary>A period with its kind (quarter, trimester, half, year); grades null when it applies to every grade.</summary>
public sealed record CheckedPeriod(string Name, string Kind, DateOnly Start, DateOnly End, int? FirstGrade, int? LastGrade);

public sealed record CheckedHoliday(string Name, DateOnly Start, DateOnly End);

/// <summary>A refused record: what goes to quarantine, with the rule's reason.</summary>
public sealed record QuarantinedRecord(string Kind, string? SourceId, RawPayload RawPayload, Rejection Reason)
{
    /// <summary>A student refused as a member of a group (the group itself stands), keyed class/group/student.</summary>
    public static QuarantinedRecord GroupMember(string classSourceId, string? group, string student, Rejection reason) => new(
        "group_member", $"{SourceText.Excerpt(classSourceId)}/{SourceText.Excerpt(group)}/{SourceText.Excerpt(student)}",
        JsonSerializer.Serialize(new { ClassSourceId = classSourceId, Group = group, Student = student }), reason);
}

public sealed record SchoolSnapshot(
    SourceSchool School,
    IReadOnlyList<CheckedClass> Classes,
    IReadOnlyList<CheckedPerson> People,
    IReadOnlyList<CheckedEnrollment> Enrollments,
    IReadOnlyList<CheckedGuardianship> Guardianships,
    IReadOnlyList<CheckedTeacher> Teachers,
    JournalWindow? Journal,
    IReadOnlyList<QuarantinedRecord> Quarantine)
{
    public int RecordsRead => Classes.Count + People.Count + (Calendar?.RecordCount ?? 0) + (Journal?.RecordCount ?? 0) + Quarantine.Count;

    /// <summary>The school's year, when the source gave one: its periods and holidays replace the stored ones.</summary>
    public CheckedCalendar? Calendar { get; init; }

    /// <summary>
    /// The parts of the roster that are the school's whole (a sync's all, a push's those it says): a student missing
    /// from complete enrollments leaves, a guardian or staff member missing from a complete part is removed. A part
    /// not complete is only added to or updated.
    /// </summary>
    public RosterParts Complete { get; init; } = RosterParts.All;

    /// <summary>The school's own identity was refused (its INN, OKTMO or ids): nothing of it is written, the refusal is quarantined.</summary>
    public bool SchoolRefused { get; init; }
}

/// <summary>The journal of a date range: whatever of this school lies in it and is not here gets deleted.</summary>
public sealed record JournalWindow(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<CheckedLesson> Lessons,
    IReadOnlyList<CheckedHomework> Homework,
    IReadOnlyList<CheckedMark> Marks,
    IReadOnlyList<CheckedAttendance> Attendance,
    IReadOnlyList<CheckedEvent> Events)
{
    public int RecordCount => Lessons.Count + Homework.Count + Marks.Count + Attendance.Count + Events.Count + DeletedMarks.Count + (Groups?.Count ?? 0);

    /// <summary>
    /// A delta (a vendor's push) rather than the whole window: its records are added or updated, references to
    /// students and lessons written earlier are resolved in the store, and only <see cref="DeletedMarks"/> are deleted.
    /// </summary>
    public bool IsDelta { get; init; }

    /// <summary>Source ids of marks withdrawn in the source (deltas only).</summary>
    public IReadOnlyList<string> DeletedMarks { get; init; } = [];

    /// <summary>
    /// The groups of the classes read, with their members; null when the source gave none. A sync's list replaces the
    /// groups of its classes; a delta's adds and updates, and replaces only the members of the groups it carries.
    /// </summary>
    public IReadOnlyList<CheckedGroup>? Groups { get; init; }
}

/// <summary>
/// The parts of a school's roster a source can send in full. A vendor's push is whole or not; a template file is one
/// part (a students file says nothing about staff, so it must not end them).
/// </summary>
[Flags]
public enum RosterParts
{
    None = 0,
    Enrollments = 1,
    Guardians = 2,
    Staff = 4,
    All = Enrollments | Guardians | Staff,
}
