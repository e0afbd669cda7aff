using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.People;

/// <summary>A person's account at the identity service (ESIA), as the service itself states it, with their verified e-mail when they have one.</summary>
public sealed record AccountHolder(long Oid, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate, Snils? Snils, bool Trusted, string? Email = null)
{
    public string FullName => $"{LastName} {FirstName} {MiddleName}".TrimEnd();
}

/// <summary>
/// A child listed in a parent's account. <see cref="Id"/> is the child's record in that account, not the child's
/// own login: <see cref="HasAccount"/> says whether a login exists, and SNILS is how it is found.
/// </summary>
public sealed record AccountChild(long Id, string LastName, string FirstName, string? MiddleName, DateOnly BirthDate, Snils? Snils, bool HasAccount)
{
    public string FullName => $"{LastName} {FirstName} {MiddleName}".TrimEnd();
}

/// <summary>
/// The identity service seen from the engine: finding a person's account by SNILS with the gateway's own
/// credentials. Reads on a person's behalf (their data, their children) take that person's token.
/// </summary>
public interface IIdentityDirectory
{
    /// <summary>The oid of the account with this SNILS, or null when there is none.</summary>
    /// <exception cref="IdentityDirectoryException">The service did not answer usefully.</exception>
    Task<long?> FindBySnilsAsync(Snils snils, CancellationToken cancellationToken);

    /// <exception cref="IdentityDirectoryException">The token is no longer valid or the service failed.</exception>
    Task<AccountHolder> HolderAsync(string accessToken, long oid, CancellationToken cancellationToken);

    /// <exception cref="IdentityDirectoryException">The token is no longer valid or the service failed.</exception>
    Task<IReadOnlyList<AccountChild>> ChildrenAsync(string accessToken, long oid, CancellationToken cancellationToken);
}

/// <summary>The identity service refused or failed; <see cref="TokenExpired"/> means the person must log in again.</summary>
public sealed class IdentityDirectoryException(string message, bool tokenExpired = false) : Exception(message)
{
    public bool TokenExpired { get; } = tokenExpired;
}
