namespace MySchool.Integration.Adapters.Esia;

/// <summary>The gateway's registration at ESIA (configuration section <c>Esia</c>).</summary>
public sealed class EsiaOptions
{
    public Uri BaseUrl { get; init; } = new("https://esia.gosuslugi.ru/");

    public string ClientId { get; init; } = "MYSCHOOL-GW";

    /// <summary>The <c>iss</c> of ESIA's tokens.</summary>
    public string Issuer { get; init; } = "http://esia.gosuslugi.ru/";

    /// <summary>What a person's login asks for: who they are, their birth date and SNILS (the data linking needs).</summary>
    public string Scope { get; init; } = "openid fullname birthdate snils";

    /// <summary>What the gateway's own token (client credentials) asks for: finding accounts by SNILS.</summary>
    public string SystemScope { get; init; } = "fullname snils";

    /// <summary>Hash of the gateway's certificate, sent with both calls (real ESIA checks it against the registration).</summary>
    public string CertificateHash { get; init; } = "";

    /// <summary>
    /// A call to the token endpoint (<c>/aas/oauth2/v3/te</c>) with a fresh state and timestamp; the client secret signs
    /// client_id + scope + timestamp + state + redirect_uri + code, those the grant has.
    /// </summary>
    public FormUrlEncodedContent TokenRequest(IEsiaClientSecret secret, TimeProvider time, string grantType, string scope, string? redirectUri = null, string? code = null)
    {
        var state = Guid.NewGuid().ToString();
        var timestamp = Timestamp(time);
        var fields = new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["grant_type"] = grantType,
            ["client_secret"] = secret.Sign(ClientId + scope + timestamp + state + redirectUri + code),
            ["client_certificate_hash"] = CertificateHash,
            ["state"] = state,
            ["scope"] = scope,
            ["timestamp"] = timestamp,
            ["token_type"] = "Bearer",
        };
        if (redirectUri is not null)
        {
            fields["redirect_uri"] = redirectUri;
        }

        if (code is not null)
        {
            fields["code"] = code;
        }

        return new FormUrlEncodedContent(fields);
    }

    public Uri TokenEndpoint => new(BaseUrl, "aas/oauth2/v3/te");

    /// <summary>ESIA's timestamp, <c>2024.05.17 10:15:00 +0300</c>, signed into every client secret.</summary>
    public static string Timestamp(TimeProvider time) =>
        time.GetUtcNow().ToOffset(TimeSpan.FromHours(3)).ToString("yyyy.MM.dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " +0300";
}
