namespace MySchool.Integration.Mocks.Esia;

/// <summary>The gateway's registration at the mock ESIA.</summary>
public sealed record EsiaOptions
{
    public string ClientId { get; init; } = "MYSCHOOL-GW";

    /// <summary>Redirects must start with one of these (ESIA-007023 otherwise).</summary>
    public IReadOnlyList<string> AllowedRedirectPrefixes { get; init; } = ["http://localhost", "http://127.0.0.1"];

    public int AccessTokenSeconds { get; init; } = 3600;
}
