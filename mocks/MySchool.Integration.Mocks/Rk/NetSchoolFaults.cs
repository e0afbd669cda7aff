namespace MySchool.Integration.Mocks.Rk;

/// <summary>The faults of rk-netschool.md, by the names tests arm them with.</summary>
public static class NetSchoolFaults
{
    public const string WrongPassword = "wrong-password-409";
    public const string SessionTimeout = "session-timeout-401";
    public const string TooManyRequests = "http-429-retry-after-2";
    public const string SecurityWarning = "security-warning-entry-point";
    public const string EmptyDuplicateCookie = "empty-duplicate-esrnsec-cookie";
    public const string Slow = "delay-5s";
    public const string WeekWithoutWeekDays = "week-without-weekdays";
    public const string LessonWithoutAssignments = "lesson-without-assignments";
    public const string MarkSeven = "mark-7";
    public const string LessonOnNovember31 = "lesson-2023-11-31";
    public const string MarkAssignmentIdDiffers = "mark-assignment-id-differs";
    public const string StudentMoved = "student-moved-between-syncs";

    public static readonly IReadOnlyCollection<string> All =
    [
        WrongPassword, SessionTimeout, TooManyRequests, SecurityWarning, EmptyDuplicateCookie, Slow, WeekWithoutWeekDays,
        LessonWithoutAssignments, MarkSeven, LessonOnNovember31, MarkAssignmentIdDiffers, StudentMoved,
    ];
}
