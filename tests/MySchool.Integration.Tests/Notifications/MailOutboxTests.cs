using MySchool.Integration.Adapters.Mail;
using MySchool.Integration.Core.Notifications;
using MySchool.Integration.Mocks.Faults;
using MySchool.Integration.Mocks.Mail;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Notifications;

/// <summary>The outbox delivers through a real SMTP conversation with the mock relay, and survives each of its faults.</summary>
public sealed class MailOutboxTests : IAsyncLifetime
{
    private readonly ManualTime _time = new();
    private readonly FaultBoard _faults = new(MailFaults.All);
    private SmtpMock _relay = null!;
    private NpgsqlDataSource _db = null!;

    private MailOutbox Outbox => new(_db, _time);

    private SmtpMailTransport Relay => new(new MailOptions { Host = "127.0.0.1", Port = _relay.Port, UseTls = false });

    public async Task InitializeAsync()
    {
        _relay = SmtpMock.Start(0, _faults, _time);
        _db = NpgsqlDataSource.Create(await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync("mail"));
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task AMail_IsDeliveredOnce_WithItsRussianAndKomiTextExact()
    {
        await EnqueueAsync("Здравствуйте, Попова Анна Вӧрӧновна! Ссылка: http://gw/invitations/abc");

        var first = await Outbox.DeliverDueAsync(Relay, 10, default);
        var second = await Outbox.DeliverDueAsync(Relay, 10, default);

        Assert.Equal(new DeliveryReport(1, 0, 0), first);
        Assert.Equal(new DeliveryReport(0, 0, 0), second);
        var mail = Assert.Single(_relay.Inbox);
        Assert.Equal("Приглашение в ФГИС «Моя школа»", mail.Subject);
        Assert.Equal("Здравствуйте, Попова Анна Вӧрӧновна! Ссылка: http://gw/invitations/abc", mail.Body.TrimEnd());
        Assert.Equal("sent", await _db.ScalarAsync<string>("SELECT status FROM mail_outbox"));
    }

    [Fact]
    public async Task Fault_Smtp421_TheMailWaitsItsPause_AndGoesOutOnALaterPass()
    {
        await EnqueueAsync("текст");
        _faults.Arm(MailFaults.ServiceUnavailable, 1);

        var refused = await Outbox.DeliverDueAsync(Relay, 10, default);
        var tooSoon = await Outbox.DeliverDueAsync(Relay, 10, default);
        _time.Advance(MailOutbox.Pause(1));
        var later = await Outbox.DeliverDueAsync(Relay, 10, default);

        Assert.Equal(new DeliveryReport(0, 1, 0), refused);
        Assert.Equal(new DeliveryReport(0, 0, 0), tooSoon);
        Assert.Equal(new DeliveryReport(1, 0, 0), later);
        Assert.Equal(2, await _db.ScalarAsync<int>("SELECT attempts FROM mail_outbox"));
        Assert.Single(_relay.Inbox);
    }

    [Fact]
    public async Task Fault_Smtp550_TheMailFailsForGood_WithTheRelaysAnswerKept()
    {
        await EnqueueAsync("текст");
        _faults.Arm(MailFaults.MailboxUnavailable, 1);

        var refused = await Outbox.DeliverDueAsync(Relay, 10, default);

        Assert.Equal(new DeliveryReport(0, 0, 1), refused);
        Assert.Equal("failed", await _db.ScalarAsync<string>("SELECT status FROM mail_outbox"));
        Assert.Contains("550", await _db.ScalarAsync<string>("SELECT last_error FROM mail_outbox"), StringComparison.Ordinal);
        Assert.Empty(_relay.Inbox);
    }

    [Fact]
    public async Task ARelayThatDoesNotAnswer_IsTriedAgain_UntilTheAttemptsRunOut()
    {
        await EnqueueAsync("текст");
        var nowhere = new SmtpMailTransport(new MailOptions { Host = "127.0.0.1", Port = Ports.Free(), UseTls = false });

        for (var attempt = 1; attempt < MailOutbox.MaxAttempts; attempt++)
        {
            Assert.Equal(new DeliveryReport(0, 1, 0), await Outbox.DeliverDueAsync(nowhere, 10, default));
            _time.Advance(MailOutbox.Pause(attempt));
        }

        Assert.Equal(new DeliveryReport(0, 0, 1), await Outbox.DeliverDueAsync(nowhere, 10, default));
        Assert.Equal("failed", await _db.ScalarAsync<string>("SELECT status FROM mail_outbox"));
    }

    private async Task EnqueueAsync(string body)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await MailOutbox.EnqueueAsync(connection, new OutgoingMail("teacher@school.test", "Приглашение в ФГИС «Моя школа»", body), "test", null, _time.GetUtcNow(), default);
    }
}
