using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// <c>POST /api/imports/{region}/{template}</c>: a filled template as multipart field <c>file</c>, checked
/// (<c>?apply=false</c>, the default) or applied (<c>?apply=true</c>); <c>complete=true</c> when the file lists its
/// schools' students in full. For automation with an operator's token (<c>sync.manage</c>) or the dashboard's session.
/// Errors are RFC 7807 problems in Russian with a code.
/// </summary>
public static class ImportApi
{
    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/imports/{region}/{template}", PostAsync).RequireSessionOrToken(ExchangeScopes.SyncManage);
        return app;
    }

    private static async Task<IResult> PostAsync(string region, string template, bool? apply, bool? complete, HttpContext context, FileImport import, RegionCatalog regions, CancellationToken cancellationToken)
    {
        var access = ClientAccess.From(context.User);
        if (regions.Find(region) is not { } source)
        {
            return Problem(StatusCodes.Status404NotFound, "import.region", $"Регион {Core.Rules.SourceText.Excerpt(region)} не подключён к шлюзу");
        }

        if (ImportTemplate.Find(template) is not { } chosen)
        {
            return Problem(StatusCodes.Status404NotFound, "import.template", $"Шаблона «{Core.Rules.SourceText.Excerpt(template)}» нет: есть {string.Join(", ", ImportTemplate.All.Select(t => t.Code))}");
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(cancellationToken) : null;
        if (form?.Files.GetFile("file") is not { } file)
        {
            return Problem(StatusCodes.Status400BadRequest, "import.file", "Нужен файл в поле file запроса multipart/form-data");
        }

        try
        {
            await using var stream = file.OpenReadStream();
            return Results.Ok(await import.RunAsync(access, source, chosen, stream, apply ?? false, complete ?? false, cancellationToken));
        }
        catch (ImportFileException refused)
        {
            return Problem(refused.Code == FileImport.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status422UnprocessableEntity, refused.Code, refused.Message);
        }
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: "Файл не принят", extensions: new Dictionary<string, object?> { ["code"] = code });
}
