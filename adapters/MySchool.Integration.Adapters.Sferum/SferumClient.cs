using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySchool.Integration.Core.Communities;

namespace MySchool.Integration.Adapters.Sferum;

/// <summary>
/// «Сферум» over its VK-style API. Errors come over HTTP 200 as <c>{"error":{"error_code":…}}</c> and are handled
/// as the contract says: 6 (too many requests) backs off and retries; 5 (token invalid) gets a new token; 1 and 10
/// and HTTP 5xx retry a few times; 9 and 29 stop until later; 14 (captcha) needs an operator; 15 and 100 are never
/// retried. The client also keeps itself under the 3 requests a second the platform allows.
/// </summary>
public sealed class SferumClient(HttpClient http, SferumOptions options, TimeProvider time) : ICommunityPlatform, IDisposable
{
    private const string Version = "5.199";
    private const int MaxAttempts = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<long> _recentCalls = new();
    private string? _token;

    public string Name => "sferum";

    public void Dispose() => _gate.Dispose();

    public async Task<string?> FindOrganizationAsync(string inn, CancellationToken cancellationToken)
    {
        try
        {
            var organization = await CallAsync("education.getOrganization", new() { ["inn"] = inn }, cancellationToken);
            return organization["id"]!.ToString();
        }
        catch (CommunityPlatformException error) when (error.Code == 100)
        {
            return null; // an INN the platform does not know
        }
    }

    public async Task<CommunityClass> EnsureClassAsync(string organizationId, Guid classId, string name, string year, CancellationToken cancellationToken)
    {
        var created = await CallAsync("education.createClass", new()
        {
            ["organization_id"] = organizationId,
            ["name"] = name,
            ["year"] = year,
            ["external_id"] = classId.ToString(),
        }, cancellationToken);
        return new CommunityClass(created["class_id"]!.ToString(), created["chat_id"]?.ToString());
    }

    public async Task<MemberChanges> SetMembersAsync(string platformClassId, IReadOnlyList<CommunityMember> members, CancellationToken cancellationToken)
    {
        var list = members.Select(member => new
        {
            external_id = member.PersonId.ToString(),
            role = member.Role,
            last_name = member.LastName,
            first_name = member.FirstName,
            middle_name = member.MiddleName,
            birth_date = member.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        var changes = await CallAsync("education.setClassMembers", new() { ["class_id"] = platformClassId, ["members"] = JsonSerializer.Serialize(list) }, cancellationToken);
        return new MemberChanges(changes["invited"]!.GetValue<int>(), changes["already"]!.GetValue<int>(), changes["removed"]!.GetValue<int>());
    }

    public async Task<IReadOnlyList<PlatformJoinRequest>> JoinRequestsAsync(string organizationId, CancellationToken cancellationToken)
    {
        var requests = new List<PlatformJoinRequest>();
        for (var offset = 0; ; offset += 200)
        {
            var page = await CallAsync("education.getJoinRequests", new()
            {
                ["organization_id"] = organizationId,
                ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
                ["count"] = "200",
            }, cancellationToken);
            var items = page["items"]!.AsArray();
            requests.AddRange(items.Select(item => new PlatformJoinRequest(
                item!["request_id"]!.ToString(),
                item["vk_id"]?.ToString(),
                item["role"]?.GetValue<string>() ?? "student",
                item["class_name"]!.GetValue<string>(),
                item["last_name"]!.GetValue<string>(),
                item["first_name"]!.GetValue<string>(),
                item["middle_name"]?.GetValue<string>(),
                DateOnly.TryParseExact(item["birth_date"]?.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born) ? born : null)));
            if (items.Count < 200 || offset + items.Count >= page["count"]!.GetValue<int>())
            {
                return requests;
            }
        }
    }

    public Task ResolveJoinRequestAsync(string requestId, bool approve, string reason, CancellationToken cancellationToken) =>
        CallAsync("education.resolveJoinRequest", new() { ["request_id"] = requestId, ["decision"] = approve ? "approve" : "reject", ["reason"] = reason }, cancellationToken);

    private async Task<JsonNode> CallAsync(string method, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await PaceAsync(cancellationToken);
            fields["access_token"] = _token ??= await TokenAsync(cancellationToken);
            fields["v"] = Version;
            using var response = await http.PostAsync(new Uri(options.BaseUrl!, $"method/{method}"), new FormUrlEncodedContent(fields), cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                if (attempt < MaxAttempts)
                {
                    await DelayAsync(attempt, cancellationToken);
                    continue;
                }

                throw new CommunityPlatformException(PlatformFailure.Later, (int)response.StatusCode, $"«Сферум» недоступен (HTTP {(int)response.StatusCode}); повторим позже");
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            if (body["error"] is not { } error)
            {
                return body["response"]!;
            }

            var code = error["error_code"]!.GetValue<int>();
            var message = error["error_msg"]?.GetValue<string>() ?? "";
            switch (code)
            {
                case 5 when attempt < MaxAttempts:
                    _token = null; // invalidated: the next attempt gets a new one
                    continue;
                case 6 or 1 or 10 when attempt < MaxAttempts:
                    await DelayAsync(attempt, cancellationToken);
                    continue;
                case 14:
                    throw new CommunityPlatformException(PlatformFailure.Operator, code, $"«Сферум» требует ввести капчу ({method}): нужен оператор");
                case 15 or 100:
                    throw new CommunityPlatformException(PlatformFailure.Refused, code, $"«Сферум» отказал ({method}): {message}");
                default:
                    // 9 (flood control), 29 (the day's limit) and retries used up: later, not now.
                    throw new CommunityPlatformException(PlatformFailure.Later, code, $"«Сферум» просит повторить позже ({method}, ошибка {code}): {message}");
            }
        }
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(options.BaseUrl!, "oauth/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId,
            ["client_secret"] = options.ClientSecret,
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommunityPlatformException(PlatformFailure.Refused, (int)response.StatusCode, "«Сферум» не принял учётную запись шлюза: проверьте Sferum:ClientId и ClientSecret");
        }

        return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["access_token"]!.GetValue<string>();
    }

    /// <summary>At most <see cref="SferumOptions.RequestsPerSecond"/> calls in any second, counted by this client.</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetTimestamp();
                while (_recentCalls.Count > 0 && time.GetElapsedTime(_recentCalls.Peek(), now) >= TimeSpan.FromSeconds(1))
                {
                    _recentCalls.Dequeue();
                }

                if (_recentCalls.Count < options.RequestsPerSecond)
                {
                    _recentCalls.Enqueue(now);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1) - time.GetElapsedTime(_recentCalls.Peek(), now) + TimeSpan.FromMilliseconds(10), time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task DelayAsync(int attempt, CancellationToken cancellationToken) => Task.Delay(options.Backoff * Math.Pow(2, attempt - 1), time, cancellationToken);
}
