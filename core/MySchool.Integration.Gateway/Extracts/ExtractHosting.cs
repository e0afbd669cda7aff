using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Family;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Extracts;

/// <summary>
/// Where the e-diary extract is issued (seed 004): by whoever holds the school, for a student of the school; by a
/// parent, for a child the registry names them the legal representative of. A printable page by default, the PDF
/// with <c>format=pdf</c>; the period is <c>from</c>–<c>to</c>, the last 14 days unless given.
/// </summary>
public static class ExtractHosting
{
    public static IEndpointRouteBuilder MapDiaryExtracts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/schools/{school:guid}/students/{student:guid}/extract", ForSchoolAsync).RequireAuthorization(OperatorHosting.OperatorPolicy);
        app.MapGet($"{FamilyHosting.HomePath}/extract/{{student:guid}}", ForFamilyAsync).RequireAuthorization(FamilyHosting.Policy);
        return app;
    }

    private static async Task<IResult> ForSchoolAsync(Guid school, Guid student, DateOnly? from, DateOnly? to, string? format, HttpContext context,
        Appointments appointments, DiaryExtracts extracts, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = ClientAccess.From(context.User);
        if (await appointments.SchoolPlaceAsync(school, cancellationToken) is null || !await extracts.IsStudentOfAsync(student, school, cancellationToken))
        {
            return Notice(StatusCodes.Status404NotFound, "Не найдено", "Такого ученика в этой школе нет.");
        }

        return await appointments.CoversSchoolAsync(caller.Scope, school, cancellationToken)
            ? await IssueAsync(caller.ClientId, student, from, to, format, context, extracts, time, cancellationToken)
            : Notice(StatusCodes.Status403Forbidden, "Нет доступа", "Эта школа вне ваших назначений.");
    }

    private static async Task<IResult> ForFamilyAsync(Guid student, DateOnly? from, DateOnly? to, string? format, HttpContext context,
        DiaryExtracts extracts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FamilyHosting.SessionAsync(context) is not { } session)
        {
            return Results.Redirect(FamilyHosting.LoginPath);
        }

        return (await extracts.ChildrenOfAsync(session.Oid, cancellationToken)).Any(child => child.Id == student)
            ? await IssueAsync($"esia:{session.Oid}", student, from, to, format, context, extracts, time, cancellationToken)
            : Notice(StatusCodes.Status403Forbidden, "Нет доступа", "Выписку выдают только законному представителю ученика, указанному в реестре школы.");
    }

    private static async Task<IResult> IssueAsync(string actor, Guid student, DateOnly? from, DateOnly? to, string? format, HttpContext context,
        DiaryExtracts extracts, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);
        if (DiaryExtracts.Period(from, to, today) is not { } period)
        {
            return Notice(StatusCodes.Status400BadRequest, "Период не принят", $"Начало периода должно быть не позже конца, а период — не длиннее {DiaryExtracts.MaxDays} дней.");
        }

        if (await extracts.IssueAsync(actor, student, period.From, period.To, cancellationToken) is not { } extract)
        {
            return Notice(StatusCodes.Status404NotFound, "Не найдено", "Такого ученика нет.");
        }

        if (format == "pdf")
        {
            return Results.File(DiaryExtractPdf.Render(extract), "application/pdf", $"diary-extract-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.pdf");
        }

        var pdf = $"{context.Request.Path}?from={period.From:yyyy-MM-dd}&to={period.To:yyyy-MM-dd}&format=pdf";
        return Results.Content(DiaryExtractText.Html(extract, pdf), "text/html; charset=utf-8");
    }

    private static IResult Notice(int status, string title, string text) =>
        Results.Content(OperatorLogin.Notice(title, text), "text/html; charset=utf-8", statusCode: status);
}
