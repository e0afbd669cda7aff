using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Rk;

/// <summary>The four-step login of rk-netschool.md, both login forms, the security warning and logout.</summary>
internal sealed class NetSchoolLogin(SyntheticRegion region, NetSchoolOptions options, FaultBoard faults, NetSchoolSessions sessions)
{
    private const string SecurityWarningPath = "/asp/SecurityWarning.asp";

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/webapi/logindata", (HttpContext context) =>
        {
            var session = sessions.Open();
            context.Response.Cookies.Append(NetSchoolSessions.SessionCookie, session.Id);
            return Results.Json(new { productName = "Сетевой Город. Образование", version = "5.31.0" });
        });
        app.MapGet("/webapi/prepareloginform", () => Results.Json(new
        {
            cid = 2,
            sid = 11,
            pid = -1,
            cn = 1,
            sft = 2,
            scid = region.Schools[0].Id,
            schools = region.Schools.Select(school => new { id = school.Id, name = school.ShortName }),
        }));
        app.MapPost("/webapi/auth/getdata", (HttpContext context) =>
        {
            if (sessions.Find(context.Request.Cookies[NetSchoolSessions.SessionCookie]) is not { } session)
            {
                return Results.Json(new { message = "Сессия не найдена" }, statusCode: 400);
            }

            (session.Lt, session.Ver, session.Salt) = (sessions.NextNumber(), sessions.NextNumber(), sessions.NextNumber());
            return Results.Json(new { lt = session.Lt, ver = session.Ver, salt = session.Salt });
        });
        // Cast to Delegate: a bare HttpContext lambda would bind as a RequestDelegate and drop the IResult.
        app.MapPost("/webapi/login", (Delegate)((HttpContext context) => LoginAsync(context, "UN", "LoginType")));
        app.MapPost("/webapi/auth/login", (Delegate)((HttpContext context) => LoginAsync(context, "un", "loginType")));
        app.MapPost(SecurityWarningPath, async (HttpContext context) =>
        {
            // The contract: every call after login carries the session's `at` header and both cookies, this one too.
            if (sessions.Authenticate(context.Request) is not { } session)
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            var form = await context.Request.ReadFormAsync();
            if (form["WarnType"] == "2")
            {
                session.WarningPending = false;
            }

            return Results.Content("<html><body>OK</body></html>", "text/html");
        });
        app.MapPost("/webapi/auth/logout", (HttpContext context) =>
        {
            if (sessions.Authenticate(context.Request) is { } session)
            {
                sessions.End(session);
            }

            return Results.Ok();
        });
    }

    private async Task<IResult> LoginAsync(HttpContext context, string userField, string typeField)
    {
        var form = await context.Request.ReadFormAsync();
        var session = sessions.Find(context.Request.Cookies[NetSchoolSessions.SessionCookie]);
        if (session is null || string.IsNullOrEmpty(context.Request.Headers.Referer) || form["lt"] != session.Lt || form["ver"] != session.Ver)
        {
            return Results.Json(new { message = "Неверный запрос входа: нет сессии, Referer или устаревшие lt/ver" }, statusCode: 400);
        }

        var expected = NetSchoolPassword.Pw2(session.Salt, options.Password);
        if (form[userField] != options.UserName || form[typeField] != "2" || form["pw2"] != expected || faults.TryFire(NetSchoolFaults.WrongPassword))
        {
            return Results.Json(new { message = "Неправильный пароль" }, statusCode: 409);
        }

        session.At = $"{sessions.NextNumber()}{sessions.NextNumber()}{sessions.NextNumber()}"[..26];
        session.Esrn = Guid.NewGuid().ToString("N");
        session.WarningPending = faults.TryFire(NetSchoolFaults.SecurityWarning);
        if (faults.TryFire(NetSchoolFaults.EmptyDuplicateCookie))
        {
            context.Response.Headers.Append("Set-Cookie", $"{NetSchoolSessions.AuthCookie}=; path=/");
        }

        context.Response.Headers.Append("Set-Cookie", $"{NetSchoolSessions.AuthCookie}={session.Esrn}; path=/; HttpOnly");
        var school = region.Schools[0];
        return Results.Json(new
        {
            at = session.At,
            timeOut = options.TimeOutMs,
            accountInfo = new
            {
                currentOrganization = new { id = school.Id, name = school.ShortName },
                user = new { id = 70111, name = "Управление образования" },
                userRoles = new { },
                organizations = region.Schools.Select(s => new { id = s.Id, name = s.ShortName }),
                active = true,
                canLogin = true,
                accessToken = session.At,
            },
            tokenType = "Bearer",
            entryPoint = session.WarningPending ? SecurityWarningPath : "/angular/school/main/",
            requestData = new { warnType = "1" },
        });
    }
}
