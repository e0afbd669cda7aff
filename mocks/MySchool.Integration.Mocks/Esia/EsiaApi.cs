using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Esia;

/// <summary>ЕСИА as esia.md describes it: the code flow with a consent page, the token endpoint, /rs/prns; (ours) client-credentials tokens and SNILS search.</summary>
public sealed class EsiaApi(EsiaDirectory directory, EsiaOptions options, FaultBoard faults, EsiaTokens tokens, TimeProvider time)
{
    private const string Issuer = "http://esia.gosuslugi.ru/";

    private static readonly string[] AuthorizeParameters = ["client_id", "client_secret", "redirect_uri", "scope", "response_type", "state", "timestamp"];
    private static readonly string[] TokenParameters = ["client_id", "grant_type", "state", "redirect_uri", "scope", "timestamp", "token_type"];
    private static readonly string[] ConsentCarries = ["client_id", "redirect_uri", "scope", "state"];

    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refreshTokens = new(StringComparer.Ordinal);

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/aas/oauth2/v2/ac", Authorize);
        app.MapPost("/aas/oauth2/v2/ac/consent", ConsentAsync);
        app.MapPost("/aas/oauth2/v3/te", TokenAsync);
        app.MapGet("/aas/oauth2/jwks", () => Results.Text(tokens.Jwks().ToJsonString(), "application/json"));
        app.MapGet("/idp/ext/Logout", (string? redirect_url) => redirect_url is null ? Results.Ok() : Results.Redirect(redirect_url));
        var rs = app.MapGroup("/rs").AddEndpointFilter(GuardAsync);
        rs.MapGet("/prns", (string? snils) => FindBySnils(snils));
        rs.MapGet("/prns/{oid:long}", (long oid, string? embed) => WithPerson(oid, person => PersonJson(person, embed)));
        rs.MapGet("/prns/{oid:long}/ctts", (long oid, string? embed) => WithPerson(oid, person => Collection(
            [ContactJson(person)], embed is not null, $"/rs/prns/{oid}/ctts/{ContactId(person)}")));
        rs.MapGet("/prns/{oid:long}/ctts/{id:long}", (long oid, long id) => WithPerson(oid, person => id == ContactId(person) ? ContactJson(person) : null));
        rs.MapGet("/prns/{oid:long}/kids", (long oid, string? embed) => WithPerson(oid, person => Collection(
            [.. person.Kids.Select((kid, index) => KidJson(kid, index == 0 && faults.TryFire(EsiaFaults.KidWithoutAccount)))],
            embed is not null,
            [.. person.Kids.Select(kid => $"/rs/prns/{oid}/kids/{kid.Id}")])));
    }

    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        var missing = AuthorizeParameters.FirstOrDefault(name => string.IsNullOrEmpty(query[name]));
        if (missing is not null)
        {
            return ErrorPage($"ESIA-007014: Отсутствует обязательный параметр {missing}");
        }

        var redirect = query["redirect_uri"].ToString();
        if (query["client_id"] != options.ClientId || !options.AllowedRedirectPrefixes.Any(prefix => redirect.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return ErrorPage("ESIA-007023: Недопустимый адрес перенаправления");
        }

        if (!FreshTimestamp(query["timestamp"]))
        {
            return Results.Redirect(Redirect(redirect, ("error", "invalid_request"), ("error_description", "ESIA-007015: Неверное время запроса"), ("state", query["state"]!)));
        }

        return Results.Content(ConsentPage(query), "text/html; charset=utf-8");
    }

    private string ConsentPage(IQueryCollection query)
    {
        var page = new StringBuilder("<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>Госуслуги — вход</title></head><body>");
        page.Append("<h1>Предоставление прав доступа</h1><p>Система «МоЯ школа. Интеграция» запрашивает: ")
            .Append(WebUtility.HtmlEncode(query["scope"])).Append("</p><p>Выберите тестового пользователя:</p><ul>");
        foreach (var person in TestPeople())
        {
            page.Append("<li><form method=\"post\" action=\"/aas/oauth2/v2/ac/consent\">");
            foreach (var name in ConsentCarries)
            {
                page.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(query[name])}\">");
            }

            page.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"oid\" value=\"{person.Oid}\">")
                .Append(CultureInfo.InvariantCulture, $"<span class=\"person\" data-oid=\"{person.Oid}\">{WebUtility.HtmlEncode(person.Name.Full)} — {WebUtility.HtmlEncode(person.Role)} (oid {person.Oid})</span> ")
                .Append("<button name=\"decision\" value=\"grant\">Предоставить</button> <button name=\"decision\" value=\"deny\">Отказать</button></form></li>");
        }

        return page.Append("</ul></body></html>").ToString();
    }

    /// <summary>Operators first, then a few people of each role: enough to log in as anyone a test needs.</summary>
    private IEnumerable<EsiaPerson> TestPeople() =>
        directory.People.Where(p => p.Oid < 1_000_001_000)
            .Concat(directory.People.Where(p => p.Oid >= 1_000_001_000).GroupBy(p => p.Role).SelectMany(g => g.OrderBy(p => p.Oid).Take(5)));

    private async Task<IResult> ConsentAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var redirect = form["redirect_uri"].ToString();
        var state = form["state"].ToString();
        if (form["decision"] != "grant" || faults.TryFire(EsiaFaults.RefusedConsent))
        {
            return Results.Redirect(Redirect(redirect, ("error", "access_denied"), ("error_description", "ESIA-007004: Владелец ресурса отказал в доступе"), ("state", state)));
        }

        if (!long.TryParse(form["oid"], CultureInfo.InvariantCulture, out var oid) || directory.Find(oid) is null)
        {
            return ErrorPage("ESIA-007014: Неизвестный пользователь");
        }

        var code = Guid.NewGuid().ToString("N");
        _codes[code] = new IssuedCode(oid, form["client_id"]!, redirect, form["scope"]!, faults.TryFire(EsiaFaults.UnconfirmedAccount));
        return Results.Redirect(Redirect(redirect, ("code", code), ("state", state)));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var state = form["state"].ToString();
        IResult Error(string error, string description) =>
            Results.Json(new { error, error_description = description, state }, statusCode: StatusCodes.Status400BadRequest);

        // A system's own token (client credentials) has no redirect: nobody was sent anywhere.
        var missing = TokenParameters.FirstOrDefault(name => string.IsNullOrEmpty(form[name]) && !(name == "redirect_uri" && form["grant_type"] == "client_credentials"));
        if (missing is not null)
        {
            return Error("invalid_request", $"ESIA-007014: Отсутствует обязательный параметр {missing}");
        }

        if (string.IsNullOrEmpty(form["client_secret"]) || form["client_id"] != options.ClientId)
        {
            return Error("invalid_client", "ESIA-007053: Неверная подпись клиента");
        }

        if (faults.TryFire(EsiaFaults.StaleTimestamp) || !FreshTimestamp(form["timestamp"]))
        {
            return Error("invalid_request", "ESIA-007015: Неверное время запроса");
        }

        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                if (faults.TryFire(EsiaFaults.ReusedCode) || !_codes.TryRemove(form["code"].ToString(), out var issued))
                {
                    return Error("invalid_grant", "ESIA-007011: Код авторизации недействителен или уже использован");
                }

                return issued.RedirectUri != form["redirect_uri"]
                    ? Error("invalid_request", "ESIA-007023: Адрес перенаправления не совпадает")
                    : Results.Json(Tokens(issued.Oid, issued.Scope, state, unconfirmed: issued.Unconfirmed));
            case "refresh_token":
                return _refreshTokens.TryRemove(form["refresh_token"].ToString(), out var oid)
                    ? Results.Json(Tokens(oid, form["scope"]!, state, unconfirmed: false))
                    : Error("invalid_grant", "ESIA-007011: Маркер обновления недействителен");
            case "client_credentials":
                return Results.Json(SystemToken(form["scope"]!, state));
            default:
                return Error("unsupported_grant_type", "ESIA-007014: Неподдерживаемый тип запроса");
        }
    }

    private object Tokens(long oid, string scope, string state, bool unconfirmed)
    {
        var person = directory.Find(oid)!;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var subject = new JsonObject
        {
            ["urn:esia:sbj:typ"] = "P",
            ["urn:esia:sbj:nam"] = $"OID.{oid}",
            ["urn:esia:sbj:oid"] = oid,
        };
        // An unconfirmed account has no is_tru claim at all (not false): that is how ESIA says it.
        if (person.Trusted && !unconfirmed)
        {
            subject["urn:esia:sbj:is_tru"] = true;
        }

        var idToken = tokens.Issue(new JsonObject
        {
            ["aud"] = options.ClientId,
            ["sub"] = oid,
            ["iss"] = Issuer,
            ["amr"] = "PWD",
            ["urn:esia:amd"] = "PWD",
            ["auth_time"] = now,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + options.AccessTokenSeconds,
            ["urn:esia:sid"] = Guid.NewGuid().ToString(),
            ["urn:esia:sbj"] = subject,
        });
        var accessToken = tokens.Issue(new JsonObject
        {
            ["urn:esia:sbj_id"] = oid,
            ["iss"] = Issuer,
            ["client_id"] = options.ClientId,
            ["scope"] = scope,
            ["iat"] = now,
            ["exp"] = now + options.AccessTokenSeconds,
        });
        var refreshToken = Guid.NewGuid().ToString("N");
        _refreshTokens[refreshToken] = oid;
        return new { access_token = accessToken, refresh_token = refreshToken, id_token = idToken, state, token_type = "Bearer", expires_in = options.AccessTokenSeconds };
    }

    /// <summary>(ours, by analogy with ESIA's system-client tokens) The client's own access token: no person, no id_token, no refresh.</summary>
    private object SystemToken(string scope, string state)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var accessToken = tokens.Issue(new JsonObject
        {
            ["iss"] = Issuer,
            ["client_id"] = options.ClientId,
            ["scope"] = scope,
            ["iat"] = now,
            ["exp"] = now + options.AccessTokenSeconds,
        });
        return new { access_token = accessToken, state, token_type = "Bearer", expires_in = options.AccessTokenSeconds };
    }

    /// <summary>Every /rs call: a valid, unexpired bearer token, whose scope covers the person's data.</summary>
    private async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (faults.TryFire(EsiaFaults.Slow))
        {
            await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
        }

        var header = http.Request.Headers.Authorization.ToString();
        var claims = header.StartsWith("Bearer ", StringComparison.Ordinal) ? tokens.Read(header["Bearer ".Length..]) : null;
        var expired = claims?["exp"]?.GetValue<long>() is not { } exp || exp < time.GetUtcNow().ToUnixTimeSeconds();
        if (claims is null || expired || faults.TryFire(EsiaFaults.ExpiredAccessToken))
        {
            return Results.Json(new { code = "ESIA-005011", message = "SecurityErrorEnum.invalidToken" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!(claims["scope"]?.GetValue<string>() ?? string.Empty).Contains("fullname", StringComparison.Ordinal))
        {
            return Results.Json(new { code = "ESIA-005009", message = "Недостаточно прав доступа к данным" }, statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    private IResult WithPerson(long oid, Func<EsiaPerson, JsonNode?> render) =>
        directory.Find(oid) is { } person && render(person) is { } json
            ? Results.Text(json.ToJsonString(), "application/json; charset=utf-8")
            : Results.Json(new { code = "ESIA-005001", message = "Объект не найден" }, statusCode: StatusCodes.Status404NotFound);

    /// <summary>(ours) Finds an account by SNILS, so registry people can be linked to their oid.</summary>
    private IResult FindBySnils(string? snils)
    {
        var digits = string.Concat((snils ?? string.Empty).Where(char.IsAsciiDigit));
        var found = digits.Length == 11 ? directory.FindBySnils(digits) : null;
        return Results.Text(Collection([], embedded: false, found is null ? [] : [$"/rs/prns/{found.Oid}"]).ToJsonString(), "application/json; charset=utf-8");
    }

    private static JsonObject PersonJson(EsiaPerson person, string? embed)
    {
        var json = new JsonObject
        {
            ["stateFacts"] = new JsonArray("EntityRoot"),
            ["firstName"] = person.Name.FirstName,
            ["lastName"] = person.Name.LastName,
            ["middleName"] = person.Name.MiddleName,
            ["birthDate"] = person.BirthDate?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            ["gender"] = person.Name.Sex == Sex.Male ? "M" : "F",
            ["trusted"] = person.Trusted,
            ["citizenship"] = "RUS",
            ["snils"] = person.Snils is null ? null : Identifiers.DashedSnils(person.Snils),
            ["status"] = "REGISTERED",
            ["eTag"] = person.Oid.ToString("X16", CultureInfo.InvariantCulture),
        };
        if (embed?.Contains("contacts", StringComparison.Ordinal) == true)
        {
            json["contacts"] = Collection([ContactJson(person)], embedded: true);
        }

        if (embed?.Contains("documents", StringComparison.Ordinal) == true)
        {
            json["documents"] = Collection([new JsonObject { ["id"] = person.Oid % 100_000, ["type"] = "RF_PASSPORT", ["vrfStu"] = "VERIFIED" }], embedded: true);
        }

        return json;
    }

    private static long ContactId(EsiaPerson person) => person.Oid % 100_000_000;

    private static JsonObject ContactJson(EsiaPerson person) =>
        new() { ["id"] = ContactId(person), ["type"] = "EML", ["vrfStu"] = "VERIFIED", ["value"] = person.Email };

    private static JsonObject KidJson(EsiaKid kid, bool forceNoAccount) => new()
    {
        ["id"] = kid.Id,
        ["firstName"] = kid.Name.FirstName,
        ["lastName"] = kid.Name.LastName,
        ["middleName"] = kid.Name.MiddleName,
        ["birthDate"] = kid.BirthDate.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        ["gender"] = kid.Name.Sex == Sex.Male ? "M" : "F",
        ["snils"] = kid.Snils is null ? null : Identifiers.DashedSnils(kid.Snils),
        ["hasAccount"] = kid.Oid is not null && !forceNoAccount,
    };

    /// <summary>ESIA's collections: elements inline when embedded, otherwise each element's URL.</summary>
    private static JsonObject Collection(JsonNode[] elements, bool embedded, params string[] urls) => new()
    {
        ["stateFacts"] = new JsonArray("hasSize"),
        ["size"] = embedded ? elements.Length : urls.Length,
        ["elements"] = embedded ? new JsonArray(elements) : new JsonArray([.. urls.Select(url => (JsonNode)url)]),
    };

    /// <summary><c>2024.05.17 10:15:00 +0300</c>, within five minutes of the mock's clock.</summary>
    private bool FreshTimestamp(string? timestamp)
    {
        if (timestamp is not { Length: 25 }
            || !DateTime.TryParseExact(timestamp[..19], "yyyy.MM.dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || !int.TryParse(timestamp.AsSpan(20, 5), CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        var at = new DateTimeOffset(local, new TimeSpan(offset / 100, offset % 100, 0));
        return (time.GetUtcNow() - at).Duration() <= TimeSpan.FromMinutes(5);
    }

    private static string Redirect(string redirectUri, params (string Name, string Value)[] parameters) =>
        redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?")
        + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    private static IResult ErrorPage(string message) =>
        Results.Content($"<!DOCTYPE html><html lang=\"ru\"><body><h1>Ошибка</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>", "text/html; charset=utf-8", statusCode: 400);


    private sealed record IssuedCode(long Oid, string ClientId, string RedirectUri, string Scope, bool Unconfirmed);
}
