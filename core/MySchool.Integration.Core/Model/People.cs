using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Model;

public enum Gender
{
    Male,
    Female,
}

/// <summary>
/// One human across every system: a student, teacher or parent (or several at once). SNILS and the ESIA oid
/// identify them when known; without SNILS only the identity map decides, never the name.
/// </summary>
public sealed record Person(
    Guid Id,
    string LastName,
    string FirstName,
    string? MiddleName,
    DateOnly? BirthDate,
    Gender? Gender,
    Snils? Snils,
    long? EsiaOid);

/// <summary>A student in a class from a date; open while <see cref="EndsOn"/> is null. A transfer closes one, opens another.</summary>
public sealed record Enrollment(Guid Id, Guid StudentId, Guid ClassId, DateOnly StartsOn, DateOnly? EndsOn);

/// <summary>A legal representative of a student, with the relation as the source names it (мать, отец, опекун…).</summary>
public sealed record Guardianship(Guid Id, Guid ParentId, Guid StudentId, string Relation);

public enum StaffRole
{
    Teacher,
    Admin,
}

/// <summary>A person working at a school as a teacher (with subjects) or as a school admin.</summary>
public sealed record StaffAssignment(Guid Id, Guid PersonId, Guid SchoolId, StaffRole Role, IReadOnlyList<string> Subjects, string? Email);
