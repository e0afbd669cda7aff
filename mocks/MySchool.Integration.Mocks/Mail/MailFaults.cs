namespace MySchool.Integration.Mocks.Mail;

/// <summary>The mail relay's faults (ours: no contract page covers e-mail), by the names tests arm them with.</summary>
public static class MailFaults
{
    /// <summary>The relay greets with 421 and closes: a transient failure a sender must retry later.</summary>
    public const string ServiceUnavailable = "smtp-421";

    /// <summary>The relay refuses the recipient with 550: a permanent failure, not worth retrying.</summary>
    public const string MailboxUnavailable = "smtp-550";

    public static readonly IReadOnlyCollection<string> All = [ServiceUnavailable, MailboxUnavailable];
}
