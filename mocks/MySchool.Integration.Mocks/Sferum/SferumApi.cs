using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Sferum;

/// <summary>«Сферум» as sferum.md describes it: VK-style methods, errors over HTTP 200, 3 requests/s per token.</summary>
public sealed class SferumApi(IReadOnlyList<SyntheticRegion> regions, SferumOptions options, FaultBoard faults, TimeProvider time)
{
    private static readonly Dictionary<int, string> Messages = new()
    {
        [1] = "Unknown error occurred",
        [5] = "User authorization failed: invalid access_token",
        [6] = "Too many requests per second",
        [9] = "Flood control: too many similar actions",
        [10] = "Internal server error",
        [14] = "Captcha needed",
        [15] = "Access denied",
        [29] = "Rate limit reached",
        [100] = "One of the parameters specified was missing or invalid",
    };

    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int ClassId, long ChatId)> _classes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, HashSet<string>> _members = new();
    private readonly ConcurrentDictionary<int, List<JoinRequest>> _joinRequests = new();
    private readonly Lock _gate = new();
    private int _nextClassId = 77_000;
    private int _nextRequestId = 9_000;

    /// <summary>Decisions taken on join requests, for tests: request id → (decision, reason).</summary>
    public ConcurrentDictionary<int, (string Decision, string? Reason)> Decisions { get; } = new();

    /// <summary>Members of each Sferum class by external id, for tests.</summary>
    public IReadOnlyDictionary<int, HashSet<string>> Members => _members;

    public void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth/token", IssueTokenAsync);
        app.MapPost("/method/{name}", CallAsync);
    }

    /// <summary>(ours) Client credentials for the gateway's service account: how a token invalidated by error 5 is renewed.</summary>
    private async Task<IResult> IssueTokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"] != options.ClientId || form["client_secret"] != options.ClientSecret)
        {
            return Results.Json(new { error = "invalid_client", error_description = "Неверный клиент" }, statusCode: 401);
        }

        var token = Guid.NewGuid().ToString("N");
        _tokens[token] = new ConcurrentQueue<long>();
        return Results.Json(new { access_token = token, expires_in = 86_400 });
    }

    private async Task<IResult> CallAsync(HttpRequest request, string name)
    {
        var form = await request.ReadFormAsync();
        if (faults.TryFire(SferumFaults.Slow))
        {
            await Task.Delay(TimeSpan.FromSeconds(3), request.HttpContext.RequestAborted);
        }

        if (faults.TryFire(SferumFaults.BadGateway))
        {
            return Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html", statusCode: 502);
        }

        var parameters = form.Select(field => new JsonObject { ["key"] = field.Key, ["value"] = field.Key == "access_token" ? "***" : field.Value.ToString() }).ToArray();
        var token = form["access_token"].ToString();
        if (faults.TryFire(SferumFaults.TokenInvalidOnce))
        {
            _tokens.TryRemove(token, out _);
        }

        if (!_tokens.TryGetValue(token, out var calls))
        {
            return Error(5, parameters);
        }

        if (faults.TryFire(SferumFaults.TooManyRequests) || !WithinRateLimit(calls))
        {
            return Error(6, parameters);
        }

        var forced = SferumFaults.OtherCodes.FirstOrDefault(code => faults.TryFire($"error-{code}"));
        if (forced != 0)
        {
            return Error(forced, parameters);
        }

        if (form["v"].Count == 0)
        {
            return Error(100, parameters);
        }

        var result = name switch
        {
            "education.getOrganization" => GetOrganization(form["inn"]),
            "education.createClass" => CreateClass(form),
            "education.setClassMembers" => SetClassMembers(form),
            "education.getJoinRequests" => GetJoinRequests(form),
            "education.resolveJoinRequest" => ResolveJoinRequest(form),
            _ => null,
        };
        return result is null ? Error(100, parameters) : Results.Text(new JsonObject { ["response"] = result }.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>A sliding one-second window per token.</summary>
    private bool WithinRateLimit(ConcurrentQueue<long> calls)
    {
        lock (calls)
        {
            var now = time.GetTimestamp();
            while (calls.TryPeek(out var oldest) && time.GetElapsedTime(oldest, now) >= TimeSpan.FromSeconds(1))
            {
                calls.TryDequeue(out _);
            }

            if (calls.Count >= options.RequestsPerSecond)
            {
                return false;
            }

            calls.Enqueue(now);
            return true;
        }
    }

    private static IResult Error(int code, JsonObject[] parameters) => Results.Text(
        new JsonObject { ["error"] = new JsonObject { ["error_code"] = code, ["error_msg"] = Messages[code], ["request_params"] = new JsonArray(parameters) } }.ToJsonString(),
        "application/json; charset=utf-8");

    private IEnumerable<(SyntheticRegion Region, SyntheticSchool School, int OrganizationId)> Organizations() =>
        regions.SelectMany(region => region.Schools.Select(school => (region, school, 5_000 + (int.Parse(region.Spec.RegionCode, CultureInfo.InvariantCulture) * 1000) + (school.Id % 1000))));

    private JsonNode? GetOrganization(string? inn) =>
        Organizations().FirstOrDefault(o => o.School.Inn == inn) is { School: not null } org
            ? new JsonObject { ["id"] = org.OrganizationId, ["name"] = org.School.ShortName, ["inn"] = org.School.Inn }
            : null;

    private JsonNode? CreateClass(IFormCollection form)
    {
        var externalId = form["external_id"].ToString();
        if (externalId.Length == 0 || !int.TryParse(form["organization_id"], CultureInfo.InvariantCulture, out var organizationId)
            || Organizations().All(o => o.OrganizationId != organizationId) || !form["name"].ToString().Contains('«', StringComparison.Ordinal))
        {
            return null;
        }

        var (classId, chatId) = _classes.GetOrAdd(externalId, _ =>
        {
            var id = Interlocked.Increment(ref _nextClassId);
            return (id, 2_000_000_000L + id);
        });
        return new JsonObject { ["class_id"] = classId, ["chat_id"] = chatId };
    }

    private JsonNode? SetClassMembers(IFormCollection form)
    {
        if (!int.TryParse(form["class_id"], CultureInfo.InvariantCulture, out var classId) || _classes.Values.All(c => c.ClassId != classId))
        {
            return null;
        }

        JsonArray members;
        try
        {
            members = JsonNode.Parse(form["members"].ToString()) as JsonArray ?? [];
        }
        catch (JsonException)
        {
            return null;
        }

        var listed = members.Select(member => member?["external_id"]?.ToString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            var current = _members.GetOrAdd(classId, _ => []);
            var result = new JsonObject
            {
                ["invited"] = listed.Count(id => !current.Contains(id)),
                ["already"] = listed.Count(current.Contains),
                ["removed"] = current.Count(id => !listed.Contains(id)),
            };
            _members[classId] = listed;
            return result;
        }
    }

    private JsonNode? GetJoinRequests(IFormCollection form)
    {
        if (!int.TryParse(form["organization_id"], CultureInfo.InvariantCulture, out var organizationId)
            || Organizations().FirstOrDefault(o => o.OrganizationId == organizationId) is not { School: not null } org)
        {
            return null;
        }

        var offset = int.TryParse(form["offset"], CultureInfo.InvariantCulture, out var o) ? Math.Max(0, o) : 0;
        var count = int.TryParse(form["count"], CultureInfo.InvariantCulture, out var c) ? Math.Clamp(c, 1, 200) : 20;
        List<JoinRequest> pending;
        lock (_gate)
        {
            var requests = _joinRequests.GetOrAdd(organizationId, _ => [.. SeedRequests(org.Region, org.School)]);
            AddFaultRequests(org.Region, org.School, requests);
            pending = [.. requests.Where(request => !Decisions.ContainsKey(request.Id))];
        }

        return new JsonObject
        {
            ["count"] = pending.Count,
            ["items"] = new JsonArray([.. pending.Skip(offset).Take(count).Select(request => (JsonNode)request.ToJson())]),
        };
    }

    private JsonNode? ResolveJoinRequest(IFormCollection form)
    {
        var decision = form["decision"].ToString();
        if (!int.TryParse(form["request_id"], CultureInfo.InvariantCulture, out var requestId) || decision is not ("approve" or "reject")
            || !_joinRequests.Values.Any(list => list.Any(request => request.Id == requestId)) || !Decisions.TryAdd(requestId, (decision, form["reason"].ToString())))
        {
            return null;
        }

        return JsonValue.Create(1);
    }

    /// <summary>Every school starts with requests from two of its own students: each matches one registry person.</summary>
    private IEnumerable<JoinRequest> SeedRequests(SyntheticRegion region, SyntheticSchool school) =>
        region.Classes.Where(c => c.SchoolId == school.Id).OrderBy(c => c.Id).Take(2)
            .Select(c => region.StudentsOf(c.Id).First())
            .Select(student => NewRequest(region, student.Name, student.BirthDate, student.ClassId));

    private void AddFaultRequests(SyntheticRegion region, SyntheticSchool school, List<JoinRequest> requests)
    {
        var schoolClass = region.Classes.Where(c => c.SchoolId == school.Id).OrderBy(c => c.Id).First();
        if (faults.TryFire(SferumFaults.RequestNotInRegistry))
        {
            requests.Add(NewRequest(region, new PersonName("Незнакомов", "Аноним", "Иванович", Sex.Male), new DateOnly(2009, 1, 1), schoolClass.Id));
        }

        if (faults.TryFire(SferumFaults.RequestMatchesTwo))
        {
            // The registry gets a twin (same names, birth date and class), so the request matches two people.
            var original = region.StudentsOf(schoolClass.Id).Last();
            region.AddTwinOf(original.Id);
            requests.Add(NewRequest(region, original.Name, original.BirthDate, original.ClassId));
        }
    }

    private JoinRequest NewRequest(SyntheticRegion region, PersonName name, DateOnly birthDate, int classId)
    {
        var id = Interlocked.Increment(ref _nextRequestId);
        var schoolClass = region.Class(classId)!;
        return new JoinRequest(id, 100_000 + id, $"{schoolClass.Grade} «{schoolClass.Letter}»", name, birthDate, region.Now.AddHours(-id % 48).ToUnixTimeSeconds());
    }

    private sealed record JoinRequest(int Id, long VkId, string ClassName, PersonName Name, DateOnly BirthDate, long Created)
    {
        public JsonObject ToJson() => new()
        {
            ["request_id"] = Id,
            ["vk_id"] = VkId,
            ["role"] = "student",
            ["class_name"] = ClassName,
            ["last_name"] = Name.LastName,
            ["first_name"] = Name.FirstName,
            ["middle_name"] = Name.MiddleName,
            ["birth_date"] = BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["created"] = Created,
        };
    }
}
