using System.Security.Claims;
using OpenIddict.Abstractions;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>What the caller's access token allows, read from its claims.</summary>
public sealed record ClientAccess(string ClientId, string SourceSystem, IReadOnlySet<string> Scopes, IReadOnlySet<string> Regions)
{
    public const string RegionClaim = "region";
    public const string SourceSystemClaim = "source_system";

    public static ClientAccess From(ClaimsPrincipal user)
    {
        var clientId = user.GetClaim(OpenIddictConstants.Claims.ClientId) ?? user.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        return new ClientAccess(
            clientId,
            user.GetClaim(SourceSystemClaim) ?? clientId,
            user.GetScopes().ToHashSet(StringComparer.Ordinal),
            user.GetClaims(RegionClaim).ToHashSet(StringComparer.Ordinal));
    }

    public bool Holds(string regionCode) => Regions.Contains("*") || Regions.Contains(regionCode);

    public bool Can(string scope) => Scopes.Contains(scope);
}
