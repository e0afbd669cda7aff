using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Api;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>Records refused by the rules, filtered by region, school and reason; one opened with its raw record (SNILS masked).</summary>
public sealed class QuarantineModel(MonitoringReader monitoring, SyncLauncher launcher, Appointments appointments) : OperatorPage
{
    public IReadOnlyList<QuarantineEntry> Entries { get; private set; } = [];

    public QuarantineEntry? Opened { get; private set; }

    public string? Scope { get; private set; }

    /// <summary>The filter's example in the operator's own region (54, 54/1001), not another's.</summary>
    public string ScopeExample => Access.Regions.Where(r => r != "*").Order(StringComparer.Ordinal).FirstOrDefault() is { } region ? $"{region}, {region}/1001" : "54, 54/1001";

    public string? Reason { get; private set; }

    public async Task OnGetAsync(string? scope, string? reason, long? id, CancellationToken cancellationToken)
    {
        (Scope, Reason) = (scope, reason);
        var regions = launcher.Visible(Access).Select(r => r.Code).ToList();
        // A school's administrator and a municipality's coordinator see their schools' data problems.
        var schools = await appointments.OwnSchoolIdsAsync(Access.Scope, cancellationToken);
        Entries = await monitoring.QuarantineAsync(regions, schools, scope, reason, null, cancellationToken);
        Opened = id is null ? null : (await monitoring.QuarantineAsync(regions, schools, null, null, id, cancellationToken)).FirstOrDefault();
    }
}
