using System.Globalization;
using System.Net;
using System.Text.Json;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Adapters.Esia;

/// <summary>
/// ESIA's people API (esia.md): a person and their children read with that person's token, and accounts found by
/// SNILS with the gateway's own token (client credentials), renewed before it expires and once on a 401.
/// </summary>
public sealed class EsiaDirectory(HttpClient http, EsiaOptions options, IEsiaClientSecret secret, TimeProvider time) : IIdentityDirectory, IDisposable
{
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private (string Token, DateTimeOffset Until)? _systemToken;

    public async Task<long?> FindBySnilsAsync(Snils snils, CancellationToken cancellationToken)
    {
        using var found = await SystemGetAsync($"rs/prns?snils={Uri.EscapeDataString(snils.Formatted)}", cancellationToken);
        // (ours) elements are the accounts' URLs, …/rs/prns/{oid}: the last segment is the oid.
        var url = found.RootElement.GetProperty("elements").EnumerateArray().Select(element => element.GetString()).FirstOrDefault();
        return url is null ? null : long.Parse(url[(url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }

    public async Task<AccountHolder> HolderAsync(string accessToken, long oid, CancellationToken cancellationToken)
    {
        // Contacts inlined: one call instead of one per contact.
        using var person = await GetAsync($"rs/prns/{oid}?embed=(contacts.elements-1)", accessToken, cancellationToken);
        var root = person.RootElement;
        return new AccountHolder(oid, Text(root, "lastName") ?? string.Empty, Text(root, "firstName") ?? string.Empty, Text(root, "middleName"),
            Date(root), SnilsOf(root), root.TryGetProperty("trusted", out var trusted) && trusted.ValueKind == JsonValueKind.True, VerifiedEmail(root));
    }

    public async Task<IReadOnlyList<AccountChild>> ChildrenAsync(string accessToken, long oid, CancellationToken cancellationToken)
    {
        using var kids = await GetAsync($"rs/prns/{oid}/kids?embed=(elements)", accessToken, cancellationToken);
        return [.. kids.RootElement.GetProperty("elements").EnumerateArray().Select(kid => new AccountChild(
            kid.GetProperty("id").GetInt64(), Text(kid, "lastName") ?? string.Empty, Text(kid, "firstName") ?? string.Empty, Text(kid, "middleName"),
            Date(kid) ?? default, SnilsOf(kid), kid.TryGetProperty("hasAccount", out var has) && has.ValueKind == JsonValueKind.True))];
    }

    private async Task<JsonDocument> SystemGetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(path, await SystemTokenAsync(renew: false, cancellationToken), cancellationToken);
        }
        catch (IdentityDirectoryException expired) when (expired.TokenExpired)
        {
            return await GetAsync(path, await SystemTokenAsync(renew: true, cancellationToken), cancellationToken);
        }
    }

    private async Task<JsonDocument> GetAsync(string path, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, path));
        request.Headers.Authorization = new("Bearer", accessToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => JsonDocument.Parse(body),
                HttpStatusCode.Unauthorized => throw new IdentityDirectoryException("маркер доступа ЕСИА недействителен или истёк", tokenExpired: true),
                _ => throw new IdentityDirectoryException($"ЕСИА ответила {(int)response.StatusCode}: {ErrorCode(body)}"),
            };
        }
        catch (Exception failure) when (failure is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new IdentityDirectoryException($"ЕСИА недоступна: {failure.GetType().Name}");
        }
    }

    /// <summary>The gateway's own token: one at a time is fetched, and kept until a minute before it expires.</summary>
    private async Task<string> SystemTokenAsync(bool renew, CancellationToken cancellationToken)
    {
        await _renewal.WaitAsync(cancellationToken);
        try
        {
            if (!renew && _systemToken is { } kept && kept.Until > time.GetUtcNow())
            {
                return kept.Token;
            }

            using var request = options.TokenRequest(secret, time, "client_credentials", options.SystemScope);
            using var response = await http.PostAsync(options.TokenEndpoint, request, cancellationToken);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (!response.IsSuccessStatusCode || !body.RootElement.TryGetProperty("access_token", out var token))
            {
                throw new IdentityDirectoryException($"ЕСИА не выдала маркер системы: {Text(body.RootElement, "error_description")}");
            }

            var lifetime = TimeSpan.FromSeconds(body.RootElement.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 300);
            _systemToken = (token.GetString()!, time.GetUtcNow() + lifetime - TimeSpan.FromMinutes(1));
            return _systemToken.Value.Token;
        }
        finally
        {
            _renewal.Release();
        }
    }

    public void Dispose() => _renewal.Dispose();

    /// <summary>The first verified e-mail among the embedded contacts (<c>type</c> EML, <c>vrfStu</c> VERIFIED).</summary>
    private static string? VerifiedEmail(JsonElement person) =>
        person.TryGetProperty("contacts", out var contacts) && contacts.TryGetProperty("elements", out var elements) && elements.ValueKind == JsonValueKind.Array
            ? elements.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object && Text(c, "type") == "EML" && Text(c, "vrfStu") == "VERIFIED")
                .Select(c => Text(c, "value")).FirstOrDefault()
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>ESIA writes dates as <c>dd.MM.yyyy</c>.</summary>
    private static DateOnly? Date(JsonElement element) =>
        DateOnly.TryParseExact(Text(element, "birthDate"), "dd.MM.yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>A SNILS that fails the checksum is treated as absent: it could only link the wrong person.</summary>
    private static Snils? SnilsOf(JsonElement element) => Snils.Parse(Text(element, "snils")) is { IsValid: true } snils ? snils.Value : null;

    private static string ErrorCode(string body)
    {
        try
        {
            using var error = JsonDocument.Parse(body);
            return Text(error.RootElement, "code") ?? "без кода";
        }
        catch (JsonException)
        {
            return "без кода";
        }
    }
}
