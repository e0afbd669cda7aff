using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Model;

/// <summary>A subject of a school; its normalized name keys it.</summary>
public sealed record Subject(Guid Id, Guid SchoolId, string Name, string NormalizedName);

/// <summary>
/// A lesson of a class (or of one of its groups). The date is the school's local date; start and end are
/// instants, shown in the school's own offset.
/// </summary>
public sealed record Lesson(
    Guid Id,
    Guid ClassId,
    Guid? GroupId,
    DateOnly Date,
    int Number,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    Guid SubjectId,
    string? Room,
    Guid? TeacherId,
    string? Topic);

public sealed record Homework(Guid Id, Guid LessonId, string SourceKey, string Text, bool Individual, IReadOnlyList<string> Attachments);

/// <summary>
/// A mark as the federal model keeps it. Period marks have no lesson. <see cref="WorkKind"/> is the kind of work
/// (КР, РнУ, ДЗ…); <see cref="IsDebt"/> marks an overdue required assignment.
/// </summary>
public sealed record Mark(
    Guid Id,
    Guid StudentId,
    Guid? LessonId,
    Guid SubjectId,
    DateOnly Date,
    MarkValue Value,
    decimal Weight,
    string? WorkKind,
    bool IsDebt,
    string? Comment);

public enum AttendanceCode
{
    /// <summary>н</summary>
    Absent,

    /// <summary>оп</summary>
    Late,

    /// <summary>б</summary>
    Ill,

    /// <summary>уп</summary>
    Excused,
}

public sealed record Attendance(Guid Id, Guid StudentId, Guid LessonId, AttendanceCode Code);

public enum EventKind
{
    Announcement,
    Meeting,
    Test,
    Club,
    Other,
}

/// <summary>An item of the portfolio's event feed: announcements, parent meetings, tests, clubs.</summary>
public sealed record SchoolEvent(
    Guid Id,
    Guid SchoolId,
    Guid? ClassId,
    string SourceKey,
    EventKind Kind,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string Title,
    string? Body);
