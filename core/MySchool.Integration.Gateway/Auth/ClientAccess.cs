using System.Security.Claims;
using MySchool.Integration.Core.Access;
using OpenIddict.Abstractions;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>What the caller's access token allows, read from its claims.</summary>
public sealed record ClientAccess(string ClientId, string SourceSystem, IReadOnlySet<string> Scopes, IReadOnlySet<string> Regions)
{
    public const string RegionClaim = "region";

    /// <summary>A municipal coordinator's municipality, by id (issue 18).</summary>
    public const string MunicipalityClaim = "municipality";

    /// <summary>A school administrator's school, by id.</summary>
    public const string SchoolClaim = "school";
    public const string SourceSystemClaim = "source_system";

    public static ClientAccess From(ClaimsPrincipal user)
    {
        var clientId = user.GetClaim(OpenIddictConstants.Claims.ClientId) ?? user.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        return new ClientAccess(
            clientId,
            user.GetClaim(SourceSystemClaim) ?? clientId,
            user.GetScopes().ToHashSet(StringComparer.Ordinal),
            user.GetClaims(RegionClaim).ToHashSet(StringComparer.Ordinal))
        {
            Municipalities = Ids(user, MunicipalityClaim),
            Schools = Ids(user, SchoolClaim),
        };
    }

    private static HashSet<Guid> Ids(ClaimsPrincipal user, string claim) =>
        user.GetClaims(claim).Select(value => Guid.TryParse(value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();

    /// <summary>Below a region: the municipalities and schools an operator's session was appointed to.</summary>
    public IReadOnlySet<Guid> Municipalities { get; init; } = new HashSet<Guid>();

    public IReadOnlySet<Guid> Schools { get; init; } = new HashSet<Guid>();

    /// <summary>Everything the caller may see, as the engine's appointments speak of it.</summary>
    public OperatorScope Scope => new(Regions.Contains("*"), Regions.Where(r => r != "*").ToHashSet(StringComparer.Ordinal), Municipalities, Schools);

    public bool Holds(string regionCode) => Regions.Contains("*") || Regions.Contains(regionCode);

    public bool Can(string scope) => Scopes.Contains(scope);
}
