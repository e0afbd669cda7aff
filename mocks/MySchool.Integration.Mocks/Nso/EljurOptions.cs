namespace MySchool.Integration.Mocks.Nso;

/// <summary>The integration account the mock accepts.</summary>
public sealed record EljurOptions
{
    public string Login { get; init; } = "integration54";

    public string Password { get; init; } = "eljur-secret";

    public string DevKey { get; init; } = "nso-devkey";

    public string Vendor { get; init; } = "school";
}
