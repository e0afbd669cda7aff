namespace MySchool.Integration.Mocks.Sferum;

/// <summary>The gateway's service account at the mock Sferum, and the rate limit the contract sets.</summary>
public sealed record SferumOptions
{
    public string ClientId { get; init; } = "myschool-gw";

    public string ClientSecret { get; init; } = "sferum-secret";

    public int RequestsPerSecond { get; init; } = 3;
}
