namespace MySchool.Integration.Mocks.Esia;

/// <summary>The faults of esia.md, by the names tests arm them with.</summary>
public static class EsiaFaults
{
    public const string RefusedConsent = "refused-consent";
    public const string UnconfirmedAccount = "unconfirmed-account";
    public const string StaleTimestamp = "stale-timestamp-007015";
    public const string ReusedCode = "reused-code-007011";
    public const string ExpiredAccessToken = "expired-access-token";
    public const string Slow = "delay-5s";
    public const string KidWithoutAccount = "kid-without-account";

    public static readonly IReadOnlyCollection<string> All =
        [RefusedConsent, UnconfirmedAccount, StaleTimestamp, ReusedCode, ExpiredAccessToken, Slow, KidWithoutAccount];
}
