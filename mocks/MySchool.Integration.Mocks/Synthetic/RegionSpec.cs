namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>What to generate: the same spec always gives the same region, to the byte.</summary>
public sealed record RegionSpec
{
    public int Seed { get; init; } = 1;

    /// <summary>54 (Novosibirsk, ЭлЖур) or 11 (Komi, Сетевой город): decides names, time zone and mark style.</summary>
    public string RegionCode { get; init; } = "54";

    public int Municipalities { get; init; } = 1;

    public int SchoolsPerMunicipality { get; init; } = 2;

    public int ClassesPerGrade { get; init; } = 1;

    public int StudentsPerClass { get; init; } = 10;

    /// <summary>Grades taught; a small region may use a few to stay small.</summary>
    public int FirstGrade { get; init; } = 1;

    public int LastGrade { get; init; } = 11;

    /// <summary>Weeks of journal from <see cref="FirstWeek"/> (a Monday).</summary>
    public int Weeks { get; init; } = 1;

    public DateOnly FirstWeek { get; init; } = new(2023, 11, 6);

    /// <summary>Share (per mille) of students and parents without SNILS, as the contracts allow.</summary>
    public int MissingSnilsPerMille { get; init; } = 30;

    public bool IsKomi => RegionCode == "11";

    public string TimeZone => IsKomi ? "Europe/Moscow" : "Asia/Novosibirsk";

    /// <summary>SNILS serials are per region, so no two people of different regions share a SNILS by accident.</summary>
    public long SnilsSerial(long n) => (long.Parse(RegionCode, System.Globalization.CultureInfo.InvariantCulture) * 10_000_000L) + n;

    public int StudentCount => Municipalities * SchoolsPerMunicipality * ClassesPerGrade * (LastGrade - FirstGrade + 1) * StudentsPerClass;

    public static RegionSpec Demo(string regionCode) => new() { RegionCode = regionCode, Seed = regionCode == "11" ? 11 : 54 };
}
