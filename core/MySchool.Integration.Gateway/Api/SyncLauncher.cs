using Hangfire;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Scheduler;

namespace MySchool.Integration.Gateway.Api;

/// <summary>
/// The outcome of a sync request: a queued run, or why not (an HTTP status and a reason in Russian); a conflict
/// names the run of the same scope still going (<see cref="ActiveRunId"/>).
/// </summary>
public sealed record SyncLaunch(long? RunId, int Status, string? Problem, long? ActiveRunId = null);

/// <summary>
/// Starts a sync for whoever asks (an operator's page, a script's token), within the regions the caller holds,
/// and audits it. The sync API and the dashboard both go through here.
/// </summary>
public sealed class SyncLauncher(RegionCatalog regions, SyncRuns runs, IBackgroundJobClient jobs, AuditLog audit, Appointments appointments, MonitoringReader monitoring)
{
    public async Task<SyncLaunch> StartAsync(ClientAccess caller, string region, Guid? school, string? mode, CancellationToken cancellationToken)
    {
        if (regions.Find(region) is not { } source || source.Adapter.Length == 0)
        {
            return new(null, StatusCodes.Status404NotFound, $"Регион {region} не подключён к синхронизации");
        }

        // A whole region's coordinators, or for one school also its municipality's coordinator and its administrator.
        if (!caller.Holds(region) && !(school is { } asked && await appointments.CoversSchoolAsync(caller.Scope, asked, cancellationToken)))
        {
            return new(null, StatusCodes.Status403Forbidden, school is null ? $"Регион {region} вам недоступен" : "Эта школа вам недоступна");
        }

        if (!Enum.TryParse<SyncMode>(mode ?? "full", ignoreCase: true, out var syncMode) || syncMode is not (SyncMode.Full or SyncMode.Incremental or SyncMode.Reconcile))
        {
            return new(null, StatusCodes.Status400BadRequest, $"Режим «{mode}» не поддерживается: full, incremental или reconcile");
        }

        string? schoolSourceId = null;
        if (school is { } schoolId && (schoolSourceId = await regions.SchoolSourceIdAsync(source, schoolId, cancellationToken)) is null)
        {
            return new(null, StatusCodes.Status404NotFound, $"Школа {schoolId} не найдена в регионе {region}");
        }

        var scope = schoolSourceId is null ? source.Code : $"{source.Code}/{schoolSourceId}";
        var (runId, queued) = await runs.QueueOnceAsync(regions.AdapterFor(source).SourceSystem, scope, syncMode, cancellationToken);
        if (!queued)
        {
            return new(null, StatusCodes.Status409Conflict, $"Синхронизация {scope} уже идёт (запуск {runId}): дождитесь её окончания", runId);
        }

        jobs.Enqueue<SyncJobs>(job => job.RunAsync(runId, source.Code, schoolSourceId, syncMode, CancellationToken.None));
        await audit.RecordAsync(caller.ClientId, "sync.start", scope, new { runId, mode = syncMode.ToString().ToLowerInvariant() }, cancellationToken);
        return new(runId, StatusCodes.Status202Accepted, null);
    }

    /// <summary>Cancels a run of the caller's regions, audited. Null when done, else the problem (status, Russian reason).</summary>
    public async Task<(int Status, string Detail)?> CancelAsync(ClientAccess caller, long id, CancellationToken cancellationToken)
    {
        if (await FindAsync(caller, id, cancellationToken) is not { } run)
        {
            return (StatusCodes.Status404NotFound, $"Запуск {id} не найден");
        }

        if (!await runs.CancelAsync(id, cancellationToken))
        {
            return (StatusCodes.Status409Conflict, $"Запуск {id} уже завершён: отменять нечего");
        }

        await audit.RecordAsync(caller.ClientId, "sync.cancel", run.Scope, new { runId = id }, cancellationToken);
        return null;
    }

    /// <summary>
    /// Queues again the schools of a failed or cancelled run that did not succeed (audited). The new run, or why not;
    /// a run of the scope still going is answered 409 with its id, as a start is.
    /// </summary>
    public async Task<SyncLaunch> RetryAsync(ClientAccess caller, long id, CancellationToken cancellationToken)
    {
        if (await FindAsync(caller, id, cancellationToken) is not { } run)
        {
            return new(null, StatusCodes.Status404NotFound, $"Запуск {id} не найден");
        }

        if (run.Status is not ("failed" or "cancelled") || !Enum.TryParse<SyncMode>(run.Mode, ignoreCase: true, out var mode)
            || !await regions.CanReadAgainAsync(run.Scope, run.SourceSystem, mode))
        {
            return new(null, StatusCodes.Status409Conflict, $"Запуск {id} не завершился ошибкой или отменой: повторять нечего");
        }

        var (retry, queued) = await SyncJobs.QueueRetryAsync(runs, jobs, run.SourceSystem, run.Scope, mode, id, cancellationToken);
        if (!queued)
        {
            return new(null, StatusCodes.Status409Conflict, $"Синхронизация {run.Scope} уже идёт (запуск {retry}): дождитесь её окончания", retry);
        }

        await audit.RecordAsync(caller.ClientId, "sync.retry", run.Scope, new { runId = retry, retryOf = id }, cancellationToken);
        return new(retry, StatusCodes.Status202Accepted, null);
    }

    /// <summary>A run, if the caller holds its region, or its school (a school's run only).</summary>
    public async Task<SyncRun?> FindAsync(ClientAccess caller, long id, CancellationToken cancellationToken) =>
        await runs.FindAsync(id, cancellationToken) is { } run
            && (caller.Holds(run.Scope.Split('/')[0]) || await appointments.CoversRunAsync(caller.Scope, run.SourceSystem, run.Scope, cancellationToken)) ? run : null;

    /// <summary>
    /// The run history the caller may search: their regions' runs and, below the region (a municipality's coordinator,
    /// a school's administrator), their schools' own runs; narrowed as asked.
    /// </summary>
    public async Task<RunFilter> RunFilterAsync(ClientAccess caller, string? scope, string? status, string? mode, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var (regions, schools) = await VisibleScopeAsync(caller, cancellationToken);
        var schoolScopes = schools.Count == 0 ? [] : await monitoring.SchoolScopesAsync(schools, cancellationToken);
        return new RunFilter(regions, schoolScopes, Blank(scope), Blank(status), Blank(mode), from, to);

        static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>
    /// What region-wide lists read for the caller: their whole regions' codes, and below them the schools of their
    /// municipalities and their own (none for a caller of whole regions only).
    /// </summary>
    public async Task<(List<string> Regions, List<Guid> Schools)> VisibleScopeAsync(ClientAccess caller, CancellationToken cancellationToken) =>
        ([.. Visible(caller).Select(r => r.Code)], await appointments.OwnSchoolIdsAsync(caller.Scope, cancellationToken));

    /// <summary>The regions the caller may see, as configured.</summary>
    public IReadOnlyList<RegionSource> Visible(ClientAccess caller) => [.. regions.Regions.Where(r => caller.Holds(r.Code)).OrderBy(r => r.Code, StringComparer.Ordinal)];
}
