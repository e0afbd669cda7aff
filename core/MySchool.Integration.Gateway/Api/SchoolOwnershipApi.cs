using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Api;

/// <summary>
/// A federal operator moves a school into another region and assigns the source that writes it: the only way a
/// school changes hands (sources are refused and audited when they try). Errors are RFC 7807 problems, in Russian.
/// </summary>
public static class SchoolOwnershipApi
{
    /// <param name="RegionCode">The region the school belongs in (its own when omitted).</param>
    /// <param name="SourceSystem">The source that writes it from now on (unchanged when omitted).</param>
    public sealed record OwnershipRequest(string? RegionCode, string? SourceSystem);

    public static IEndpointRouteBuilder MapSchoolOwnershipApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/schools/{id:guid}/ownership", PostAsync).RequireSessionOrToken(ExchangeScopes.SyncManage);
        return app;
    }

    /// <summary>What the dashboard's form and the API share: the checks, then the act. Null when done, else the problem.</summary>
    public static async Task<(int Status, string Detail)?> AssignAsync(
        ClientAccess access, Guid schoolId, OwnershipRequest request, SchoolOwnership ownership, RegionCatalog regions, CancellationToken cancellationToken)
    {
        if (!access.Holds("*"))
        {
            return (StatusCodes.Status403Forbidden, "Переносить школу в другой регион и назначать её источник может только федеральный оператор");
        }

        if (await ownership.FindAsync(schoolId, cancellationToken) is not { } holder)
        {
            return (StatusCodes.Status404NotFound, "Школа не найдена");
        }

        if (regions.Find(request.RegionCode ?? holder.RegionCode) is not { } region)
        {
            return (StatusCodes.Status400BadRequest, $"Регион «{SourceText.Excerpt(request.RegionCode)}» не подключён к шлюзу");
        }

        var source = string.IsNullOrWhiteSpace(request.SourceSystem) ? null : request.SourceSystem.Trim();
        if (SourceText.Id("источник", source) is { } refused)
        {
            return (StatusCodes.Status400BadRequest, refused.Message);
        }

        await ownership.AssignAsync(schoolId, region, source, access.ClientId, cancellationToken);
        return null;
    }

    private static async Task<IResult> PostAsync(Guid id, OwnershipRequest request, HttpContext context, SchoolOwnership ownership, RegionCatalog regions, CancellationToken cancellationToken)
    {
        var problem = await AssignAsync(ClientAccess.From(context.User), id, request, ownership, regions, cancellationToken);
        return problem is { } p
            ? Results.Problem(detail: p.Detail, statusCode: p.Status, title: "Передача школы отклонена")
            : Results.Ok(await ownership.FindAsync(id, cancellationToken));
    }
}
