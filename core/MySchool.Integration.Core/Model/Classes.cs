using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Model;

/// <summary>A параллель: all classes of one grade in one school year.</summary>
public sealed record GradeLevel(Guid Id, Guid AcademicYearId, int Grade);

/// <summary>A class such as <c>9 «И»</c>.</summary>
public sealed record SchoolClass(Guid Id, Guid SchoolId, Guid GradeLevelId, ClassName Name);

public enum GroupKind
{
    Subgroup,
    Club,
    Interest,
}

/// <summary>A subject subgroup, club or interest group inside a class.</summary>
public sealed record ClassGroup(Guid Id, Guid ClassId, string Name, GroupKind Kind);
