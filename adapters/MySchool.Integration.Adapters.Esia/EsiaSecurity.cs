using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MySchool.Integration.Adapters.Esia;

/// <summary>
/// Produces ESIA's <c>client_secret</c>: a signature over client_id + scope + timestamp + state + redirect_uri (+ code).
/// Real ESIA wants a raw GOST R 34.10-2012 signature with the bytes reversed, base64url; a GOST implementation
/// (a CryptoPro binding) replaces <see cref="DevelopmentClientSecret"/> here and nowhere else.
/// </summary>
public interface IEsiaClientSecret
{
    string Sign(string signedText);
}

/// <summary>An HMAC in place of the GOST signature: the mock only checks that a secret is present.</summary>
public sealed class DevelopmentClientSecret(EsiaOptions options) : IEsiaClientSecret
{
    public string Sign(string signedText) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.ClientId), Encoding.UTF8.GetBytes(signedText)));
}

/// <summary>What a verified ESIA id_token says about the person.</summary>
public sealed record EsiaIdentity(long Oid, bool Trusted);

/// <summary>Verifies ESIA's id_token (signature, issuer, audience, lifetime). GOST-signed tokens get a GOST implementation.</summary>
public interface IEsiaTokenVerifier
{
    /// <summary>The identity, or null when the token does not hold.</summary>
    Task<EsiaIdentity?> VerifyAsync(string idToken, CancellationToken cancellationToken);
}

/// <summary>RS256 against the keys ESIA publishes (the mock's JWKS), fetched once and again when a key is unknown.</summary>
public sealed class JwksTokenVerifier(EsiaOptions options, IHttpClientFactory http, TimeProvider time) : IEsiaTokenVerifier
{
    private JsonWebKeySet? _keys;

    public async Task<EsiaIdentity?> VerifyAsync(string idToken, CancellationToken cancellationToken)
    {
        var result = await ValidateAsync(idToken, refresh: false, cancellationToken);
        if (result is { IsValid: false, Exception: SecurityTokenSignatureKeyNotFoundException })
        {
            result = await ValidateAsync(idToken, refresh: true, cancellationToken);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return null;
        }

        // urn:esia:sbj is a nested object: is_tru is absent (not false) for an unconfirmed account.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        var subject = payload.RootElement.GetProperty("urn:esia:sbj");
        var trusted = subject.TryGetProperty("urn:esia:sbj:is_tru", out var isTrue) && isTrue.ValueKind == JsonValueKind.True;
        return new EsiaIdentity(subject.GetProperty("urn:esia:sbj:oid").GetInt64(), trusted);
    }

    private async Task<TokenValidationResult> ValidateAsync(string idToken, bool refresh, CancellationToken cancellationToken)
    {
        if (_keys is null || refresh)
        {
            var json = await http.CreateClient(nameof(JwksTokenVerifier)).GetStringAsync(new Uri(options.BaseUrl, "aas/oauth2/jwks"), cancellationToken);
            _keys = new JsonWebKeySet(json);
        }

        return await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.ClientId,
            IssuerSigningKeys = _keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromMinutes(1),
            LifetimeValidator = (notBefore, expires, _, _) =>
                (notBefore is null || notBefore <= time.GetUtcNow().UtcDateTime.AddMinutes(1)) && expires > time.GetUtcNow().UtcDateTime,
        });
    }
}
