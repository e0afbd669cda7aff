using System.Net;
using System.Text.Json;
using MySchool.Integration.Core.Sync;
using Polly;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>
/// Calls ЭлЖур apiv3 and reads its wrapper. Errors live in <c>response.error</c>, not in the HTTP status: an expired
/// token (state 401 over HTTP 200) means log in again; the developer-key error is configuration, never retried;
/// 5xx, time-outs and a body cut off mid-JSON are retried with jittered backoff.
/// </summary>
internal sealed class EljurClient
{
    private const string DevKeyError = "не удалось авторизовать разработчика";

    private readonly HttpClient _http;
    private readonly EljurOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly Lock _loginGate = new();
    private Task<string>? _login;

    public EljurClient(HttpClient http, EljurOptions options)
    {
        _http = http;
        _options = options;
        _pipeline = options.Retry.Build<TransientAnswerException>();
    }

    /// <summary>The <c>result</c> of a method, re-authenticating once when the token has expired.</summary>
    public async Task<JsonElement> CallAsync(string method, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(null, cancellationToken);
        var (state, error, result) = await SendAsync(method, parameters, token, cancellationToken);
        if (state == 401)
        {
            token = await TokenAsync(token, cancellationToken);
            (state, error, result) = await SendAsync(method, parameters, token, cancellationToken);
        }

        return state == 200 && error is null
            ? result
            : throw new SourceUnavailableException($"ЭлЖур, метод {method}: {error ?? $"состояние {state}"}");
    }

    /// <summary>
    /// The current token; a new login when there is none, the last one failed, or the caller's token expired.
    /// Concurrent callers share one login instead of each starting their own.
    /// </summary>
    private Task<string> TokenAsync(string? expired, CancellationToken cancellationToken)
    {
        lock (_loginGate)
        {
            var stale = _login is null || _login.IsFaulted || _login.IsCanceled || (_login.IsCompletedSuccessfully && _login.Result == expired);
            return stale ? _login = LoginAsync(cancellationToken) : _login!;
        }
    }

    private async Task<string> LoginAsync(CancellationToken cancellationToken)
    {
        var (state, error, result) = await SendAsync("auth", new Dictionary<string, string> { ["login"] = _options.Login, ["password"] = _options.Password }, null, cancellationToken);
        return state == 200 && error is null
            ? EljurJson.Text(result, "token") ?? throw new SourceUnavailableException("ЭлЖур не вернул токен")
            : throw new SourceConfigurationException($"ЭлЖур отказал во входе интеграционной учётной записи: {error}");
    }

    private async Task<(int State, string? Error, JsonElement Result)> SendAsync(string method, IReadOnlyDictionary<string, string> parameters, string? token, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, string>(parameters) { ["devkey"] = _options.DevKey, ["vendor"] = _options.Vendor, ["out_format"] = "json" };
        if (token is not null)
        {
            query["auth_token"] = token;
        }

        var uri = new Uri(_options.BaseUrl, $"{method}?{string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))}");
        try
        {
            return await SendOnceRetriedAsync(uri, cancellationToken);
        }
        catch (Exception exception) when (SourceRetryPolicy.IsExhausted<TransientAnswerException>(exception))
        {
            throw new SourceUnavailableException($"ЭлЖур недоступен ({method}) после {_options.Retry.Retries + 1} попыток: {exception.Message}", exception);
        }
    }

    private async Task<(int State, string? Error, JsonElement Result)> SendOnceRetriedAsync(Uri uri, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async ct =>
        {
            using var response = await _http.GetAsync(uri, ct);
            if ((int)response.StatusCode >= 500)
            {
                throw new TransientAnswerException($"HTTP {(int)response.StatusCode}");
            }

            // Parsing inside the retried block: a body cut off mid-JSON is a failed call, retried, never half-read.
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            var wrapper = document.RootElement.GetProperty("response");
            var state = wrapper.TryGetProperty("state", out var s) && s.TryGetInt32(out var number) ? number : (int)response.StatusCode;
            var error = EljurJson.Text(wrapper, "error");
            if (response.StatusCode == HttpStatusCode.BadRequest && error == DevKeyError)
            {
                throw new SourceConfigurationException("ЭлЖур не принял ключ разработчика (devkey): проверьте настройки региона");
            }

            return (state, error, wrapper.GetProperty("result").Clone());
        }, cancellationToken);

    private sealed class TransientAnswerException(string message) : Exception(message);
}
