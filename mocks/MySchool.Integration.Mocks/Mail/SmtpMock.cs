using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using MySchool.Integration.Mocks.Faults;

namespace MySchool.Integration.Mocks.Mail;

/// <summary>A message the relay accepted, decoded from its MIME form.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string Body, DateTimeOffset ReceivedAt);

/// <summary>
/// A mail relay speaking plain SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on its own port, keeping
/// what it accepts for tests and the demo's inbox page. No TLS and no AUTH: a relay inside the gateway's network.
/// </summary>
public sealed class SmtpMock : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly FaultBoard _faults;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<ReceivedMail> _inbox = new();

    private SmtpMock(TcpListener listener, FaultBoard faults, TimeProvider time)
    {
        _listener = listener;
        _faults = faults;
        _time = time;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Inbox => [.. _inbox];

    public void Clear() => _inbox.Clear();

    /// <summary>Listens on <paramref name="port"/> (0: any free one).</summary>
    public static SmtpMock Start(int port, FaultBoard faults, TimeProvider time)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new SmtpMock(listener, faults, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception stopped) when (stopped is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            if (_faults.TryFire(MailFaults.ServiceUnavailable))
            {
                await writer.WriteLineAsync("421 4.3.2 mock.smtp Service not available, try again later");
                return;
            }

            await writer.WriteLineAsync("220 mock.smtp ESMTP ready");
            await ConverseAsync(reader, writer);
        }
        catch (IOException)
        {
            // The client went away: nothing to keep.
        }
    }

    private async Task ConverseAsync(StreamReader reader, StreamWriter writer)
    {
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync(_stopping.Token) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-mock.smtp\r\n250-8BITMIME\r\n250 SMTPUTF8");
                    break;
                case "HELO":
                case "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "MAIL":
                    (from, to) = (Address(line), []);
                    await writer.WriteLineAsync("250 2.1.0 OK");
                    break;
                case "RCPT" when _faults.TryFire(MailFaults.MailboxUnavailable):
                    await writer.WriteLineAsync("550 5.1.1 Mailbox unavailable");
                    break;
                case "RCPT":
                    to.Add(Address(line));
                    await writer.WriteLineAsync("250 2.1.5 OK");
                    break;
                case "DATA" when from is null || to.Count == 0:
                    await writer.WriteLineAsync("503 5.5.1 MAIL and RCPT first");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    Keep(from!, to, await ReadDataAsync(reader));
                    (from, to) = (null, []);
                    await writer.WriteLineAsync("250 2.0.0 Queued");
                    break;
                case "RSET":
                    (from, to) = (null, []);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                    break;
            }
        }
    }

    /// <summary>The message up to the lone dot, with dot-stuffing undone.</summary>
    private async Task<string> ReadDataAsync(StreamReader reader)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stopping.Token) is { } line && line != ".")
        {
            data.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        return data.ToString();
    }

    private void Keep(string from, List<string> to, string data)
    {
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(data));
        var message = MimeMessage.Load(raw);
        _inbox.Enqueue(new ReceivedMail(from, to, message.Subject ?? string.Empty, message.TextBody ?? message.HtmlBody ?? string.Empty, _time.GetUtcNow()));
    }

    /// <summary><c>MAIL FROM:&lt;a@b&gt; SIZE=…</c> → <c>a@b</c>.</summary>
    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', start + 1);
        return start < 0 || end < 0 ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : line[(start + 1)..end];
    }
}
