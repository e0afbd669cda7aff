namespace MySchool.Integration.Gateway.Operators;

/// <summary>The gateway's registration at ESIA (configuration section <c>Esia</c>).</summary>
public sealed class EsiaLoginOptions
{
    public Uri BaseUrl { get; init; } = new("https://esia.gosuslugi.ru/");

    public string ClientId { get; init; } = "MYSCHOOL-GW";

    /// <summary>The <c>iss</c> of ESIA's tokens.</summary>
    public string Issuer { get; init; } = "http://esia.gosuslugi.ru/";

    public string Scope { get; init; } = "openid fullname";

    /// <summary>Hash of the gateway's certificate, sent with both calls (real ESIA checks it against the registration).</summary>
    public string CertificateHash { get; init; } = "";
}

/// <summary>Who operates which regions, by ESIA oid (configuration section <c>Operators:{oid}</c>).</summary>
public sealed class OperatorRole
{
    /// <summary>Region codes, or <c>*</c> for a federal operator.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
}
