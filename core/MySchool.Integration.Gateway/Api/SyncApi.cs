using Hangfire;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Scheduler;

namespace MySchool.Integration.Gateway.Api;

/// <summary>
/// The small JSON API operators, scripts and tests drive syncs with: start a run of a region or one school, list
/// runs newest first, show one with its counts, progress and error. Errors are RFC 7807 problems, in Russian.
/// </summary>
public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sync").RequireAuthorization(ExchangeScopes.SyncManage);
        api.MapPost("/{region}", StartAsync);
        api.MapGet("/runs", async (SyncRuns runs, int? limit, CancellationToken ct) => Results.Ok(await runs.LatestAsync(Math.Clamp(limit ?? 50, 1, 500), ct)));
        api.MapGet("/runs/{id:long}", async (long id, SyncRuns runs, CancellationToken ct) =>
            await runs.FindAsync(id, ct) is { } run ? Results.Ok(run) : Problem(StatusCodes.Status404NotFound, $"Запуск {id} не найден"));
        return app;
    }

    private static async Task<IResult> StartAsync(
        string region, Guid? school, string? mode, RegionCatalog regions, SyncRuns runs, IBackgroundJobClient jobs, CancellationToken cancellationToken)
    {
        if (regions.Find(region) is not { } source)
        {
            return Problem(StatusCodes.Status404NotFound, $"Регион {region} не подключён");
        }

        if (!Enum.TryParse<SyncMode>(mode ?? "full", ignoreCase: true, out var syncMode) || syncMode is not (SyncMode.Full or SyncMode.Incremental))
        {
            return Problem(StatusCodes.Status400BadRequest, $"Режим «{mode}» не поддерживается: full или incremental");
        }

        string? schoolSourceId = null;
        if (school is { } schoolId && (schoolSourceId = await regions.SchoolSourceIdAsync(source, schoolId, cancellationToken)) is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"Школа {schoolId} не найдена в регионе {region}");
        }

        var scope = schoolSourceId is null ? source.Code : $"{source.Code}/{schoolSourceId}";
        var runId = await runs.QueueAsync(regions.AdapterFor(source).SourceSystem, scope, syncMode, cancellationToken);
        jobs.Enqueue<SyncJobs>(job => job.RunAsync(runId, source.Code, schoolSourceId, syncMode, CancellationToken.None));
        return Results.Accepted($"/api/sync/runs/{runId}", new { runId, status = "queued" });
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status, title: "Запрос синхронизации отклонён");
}
