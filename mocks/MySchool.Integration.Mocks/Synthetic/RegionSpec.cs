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

    // The mess real registries have; all off by default, so a region is clean and equals its ground truth.

    /// <summary>
    /// The region's first N students are children who moved between regions: every region generated with the same
    /// number lists them with one SNILS, name and birth date (the old school has not let them go yet).
    /// </summary>
    public int MigrantStudents { get; init; }

    /// <summary>This region gives its migrants another birth date (a year later): one SNILS, two birth dates.</summary>
    public bool MigrantsBornAYearLater { get; init; }

    /// <summary>In each school the second student of the first class carries the first one's SNILS.</summary>
    public bool SnilsTwinInEachSchool { get; init; }

    /// <summary>The region's first school carries the INN of that region's first school: one INN in two regions.</summary>
    public string? FirstSchoolInnOfRegion { get; init; }

    public bool IsKomi => RegionCode == "11";

    public string TimeZone => IsKomi ? "Europe/Moscow" : "Asia/Novosibirsk";

    /// <summary>SNILS serials are per region, so no two people of different regions share a SNILS by accident.</summary>
    public long SnilsSerial(long n) => (long.Parse(RegionCode, System.Globalization.CultureInfo.InvariantCulture) * 10_000_000L) + n;

    public int StudentCount => Municipalities * SchoolsPerMunicipality * ClassesPerGrade * (LastGrade - FirstGrade + 1) * StudentsPerClass;

    public static RegionSpec Demo(string regionCode) => new() { RegionCode = regionCode, Seed = regionCode == "11" ? 11 : 54 };
}
