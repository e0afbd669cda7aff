using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Gateway.Auth;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// Where an uploader may load a file's rows, by their appointments: a region's coordinator anywhere in the region; a
/// municipal coordinator in the schools of their municipalities, and new schools there; a school's administrator in
/// their school only, never the registry of schools. A row outside is refused by number.
/// </summary>
public sealed record ImportScope(bool WholeRegion, IReadOnlySet<Guid> Schools, IReadOnlySet<string> MunicipalityOktmos)
{
    public static readonly ImportScope Region = new(true, new HashSet<Guid>(), new HashSet<string>());

    public static async Task<ImportScope> OfAsync(ClientAccess access, string regionCode, Appointments appointments, CancellationToken cancellationToken)
    {
        if (access.Holds(regionCode))
        {
            return Region;
        }

        var below = access.Scope.BelowRegions;
        var places = below.IsEmpty ? [] : (await appointments.SchoolsWithinAsync(below, cancellationToken)).Where(p => p.Region == regionCode).ToList();
        return new ImportScope(false, places.Select(p => p.Id).ToHashSet(),
            places.Where(p => below.Municipalities.Contains(p.MunicipalityId)).Select(p => p.Oktmo).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Nothing of the region is the uploader's.</summary>
    public bool IsEmpty => !WholeRegion && Schools.Count == 0;

    /// <summary>The registry of schools is loaded by the region's and municipalities' coordinators.</summary>
    public bool MayLoad(ImportTemplate template) => WholeRegion || template != ImportTemplate.Schools || MunicipalityOktmos.Count > 0;

    public bool Covers(RegisteredSchool school) => WholeRegion || Schools.Contains(school.Id);

    /// <summary>A school's OKTMO lies in one of the uploader's municipalities (its first eight digits are the municipality's).</summary>
    public bool CoversOktmo(string oktmo) => WholeRegion || MunicipalityOktmos.Contains(oktmo[..Math.Min(8, oktmo.Length)]);

    public const string OutsideReason = "не входит в ваши полномочия: такие строки загружает координатор региона";
}
