using Hangfire;
using MySchool.Integration.Core.Notifications;

namespace MySchool.Integration.Scheduler;

/// <summary>Delivers the outbox every minute (invitation links, 000); a relay that is down only delays the mail.</summary>
public sealed class MailJobs(MailOutbox outbox, IMailTransport transport)
{
    /// <summary>Mails a pass sends at most: the rest wait a minute, so one pass never holds a worker for long.</summary>
    public const int MailsPerPass = 200;

    [JobDisplayName("Отправка писем")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public Task DeliverAsync(CancellationToken cancellationToken) => outbox.DeliverDueAsync(transport, MailsPerPass, cancellationToken);
}
