namespace MySchool.Integration.Core.Sync;

/// <summary>
/// One region's source system as configured: which adapter reads it, where, with what credentials, and the
/// journal window a sync covers. Bound from configuration (<c>Regions:54</c>); the engine never names a region.
/// </summary>
public sealed record RegionSource
{
    public string Code { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>IANA zone of the region's schools (Asia/Novosibirsk): lesson times are local to it.</summary>
    public string TimeZone { get; init; } = "Europe/Moscow";

    /// <summary>The adapter's registered name (<c>nso</c>, <c>rk</c>).</summary>
    public string Adapter { get; init; } = string.Empty;

    public Uri? BaseUrl { get; init; }

    /// <summary>Adapter-specific settings (login, password, developer key…).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>A fixed journal window (demo and tests); otherwise the last <see cref="JournalDays"/> days up to today.</summary>
    public DateOnly? JournalFrom { get; init; }

    public DateOnly? JournalTo { get; init; }

    public int JournalDays { get; init; } = 14;

    /// <summary>Schools read at once from this source: the source's capacity, not ours, sets it.</summary>
    public int MaxConcurrentSchools { get; init; } = 4;

    /// <summary>The safety brake: a sync that would end more than this share of a school's enrollments holds them.</summary>
    public double SafetyShare { get; init; } = 0.10;

    /// <summary>Cron of the scheduled sync, in the region's time zone.</summary>
    public string Schedule { get; init; } = "0 3 * * *";

    /// <summary>
    /// The gateway moves the region's students up a grade on 1–10 September (003). Only for regions whose source
    /// does not carry the new year itself: a source still listing last year's classes would move them back.
    /// </summary>
    public bool YearRollover { get; init; }

    /// <summary>
    /// Sources (pull adapters' or vendors' source systems) that may write into every school of the region besides
    /// the school's owner: e.g. a vendor pushing marks into schools the region's adapter pulls. Empty: each school
    /// is written by its owner alone.
    /// </summary>
    public IReadOnlyList<string> SharingSources { get; init; } = [];

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>Creates the adapter for a region from its configuration; one registration per adapter kind.</summary>
public interface ISourceAdapterFactory
{
    string Name { get; }

    ISourceAdapter Create(RegionSource region);
}
