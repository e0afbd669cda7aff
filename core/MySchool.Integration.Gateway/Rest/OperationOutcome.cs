namespace MySchool.Integration.Gateway.Rest;

/// <summary>
/// FHIR-style errors of the federal REST API (contracts/federal-schedule.md): one issue with a code a program
/// acts on and a text for people. Codes map to statuses one to one.
/// </summary>
public static class OperationOutcome
{
    public static IResult NotFound(string text) => Result(StatusCodes.Status404NotFound, "not-found", text);

    public static IResult Structure(string text) => Result(StatusCodes.Status400BadRequest, "structure", text);

    /// <summary>Any token problem (missing, invalid, expired): the client's remedy is the same, a new token.</summary>
    public static IResult Expired(string text) => Result(StatusCodes.Status401Unauthorized, "expired", text);

    public static IResult Forbidden(string text) => Result(StatusCodes.Status403Forbidden, "forbidden", text);

    /// <summary>Too many calls of one client; Retry-After says when to come back.</summary>
    public static IResult Throttled(string text) => Result(StatusCodes.Status429TooManyRequests, "throttled", text);

    private static IResult Result(int status, string code, string text) => Results.Json(
        new { resourceType = "OperationOutcome", issue = new[] { new { severity = "error", code, details = new { text } } } },
        statusCode: status,
        contentType: "application/fhir+json; charset=utf-8");
}
