namespace MySchool.Integration.Core.Model;

/// <summary>A subject of the federation by its code (54 Новосибирская область, 11 Республика Коми).</summary>
public sealed record Region(Guid Id, string Code, string Name, string TimeZone);

/// <summary>A municipality of a region, keyed by its OKTMO code.</summary>
public sealed record Municipality(Guid Id, Guid RegionId, string Oktmo, string Name);

/// <summary>
/// An educational organization (ОО) under its full legal name as in ЕГРЮЛ. A branch (филиал) has a parent
/// school and its own KPP; the main school has none.
/// </summary>
public sealed record School(
    Guid Id,
    Guid MunicipalityId,
    Guid? ParentSchoolId,
    string Inn,
    string? Kpp,
    string FullName,
    string? ShortName,
    string Oktmo,
    string TimeZone)
{
    public bool IsBranch => ParentSchoolId is not null;
}
