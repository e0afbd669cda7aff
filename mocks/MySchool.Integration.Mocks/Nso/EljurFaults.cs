namespace MySchool.Integration.Mocks.Nso;

/// <summary>The faults of nso-eljur.md, by the names tests arm them with.</summary>
public static class EljurFaults
{
    public const string Unavailable = "http-503";
    public const string Slow = "delay-5s";
    public const string TokenExpired = "token-expired";
    public const string DevKeyRejected = "devkey-rejected";
    public const string CutBody = "cut-body";
    public const string MarkValueSix = "mark-value-6";
    public const string MarkDateInvalid = "mark-date-2023-11-31";
    public const string PhantomMark = "phantom-mark";
    public const string ItemsEmptyArray = "items-empty-array";
    public const string ItemsNull = "items-null";
    public const string ItemsMissing = "items-missing";
    public const string StudentWithoutSnils = "student-without-snils";
    public const string DuplicateStudent = "duplicate-student-across-classes";

    public static readonly IReadOnlyCollection<string> All =
    [
        Unavailable, Slow, TokenExpired, DevKeyRejected, CutBody, MarkValueSix, MarkDateInvalid, PhantomMark,
        ItemsEmptyArray, ItemsNull, ItemsMissing, StudentWithoutSnils, DuplicateStudent,
    ];
}
