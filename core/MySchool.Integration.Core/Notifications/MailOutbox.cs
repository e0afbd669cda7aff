using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Notifications;

/// <summary>A mail as the relay gets it.</summary>
public sealed record OutgoingMail(string Recipient, string Subject, string Body);

/// <summary>Sends mail through a relay. A refusal says whether trying again later may help.</summary>
public interface IMailTransport
{
    /// <exception cref="MailTransportException">The relay did not take the mail.</exception>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

public sealed class MailTransportException(string message, bool permanent) : Exception(message)
{
    /// <summary>The relay refused the mail for good (no such mailbox): trying again would not help.</summary>
    public bool Permanent { get; } = permanent;
}

/// <summary>How a delivery pass went.</summary>
public sealed record DeliveryReport(int Sent, int Retried, int Failed);

/// <summary>
/// The outbox: a mail is written in the transaction of what it announces and delivered later by
/// <see cref="DeliverDueAsync"/>, retried with growing pauses when the relay is down, given up after
/// <see cref="MaxAttempts"/> or at once when the relay refuses it for good.
/// </summary>
public sealed class MailOutbox(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MaxAttempts = 8;

    /// <summary>Writes a mail in the caller's transaction; <paramref name="schoolId"/> is the school whose operators see it if it does not go out.</summary>
    public static async Task EnqueueAsync(NpgsqlConnection connection, OutgoingMail mail, string about, Guid? schoolId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, """
            INSERT INTO mail_outbox (recipient, subject, body, about, school_id, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
            """, cancellationToken, mail.Recipient, mail.Subject, mail.Body, about, schoolId, now);

    /// <summary>
    /// Sends the mails that are due. Each is locked while it is sent (SKIP LOCKED), so several gateway processes
    /// deliver side by side and no mail goes out twice.
    /// </summary>
    public async Task<DeliveryReport> DeliverDueAsync(IMailTransport transport, int limit, CancellationToken cancellationToken)
    {
        var (sent, retried, failed) = (0, 0, 0);
        for (var i = 0; i < limit; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var next = Command(connection, """
                SELECT id, recipient, subject, body, attempts FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $1
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                """, time.GetUtcNow());
            long id;
            int attempts;
            OutgoingMail mail;
            await using (var reader = await next.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    break;
                }

                (id, mail, attempts) = (reader.GetInt64(0), new OutgoingMail(reader.GetString(1), reader.GetString(2), reader.GetString(3)), reader.GetInt32(4) + 1);
            }

            try
            {
                await transport.SendAsync(mail, cancellationToken);
                await ExecuteAsync(connection, "UPDATE mail_outbox SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL WHERE id = $1",
                    cancellationToken, id, attempts, time.GetUtcNow());
                sent++;
            }
            catch (MailTransportException refused)
            {
                var givingUp = refused.Permanent || attempts >= MaxAttempts;
                await ExecuteAsync(connection, "UPDATE mail_outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5 WHERE id = $1",
                    cancellationToken, id, givingUp ? "failed" : "pending", attempts, time.GetUtcNow() + Pause(attempts), refused.Message);
                (failed, retried) = givingUp ? (failed + 1, retried) : (failed, retried + 1);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return new DeliveryReport(sent, retried, failed);
    }

    /// <summary>1, 2, 4 … minutes after each failed attempt, at most a few hours: a relay down overnight is not hammered.</summary>
    public static TimeSpan Pause(int attempts) => TimeSpan.FromMinutes(Math.Pow(2, Math.Min(attempts - 1, 8)));
}
