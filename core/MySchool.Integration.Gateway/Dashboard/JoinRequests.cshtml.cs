using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Api;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>Join requests to the schools' communities: those waiting for a school admin with the reason, and those approved.</summary>
public sealed class JoinRequestsModel(MonitoringReader monitoring, SyncLauncher launcher) : OperatorPage
{
    public IReadOnlyList<JoinRequestEntry> Requests { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Requests = await monitoring.JoinRequestsAsync([.. launcher.Visible(Access).Select(r => r.Code)], cancellationToken);
}
