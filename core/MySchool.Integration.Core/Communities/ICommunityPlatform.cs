namespace MySchool.Integration.Core.Communities;

/// <summary>
/// A platform of class communities («Сферум»): organizations by INN, classes by our federal class id (idempotent),
/// their members, and people's requests to join. One adapter per platform implements it; the engine decides what
/// to send and how to match requests.
/// </summary>
public interface ICommunityPlatform
{
    /// <summary>The platform's name in our tables (<c>sferum</c>).</summary>
    string Name { get; }

    /// <summary>The school's organization on the platform, or null when the platform does not know it.</summary>
    Task<string?> FindOrganizationAsync(string inn, CancellationToken cancellationToken);

    /// <summary>The platform's class for ours, created once: asking again with the same id answers the same class.</summary>
    Task<CommunityClass> EnsureClassAsync(string organizationId, Guid classId, string name, string year, CancellationToken cancellationToken);

    /// <summary>Sets the class's members to exactly these people.</summary>
    Task<MemberChanges> SetMembersAsync(string platformClassId, IReadOnlyList<CommunityMember> members, CancellationToken cancellationToken);

    Task<IReadOnlyList<PlatformJoinRequest>> JoinRequestsAsync(string organizationId, CancellationToken cancellationToken);

    Task ResolveJoinRequestAsync(string requestId, bool approve, string reason, CancellationToken cancellationToken);
}

public sealed record CommunityClass(string ClassId, string? ChatId);

public sealed record CommunityMember(Guid PersonId, string Role, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate);

public sealed record MemberChanges(int Invited, int Already, int Removed);

public sealed record PlatformJoinRequest(string RequestId, string? PlatformUserId, string Role, string ClassName, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate);

/// <summary>What the platform refused and whether trying again can help; <see cref="Message"/> is for operators.</summary>
public enum PlatformFailure
{
    /// <summary>Retrying later may work (flood control, a daily limit, the platform down).</summary>
    Later,

    /// <summary>A person must act first (a captcha).</summary>
    Operator,

    /// <summary>Never retry: the request itself is wrong or not allowed.</summary>
    Refused,
}

public sealed class CommunityPlatformException(PlatformFailure failure, int code, string message) : Exception(message)
{
    public PlatformFailure Failure { get; } = failure;

    /// <summary>The platform's own error code.</summary>
    public int Code { get; } = code;
}
