using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Api;

/// <summary>
/// The small JSON API operators' scripts and the dashboard drive syncs with: start a run of a region or one school,
/// list runs newest first, show one with its counts, progress and error (and its failed schools), cancel one, retry
/// the failed schools of one. An operator's session or a token with scope sync.manage; either way only the caller's
/// regions. Errors are RFC 7807 problems, in Russian.
/// </summary>
public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sync").RequireSessionOrToken(ExchangeScopes.SyncManage);
        api.MapPost("/{region}", StartAsync);
        api.MapGet("/runs", async (HttpContext context, SyncLauncher launcher, SyncRuns runs, string? scope, string? status, string? mode, DateOnly? from, DateOnly? to,
            int? limit, int? offset, CancellationToken ct) =>
        {
            var filter = await launcher.RunFilterAsync(ClientAccess.From(context.User), scope, status, mode, from, to, ct);
            var (page, total) = await runs.SearchAsync(filter, Math.Max(0, offset ?? 0), Math.Clamp(limit ?? 50, 1, 500), ct);
            context.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(page);
        });
        api.MapPost("/runs/{id:long}/cancel", async (long id, HttpContext context, SyncLauncher launcher, SyncRuns runs, CancellationToken ct) =>
            await launcher.CancelAsync(ClientAccess.From(context.User), id, ct) is { } problem
                ? Problem(problem.Status, problem.Detail)
                : Results.Ok(await runs.FindAsync(id, ct)));
        api.MapPost("/runs/{id:long}/retry", async (long id, HttpContext context, SyncLauncher launcher, CancellationToken ct) =>
            Launched(await launcher.RetryAsync(ClientAccess.From(context.User), id, ct)));
        api.MapGet("/runs/{id:long}/failed-schools", async (long id, HttpContext context, SyncLauncher launcher, SyncRuns runs, CancellationToken ct) =>
            await launcher.FindAsync(ClientAccess.From(context.User), id, ct) is null
                ? Problem(StatusCodes.Status404NotFound, $"Запуск {id} не найден")
                : Results.Ok((await runs.FailedSchoolsAsync(id, ct)).Select(school => new { school.SchoolSourceId, school.Error })));
        api.MapGet("/runs/{id:long}/schools", async (long id, HttpContext context, SyncLauncher launcher, SyncRuns runs, CancellationToken ct) =>
            await launcher.FindAsync(ClientAccess.From(context.User), id, ct) is null
                ? Problem(StatusCodes.Status404NotFound, $"Запуск {id} не найден")
                : Results.Ok(await runs.SchoolsAsync(id, ct)));
        api.MapGet("/runs/{id:long}", async (long id, HttpContext context, SyncLauncher launcher, CancellationToken ct) =>
            await launcher.FindAsync(ClientAccess.From(context.User), id, ct) is { } run ? Results.Ok(run) : Problem(StatusCodes.Status404NotFound, $"Запуск {id} не найден"));
        return app;
    }

    private static async Task<IResult> StartAsync(string region, Guid? school, string? mode, HttpContext context, SyncLauncher launcher, CancellationToken cancellationToken) =>
        Launched(await launcher.StartAsync(ClientAccess.From(context.User), region, school, mode, cancellationToken));

    /// <summary>A queued run (202 with where to watch it), or why not; a conflict names the run still going.</summary>
    private static IResult Launched(SyncLaunch launch) =>
        launch switch
        {
            { RunId: { } runId } => Results.Accepted($"/api/sync/runs/{runId}", new { runId, status = "queued" }),
            { ActiveRunId: { } active } => Results.Problem(detail: launch.Problem, statusCode: launch.Status, title: "Запрос синхронизации отклонён",
                extensions: new Dictionary<string, object?> { ["runId"] = active, ["run"] = $"/api/sync/runs/{active}" }),
            _ => Problem(launch.Status, launch.Problem!),
        };

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status, title: "Запрос синхронизации отклонён");
}
