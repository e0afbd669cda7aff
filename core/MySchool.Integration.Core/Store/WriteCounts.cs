using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Core.Store;

/// <summary>What a write did to the federal model; a repeated identical sync is all zeros but Read.</summary>
public sealed record WriteCounts(long Read, long Inserted, long Updated, long Deleted, long Quarantined)
{
    public static readonly WriteCounts Zero = new(0, 0, 0, 0, 0);

    public long Written => Inserted + Updated + Deleted;

    public WriteCounts Add(WriteCounts other) =>
        new(Read + other.Read, Inserted + other.Inserted, Updated + other.Updated, Deleted + other.Deleted, Quarantined + other.Quarantined);
}

/// <summary>Where a school's data goes: which source and region, on which local day, under which run.</summary>
public sealed record WriteTarget(
    string SourceSystem,
    string RegionCode,
    string RegionName,
    string TimeZone,
    long RunId,
    DateOnly Today,
    double SafetyShare)
{
    /// <summary>Sources that may write into every school of the region besides the school's owner (<see cref="RegionSource.SharingSources"/>).</summary>
    public IReadOnlyList<string> SharingSources { get; init; } = [];

    public static WriteTarget For(string sourceSystem, RegionSource region, long runId, DateOnly today) =>
        new(sourceSystem, region.Code, region.Name, region.TimeZone, runId, today, region.SafetyShare) { SharingSources = region.SharingSources };

    /// <summary>Whether this source may write a school of this region that <paramref name="owner"/> holds.</summary>
    public bool MayWrite(string regionCode, string? owner) =>
        regionCode == RegionCode && (owner is null || owner == SourceSystem || SharingSources.Contains(SourceSystem, StringComparer.Ordinal));
}

/// <summary>What the safety brake held back instead of writing: enrollments a sync would have ended.</summary>
public sealed record HeldDeletion(string SchoolInn, int Enrollments, int OpenEnrollments, IReadOnlyList<Guid> EnrollmentIds);
