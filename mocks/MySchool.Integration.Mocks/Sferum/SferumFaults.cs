namespace MySchool.Integration.Mocks.Sferum;

/// <summary>The faults of sferum.md (and every VK error code it names), by the names tests arm them with.</summary>
public static class SferumFaults
{
    public const string TooManyRequests = "error-6";
    public const string TokenInvalidOnce = "error-5-once";
    public const string BadGateway = "http-502";
    public const string Slow = "delay-3s";
    public const string RequestNotInRegistry = "join-request-not-in-registry";
    public const string RequestMatchesTwo = "join-request-matches-two-people";

    /// <summary>The other VK codes the contract names: each can be forced for N calls as <c>error-{code}</c>.</summary>
    public static readonly IReadOnlyList<int> OtherCodes = [1, 9, 10, 14, 15, 29, 100];

    public static readonly IReadOnlyCollection<string> All =
    [
        TooManyRequests, TokenInvalidOnce, BadGateway, Slow, RequestNotInRegistry, RequestMatchesTwo,
        .. OtherCodes.Select(code => $"error-{code}"),
    ];
}
