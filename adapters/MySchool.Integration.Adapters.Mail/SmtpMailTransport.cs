using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MySchool.Integration.Core.Notifications;

namespace MySchool.Integration.Adapters.Mail;

/// <summary>The relay's address and the sender the gateway writes as (configuration section <c>Mail</c>).</summary>
public sealed record MailOptions
{
    public string? Host { get; init; }

    public int Port { get; init; } = 25;

    /// <summary>STARTTLS when the relay offers it; a relay inside the network may offer none.</summary>
    public bool UseTls { get; init; } = true;

    public string? User { get; init; }

    public string? Password { get; init; }

    public string From { get; init; } = "noreply@myschool.gosuslugi.ru";

    public string FromName { get; init; } = "ФГИС «Моя школа»";
}

/// <summary>
/// SMTP through MailKit, one connection per mail (a few a minute). A 4xx answer or a dropped connection is worth
/// another try later; a 5xx about the mailbox or the message is not.
/// </summary>
public sealed class SmtpMailTransport(MailOptions options) : IMailTransport
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName, options.From));
        message.To.Add(MailboxAddress.Parse(mail.Recipient));
        message.Subject = mail.Subject;
        message.Body = new TextPart("plain") { Text = mail.Body };

        using var client = new SmtpClient { Timeout = 30_000 };
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, options.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (options.User is not null)
            {
                await client.AuthenticateAsync(options.User, options.Password ?? string.Empty, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException refused)
        {
            throw new MailTransportException($"SMTP {(int)refused.StatusCode}: {refused.Message}", permanent: (int)refused.StatusCode >= 500);
        }
        catch (Exception failure) when (failure is SmtpProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException or AuthenticationException)
        {
            throw new MailTransportException($"{failure.GetType().Name}: {failure.Message}", permanent: false);
        }
    }
}
