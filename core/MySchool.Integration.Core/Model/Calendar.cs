namespace MySchool.Integration.Core.Model;

/// <summary>A school's year, named like <c>2023/2024</c>.</summary>
public sealed record AcademicYear(Guid Id, Guid SchoolId, string Name, DateOnly StartsOn, DateOnly EndsOn);

public enum PeriodKind
{
    Quarter,
    Trimester,
    Half,
    Year,
}

/// <summary>A period of the year such as «II триместр».</summary>
public sealed record Period(Guid Id, Guid AcademicYearId, string Name, PeriodKind Kind, DateOnly StartsOn, DateOnly EndsOn);

/// <summary>School holidays (каникулы): the portfolio counts the days until the next ones.</summary>
public sealed record Holiday(Guid Id, Guid AcademicYearId, string Name, DateOnly StartsOn, DateOnly EndsOn);
