using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Gateway.Auth;
using OpenIddict.Validation.AspNetCore;

namespace MySchool.Integration.Gateway.Rest;

/// <summary>
/// The federal platform's REST calls: a student's schedule and journal exactly as contracts/federal-schedule.md
/// describes it, and the portfolio. Every error is an OperationOutcome, token errors included.
/// </summary>
public static class FederalRestApi
{
    public const string SchedulePath = "/Schedule/";
    public const string PortfolioPath = "/Portfolio/";

    /// <summary>The longest range one call may ask for: a quarter.</summary>
    public const int MaxDays = 92;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static IEndpointRouteBuilder MapFederalRestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").AddEndpointFilter(RequireFederalToken).WithTags("Федеральная платформа");
        api.MapGet(SchedulePath + "{esiaId}", ScheduleAsync)
            .WithSummary("Расписание и журнал обучающегося за период (Приложение 5)")
            .Produces(StatusCodes.Status200OK, contentType: "application/fhir+json");
        api.MapGet(PortfolioPath + "{esiaId}", PortfolioAsync)
            .WithSummary("Школьное портфолио обучающегося: средние за текущий и прошедшие периоды, посещаемость, каникулы, события")
            .Produces<StudentPortfolio>(StatusCodes.Status200OK);
        return app;
    }

    private static async Task<IResult> ScheduleAsync(string esiaId, string? start, string? end, ScheduleAnswers answers, CancellationToken cancellationToken)
    {
        if (!long.TryParse(esiaId, NumberStyles.None, CultureInfo.InvariantCulture, out var oid))
        {
            return OperationOutcome.Structure($"esiaId «{esiaId}» не является oid ЕСИА");
        }

        if (!TryDate(start, out var from) || !TryDate(end, out var to))
        {
            return OperationOutcome.Structure("Параметры start и end обязательны, в формате yyyy-MM-dd");
        }

        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            return OperationOutcome.Structure($"Период должен начинаться не позже конца и быть не длиннее {MaxDays} дней");
        }

        return await answers.ReadAsync(oid, esiaId, from, to, cancellationToken)
            ?? OperationOutcome.NotFound($"Обучающийся с oid {oid} не связан ни с одной записью реестра");
    }

    private static async Task<IResult> PortfolioAsync(string esiaId, PortfolioReader portfolios, CancellationToken cancellationToken)
    {
        if (!long.TryParse(esiaId, NumberStyles.None, CultureInfo.InvariantCulture, out var oid))
        {
            return OperationOutcome.Structure($"esiaId «{esiaId}» не является oid ЕСИА");
        }

        return await portfolios.ReadAsync(oid, cancellationToken) is { } portfolio
            ? Results.Json(portfolio, Json)
            : OperationOutcome.NotFound($"Обучающийся с oid {oid} не найден или сейчас нигде не учится");
    }

    /// <summary>A valid token with scope federal.read, or an OperationOutcome saying what is wrong with it.</summary>
    private static async ValueTask<object?> RequireFederalToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            return OperationOutcome.Expired(TokenProblem(http));
        }

        return ClientAccess.From(result.Principal).Can(ExchangeScopes.FederalRead)
            ? await next(context)
            : OperationOutcome.Forbidden($"Клиенту не выдана область {ExchangeScopes.FederalRead}");
    }

    private static string TokenProblem(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "Нужен токен доступа: Authorization: Bearer <token> (POST /connect/token)";
        }

        var handler = new JsonWebTokenHandler();
        var token = header["Bearer ".Length..].Trim();
        try
        {
            return handler.CanReadToken(token) && handler.ReadJsonWebToken(token).ValidTo is var validTo && validTo != DateTime.MinValue && validTo < DateTime.UtcNow
                ? "Срок действия токена истёк; получите новый"
                : "Токен недействителен";
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException)
        {
            return "Токен недействителен"; // three dot-separated parts that are no JWT (a.b.c): the reader throws
        }
    }

    private static bool TryDate(string? value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
