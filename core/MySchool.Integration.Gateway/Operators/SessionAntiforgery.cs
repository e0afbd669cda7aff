using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace MySchool.Integration.Gateway.Operators;

/// <summary>
/// The JSON APIs an operator drives take the dashboard's session cookie as well as a script's bearer token. A browser
/// attaches that cookie to a request another site makes it send (SameSite=Lax still lets a sibling subdomain, a
/// same-site page, post), so a request that changes something and is authenticated by the cookie alone must carry
/// the antiforgery token of a dashboard page in the <c>RequestVerificationToken</c> header. A request carrying an
/// Authorization header needs none: a browser sends that header cross-site only after a CORS preflight, and the
/// gateway approves none.
/// </summary>
public static class SessionAntiforgery
{
    /// <summary>Authorization by <paramref name="policy"/> (a session or a token), and the antiforgery check for sessions.</summary>
    public static TBuilder RequireSessionOrToken<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            if (Changes(context.Request)
                && !context.Request.Headers.ContainsKey(HeaderNames.Authorization)
                && context.User.Identities.Any(identity => identity.IsAuthenticated && identity.AuthenticationType == OperatorLogin.Scheme)
                && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                return Results.Problem(
                    detail: "Запрос из сессии оператора без действующего токена защиты от подделки (заголовок RequestVerificationToken со страницы панели): ничего не сделано",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Запрос отклонён",
                    extensions: new Dictionary<string, object?> { ["code"] = "antiforgery" });
            }

            return await next(invocation);
        });

    private static bool Changes(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
}
