namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>
/// A mark in the mock's own terms. <see cref="IsDebt"/> is Сетевой город's dutyMark (a control work marked 2);
/// ЭлЖур has no such flag. <see cref="Value"/> is ЭлЖур-style text (<c>5</c>, <c>4-</c>, <c>зч</c>,
/// <c>н</c>); Сетевой город serves only plain grades, as numbers.
/// </summary>
public sealed record SyntheticMark(
    int StudentId,
    long LessonId,
    DateOnly Date,
    string Subject,
    string Value,
    int Weight,
    string WorkKindShort,
    string WorkKind,
    bool IsDebt)
{
    public bool IsAbsence => Value is "н" or "оп";
}

/// <summary>One entry of the mock's change log, which its change feeds report.</summary>
public sealed record ChangeEntry(DateTimeOffset At, ChangeKind Kind, int StudentId, long LessonId = 0, int ClassId = 0, bool Deleted = false);

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    Student,
    Mark,
    Class,
}

/// <summary>What one admin "apply changes" call does.</summary>
public sealed record ChangeRequest
{
    public int EditedMarks { get; init; } = 2;

    public int DeletedMarks { get; init; } = 1;

    public int NewMarks { get; init; } = 2;

    public int Transfers { get; init; } = 1;

    public int NewStudents { get; init; } = 1;

    /// <summary>Students of one school who leave it (the first school's, from its first class on).</summary>
    public int LeavingStudents { get; init; }

    /// <summary>How far the mock's clock moves before the changes happen.</summary>
    public int AdvanceMinutes { get; init; } = 15;
}
