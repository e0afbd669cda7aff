using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MySchool.Integration.Core.Sync;
using Polly;

namespace MySchool.Integration.Adapters.Rk;

/// <summary>
/// A NetSchool session: the four-step login (pw2 over the windows-1251 password), the <c>at</c> header and both
/// cookies, the security-warning page acknowledged once, a new login when the idle session is gone (HTTP 401),
/// <c>Retry-After</c> honoured on HTTP 429, 5xx and time-outs retried. A wrong password (HTTP 409) is configuration.
/// </summary>
internal sealed class NetSchoolClient : IDisposable
{
    private const string AuthCookie = "ESRNSec";

    private readonly NetSchoolOptions _options;
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private string? _at;

    static NetSchoolClient() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public NetSchoolClient(NetSchoolOptions options)
    {
        _options = options;
        // A session's cookies are its own: one handler per client, never shared through a pool.
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = options.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        // A 429's Retry-After is the server's word on when to come back.
        _pipeline = options.Retry.Build<RetryLaterException>(exception => exception is RetryLaterException { After: { } after } ? Min(after, options.LongestRetryAfter) : null);
    }

    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct =>
            {
                var at = await SessionAsync(null, ct);
                var (status, result) = await SendAsync(path, at, ct);
                if (status == HttpStatusCode.Unauthorized)
                {
                    // The idle session is gone: log in again and repeat the call once.
                    (status, result) = await SendAsync(path, await SessionAsync(at, ct), ct);
                }

                return status == HttpStatusCode.OK ? result : throw new SourceUnavailableException($"«Сетевой город», {path}: HTTP {(int)status}");
            }, cancellationToken);
        }
        catch (Exception exception) when (SourceRetryPolicy.IsExhausted<RetryLaterException>(exception))
        {
            throw new SourceUnavailableException($"«Сетевой город» недоступен ({path}) после {_options.Retry.Retries + 1} попыток: {exception.Message}", exception);
        }
    }

    /// <summary>Ends the session on the server (best effort: a session left behind times out by itself).</summary>
    public async Task LogoutAsync()
    {
        if (_at is null)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "webapi/auth/logout");
        request.Headers.Add("at", _at);
        try
        {
            using var cancel = new CancellationTokenSource(_options.Retry.AttemptTimeout);
            (await _http.SendAsync(request, cancel.Token)).Dispose();
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // Nothing to do: the server forgets an idle session after its time-out.
        }

        _at = null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _loginGate.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Result)> SendAsync(string path, string at, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"webapi/{path}");
        request.Headers.Add("at", at);
        using var response = await _http.SendAsync(request, cancellationToken);
        ThrowIfTransient(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, default);
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.TrimStart().StartsWith('<'))
        {
            // The security-warning page stands in for every answer until it is acknowledged.
            await AcknowledgeSecurityWarningAsync(at, cancellationToken);
            throw new RetryLaterException("предупреждение о безопасности", TimeSpan.Zero);
        }

        using var document = JsonDocument.Parse(text);
        return (HttpStatusCode.OK, document.RootElement.Clone());
    }

    private async Task<string> SessionAsync(string? expired, CancellationToken cancellationToken)
    {
        await _loginGate.WaitAsync(cancellationToken);
        try
        {
            if (_at is not null && _at != expired)
            {
                return _at;
            }

            return _at = await LoginAsync(cancellationToken);
        }
        finally
        {
            _loginGate.Release();
        }
    }

    private async Task<string> LoginAsync(CancellationToken cancellationToken)
    {
        (await _http.GetAsync("webapi/logindata", cancellationToken)).Dispose();
        var form = await JsonAsync(await _http.GetAsync("webapi/prepareloginform", cancellationToken), cancellationToken);
        var challenge = await JsonAsync(await _http.PostAsync("webapi/auth/getdata", null, cancellationToken), cancellationToken);
        var pw2 = Pw2(Text(challenge, "salt"), _options.Password);
        var fields = new Dictionary<string, string>
        {
            ["LoginType"] = "2",
            ["cid"] = Text(form, "cid"),
            ["sid"] = Text(form, "sid"),
            ["pid"] = Text(form, "pid"),
            ["cn"] = Text(form, "cn"),
            ["sft"] = Text(form, "sft"),
            ["scid"] = Text(form, "scid"),
            ["UN"] = _options.UserName,
            ["lt"] = Text(challenge, "lt"),
            ["ver"] = Text(challenge, "ver"),
            ["pw2"] = pw2,
            ["PW"] = pw2[..Math.Min(_options.Password.Length, pw2.Length)],
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "webapi/login") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Referrer = _options.BaseUrl;
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new SourceConfigurationException("«Сетевой город» не принял пароль учётной записи органа управления образованием (HTTP 409): проверьте настройки региона");
        }

        ThrowIfTransient(response);
        KeepLastNonEmptyAuthCookie(response);
        var answer = await JsonAsync(response, cancellationToken, dispose: false);
        var at = Text(answer, "at");
        if (Text(answer, "entryPoint").Contains("SecurityWarning", StringComparison.OrdinalIgnoreCase))
        {
            await AcknowledgeSecurityWarningAsync(at, cancellationToken);
        }

        return at;
    }

    /// <summary>Like every call after login, the acknowledgement carries the session's <c>at</c> header (and the cookies).</summary>
    private async Task AcknowledgeSecurityWarningAsync(string at, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "asp/SecurityWarning.asp")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["WarnType"] = "2" }),
        };
        request.Headers.Add("at", at);
        using var response = await _http.SendAsync(request, cancellationToken);
        ThrowIfTransient(response);
    }

    /// <summary>A login may set an empty <c>ESRNSec=</c> beside the real one: the last non-empty value is the session's.</summary>
    private void KeepLastNonEmptyAuthCookie(HttpResponseMessage response)
    {
        var value = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).Where(c => c.StartsWith(AuthCookie + "=", StringComparison.Ordinal))
                .Select(c => c[(AuthCookie.Length + 1)..]).LastOrDefault(v => v.Length > 0)
            : null;
        if (value is not null)
        {
            _cookies.Add(_options.BaseUrl, new Cookie(AuthCookie, value, "/"));
        }
    }

    private static void ThrowIfTransient(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new RetryLaterException("HTTP 429", response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new RetryLaterException($"HTTP {(int)response.StatusCode}", null);
        }
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, CancellationToken cancellationToken, bool dispose = true)
    {
        try
        {
            ThrowIfTransient(response);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.Clone();
        }
        finally
        {
            if (dispose)
            {
                response.Dispose();
            }
        }
    }

    private static string Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) ? (value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : string.Empty;

    /// <summary><c>md5hex(salt + md5hex(password in windows-1251))</c>: NetSchool's own scheme, not a choice of ours.</summary>
#pragma warning disable CA5351
    private static string Pw2(string salt, string password)
    {
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.GetEncoding(1251).GetBytes(password)));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(salt + inner)));
    }
#pragma warning restore CA5351

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class RetryLaterException(string message, TimeSpan? after) : Exception(message)
    {
        public TimeSpan? After { get; } = after;
    }
}
