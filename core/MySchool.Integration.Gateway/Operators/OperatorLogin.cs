using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MySchool.Integration.Adapters.Esia;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Family;
using MySchool.Integration.Gateway.Hosting;
using OpenIddict.Abstractions;

namespace MySchool.Integration.Gateway.Operators;

/// <summary>
/// People log in only through ESIA (seeds 000, 004): the authorization-code flow of contracts/esia.md. The state
/// travels in a protected, short-lived cookie and must come back unchanged; the id_token is verified; a refused
/// consent, an unconfirmed account and a person who operates nothing each get a clear page in Russian.
/// </summary>
public static class OperatorLogin
{
    public const string Scheme = "Operator";
    private const string StateCookie = ".myschool.esia-state";

    public static IEndpointRouteBuilder MapOperatorLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext context, string? returnUrl, EsiaOptions esia, IEsiaClientSecret secret, IDataProtectionProvider protection, TimeProvider time) =>
            Challenge(context, new LoginState(Guid.NewGuid().ToString(), LocalRedirects.PathOrNull(returnUrl), null), esia, secret, protection, time)).AllowAnonymous();
        // A teacher's invitation link: the same ESIA login, ending in the invitation rather than a session.
        app.MapGet("/invitations/{token}", (HttpContext context, string token, EsiaOptions esia, IEsiaClientSecret secret, IDataProtectionProvider protection, TimeProvider time) =>
            Challenge(context, new LoginState(Guid.NewGuid().ToString(), null, token), esia, secret, protection, time)).AllowAnonymous();
        // Parents and students: the same ESIA login, ending in a family session.
        app.MapGet(FamilyHosting.LoginPath, (HttpContext context, EsiaOptions esia, IEsiaClientSecret secret, IDataProtectionProvider protection, TimeProvider time) =>
            Challenge(context, new LoginState(Guid.NewGuid().ToString(), FamilyHosting.HomePath, null, Family: true), esia, secret, protection, time)).AllowAnonymous();
        app.MapGet("/login/callback", CallbackAsync).AllowAnonymous();
        app.MapGet("/logout", LogoutAsync).AllowAnonymous();
        app.MapGet("/denied", () => Page(HttpStatusCode.Forbidden, "Нет доступа", "Этот раздел вам недоступен. Обратитесь к администратору шлюза, если доступ нужен.")).AllowAnonymous();
        return app;
    }

    private static IResult Challenge(HttpContext context, LoginState login, EsiaOptions options, IEsiaClientSecret secret, IDataProtectionProvider protection, TimeProvider time)
    {
        var redirect = RedirectUri(context);
        var timestamp = EsiaOptions.Timestamp(time);
        context.Response.Cookies.Append(StateCookie, Protector(protection).Protect(JsonSerializer.Serialize(login)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromMinutes(10), Path = "/login" }); // Secure by the cookie policy (WebSecurity)
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = options.ClientId,
            ["client_secret"] = secret.Sign(options.ClientId + options.Scope + timestamp + login.State + redirect),
            ["client_certificate_hash"] = options.CertificateHash,
            ["redirect_uri"] = redirect,
            ["scope"] = options.Scope,
            ["response_type"] = "code",
            ["state"] = login.State,
            ["access_type"] = "online",
            ["timestamp"] = timestamp,
        };
        return Results.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(new Uri(options.BaseUrl, "aas/oauth2/v2/ac").ToString(), query));
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext context, EsiaOptions esia, IEsiaClientSecret secret, IEsiaTokenVerifier verifier, IDataProtectionProvider protection,
        Appointments appointments, IHttpClientFactory http, IIdentityDirectory directory, AuditLog audit, TeacherInvitations invitations, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var expected = ReadState(context, protection);
        context.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/login" });
        if (expected is null || expected.State != query["state"])
        {
            return Page(HttpStatusCode.BadRequest, "Вход не выполнен", "Ответ ЕСИА не относится к этому входу (не совпадает state). Начните вход заново.", retry: true);
        }

        if (query["error"] == "access_denied")
        {
            return Page(HttpStatusCode.Forbidden, "Вход отменён", "Вы не предоставили права доступа в ЕСИА. Без них войти нельзя.", retry: true);
        }

        if (!string.IsNullOrEmpty(query["error"]) || string.IsNullOrEmpty(query["code"]))
        {
            return Page(HttpStatusCode.BadGateway, "Вход не выполнен", $"ЕСИА ответила ошибкой: {query["error_description"]}", retry: true);
        }

        using var request = esia.TokenRequest(secret, time, "authorization_code", esia.Scope, RedirectUri(context), query["code"]);
        using var response = await http.CreateClient(nameof(OperatorLogin)).PostAsync(esia.TokenEndpoint, request, cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        if (!response.IsSuccessStatusCode || !body.RootElement.TryGetProperty("id_token", out var idToken))
        {
            var description = body.RootElement.TryGetProperty("error_description", out var error) ? error.GetString() : response.StatusCode.ToString();
            return Page(HttpStatusCode.BadGateway, "Вход не выполнен", $"ЕСИА не выдала маркер: {description}", retry: true);
        }

        if (await verifier.VerifyAsync(idToken.GetString()!, cancellationToken) is not { } identity)
        {
            return Page(HttpStatusCode.BadGateway, "Вход не выполнен", "Маркер ЕСИА не прошёл проверку подписи или срока действия.", retry: true);
        }

        if (!identity.Trusted)
        {
            return Page(HttpStatusCode.Forbidden, "Учётная запись не подтверждена",
                "Ваша учётная запись на Госуслугах не подтверждена. Подтвердите её (в центре обслуживания или онлайн) и войдите снова.");
        }

        var accessToken = body.RootElement.GetProperty("access_token").GetString()!;
        if (expected.Invitation is { } invitation)
        {
            AccountHolder holder;
            try
            {
                holder = await directory.HolderAsync(accessToken, identity.Oid, cancellationToken);
            }
            catch (IdentityDirectoryException failure)
            {
                return Page(HttpStatusCode.BadGateway, "Вход не выполнен", $"Не удалось получить ваши данные из ЕСИА ({failure.Message}). Откройте ссылку ещё раз.");
            }

            return await invitations.AcceptAsync(invitation, holder, cancellationToken) switch
            {
                InvitationOutcome.Accepted => Page(HttpStatusCode.OK, "Приглашение принято", "Ваша учётная запись ЕСИА связана с записью педагога в реестре школы."),
                InvitationOutcome.Expired => Page(HttpStatusCode.Gone, "Срок приглашения истёк", "Ссылка действует 24 часа. Попросите администратора школы отправить приглашение снова."),
                InvitationOutcome.AlreadyUsed => Page(HttpStatusCode.Conflict, "Приглашение уже использовано", "По этой ссылке уже выполнен вход. Если это были не вы, сообщите администратору школы."),
                InvitationOutcome.AccountTaken => Page(HttpStatusCode.Conflict, "Учётная запись уже связана", "Эта учётная запись ЕСИА уже связана с другим человеком в реестре. Обратитесь к администратору школы."),
                InvitationOutcome.NotTheInvitedPerson => Page(HttpStatusCode.Forbidden, "Приглашение адресовано другому человеку",
                    "СНИЛС вашей учётной записи ЕСИА не совпадает со СНИЛС приглашённого педагога. Войдите под своей учётной записью или обратитесь к администратору школы."),
                _ => Page(HttpStatusCode.NotFound, "Приглашение не найдено", "Ссылка неверна. Проверьте её или попросите администратора школы отправить приглашение снова."),
            };
        }

        if (expected.Family)
        {
            return await FamilyHosting.SignInAsync(context, identity.Oid, accessToken, directory, audit, cancellationToken);
        }

        var scope = OperatorScope.Of(await appointments.OpenAsync(identity.Oid, cancellationToken));
        if (scope.IsEmpty)
        {
            await audit.RecordAsync($"esia:{identity.Oid}", "login.refused", null, new { reason = "no role" }, cancellationToken);
            return Page(HttpStatusCode.Forbidden, "Нет доступа",
                $"Вход через ЕСИА выполнен (oid {identity.Oid}), но вы никуда не назначены: ни оператором, ни координатором, ни администратором школы. Обратитесь к тому, кто вас назначает.");
        }

        var name = await NameAsync(directory, identity.Oid, accessToken, cancellationToken);
        await appointments.RenameAsync(identity.Oid, name, cancellationToken);
        await context.SignInAsync(Scheme, Principal(identity.Oid, name, scope));
        await audit.RecordAsync($"esia:{identity.Oid}", "login", scope.Federal ? "*" : string.Join(",", scope.Regions), new { municipalities = scope.Municipalities, schools = scope.Schools }, cancellationToken);
        return Results.Redirect(expected.ReturnUrl ?? "/");
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, EsiaOptions esia, AuditLog audit, CancellationToken cancellationToken)
    {
        if (context.User.FindFirst(OpenIddictConstants.Claims.Subject) is { } subject && (await context.AuthenticateAsync(Scheme)).Succeeded)
        {
            await audit.RecordAsync(subject.Value, "logout", null, new { }, cancellationToken);
        }

        await context.SignOutAsync(Scheme);
        await context.SignOutAsync(FamilyHosting.Scheme);
        var back = PublicAddress.Of(context).ToString();
        return Results.Redirect($"{new Uri(esia.BaseUrl, "idp/ext/Logout")}?client_id={Uri.EscapeDataString(esia.ClientId)}&redirect_url={Uri.EscapeDataString(back)}");
    }

    /// <summary>The person's name as ESIA keeps it (<c>/rs/prns/{oid}</c>), for the page header; the oid when ESIA does not say.</summary>
    internal static async Task<string> NameAsync(IIdentityDirectory directory, long oid, string accessToken, CancellationToken cancellationToken)
    {
        try
        {
            return (await directory.HolderAsync(accessToken, oid, cancellationToken)).FullName;
        }
        catch (IdentityDirectoryException)
        {
            return $"oid {oid}";
        }
    }

    /// <summary>An operator's session carries the same claims a machine token does: the sync API treats both alike.</summary>
    private static ClaimsPrincipal Principal(long oid, string name, OperatorScope scope)
    {
        var identity = new ClaimsIdentity(Scheme, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, $"esia:{oid}"));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.ClientId, $"esia:{oid}"));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Name, name));
        foreach (var region in scope.Federal ? new HashSet<string> { "*" } : scope.Regions)
        {
            identity.AddClaim(new Claim(ClientAccess.RegionClaim, region));
        }

        identity.AddClaims(scope.Municipalities.Select(id => new Claim(ClientAccess.MunicipalityClaim, id.ToString())));
        identity.AddClaims(scope.Schools.Select(id => new Claim(ClientAccess.SchoolClaim, id.ToString())));

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(ExchangeScopes.SyncManage);
        return principal;
    }

    private static LoginState? ReadState(HttpContext context, IDataProtectionProvider protection)
    {
        try
        {
            return context.Request.Cookies.TryGetValue(StateCookie, out var cookie) ? JsonSerializer.Deserialize<LoginState>(Protector(protection).Unprotect(cookie)) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("esia-login-state");

    private static string RedirectUri(HttpContext context) => new Uri(PublicAddress.Of(context), "login/callback").ToString();

    internal static IResult Page(HttpStatusCode status, string title, string text, bool retry = false) =>
        Results.Content(Notice(title, text, retry), "text/html; charset=utf-8", statusCode: (int)status);

    /// <summary>A plain page that says what happened and what to do: refusals, login problems.</summary>
    internal static string Notice(string title, string text, bool retry = false) => $"""
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)}</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
        <body><main class="notice"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>{(retry ? "<p><a href=\"/login\">Войти снова</a></p>" : "<p><a href=\"/\">На главную</a> · <a href=\"/logout\">Выйти</a></p>")}</main></body></html>
        """;

    /// <summary>What a login is for: an operator's session returning to a page, accepting a teacher's invitation, or a family's session.</summary>
    private sealed record LoginState(string State, string? ReturnUrl, string? Invitation, bool Family = false);
}
