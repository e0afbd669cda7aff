using System.Security.Cryptography;
using MySchool.Integration.Core.Notifications;
using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.People;

public sealed record Invitation(Guid Id, string Token, DateTimeOffset ExpiresAt);

public enum InvitationOutcome
{
    Accepted,
    Expired,
    Unknown,
    AlreadyUsed,

    /// <summary>The ESIA account already belongs to another person of the registry.</summary>
    AccountTaken,

    /// <summary>The account's SNILS is not the invited teacher's: someone else opened the link.</summary>
    NotTheInvitedPerson,
}

/// <summary>
/// Teachers never self-register (000): a school admin invites a teacher of the registry; the link is valid for
/// 24 hours; the teacher accepts by logging in through ESIA, which links the person to the ESIA oid; unused
/// invitations are expired by a scheduled job.
/// </summary>
public sealed class TeacherInvitations(NpgsqlDataSource dataSource, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan ValidFor = TimeSpan.FromHours(24);

    /// <summary>
    /// Invites a teacher of the school: the invitation and its e-mail (the link to <paramref name="gateway"/>) are
    /// written in one transaction, the mail goes out through the outbox. Null when the person does not teach there.
    /// </summary>
    public async Task<Invitation?> CreateAsync(Guid schoolId, Guid personId, string email, string invitedBy, Uri gateway, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var teaches = Command(connection, """
            SELECT concat_ws(' ', p.last_name, p.first_name, p.middle_name), coalesce(s.short_name, s.full_name), s.time_zone
            FROM staff st JOIN person p ON p.id = st.person_id JOIN school s ON s.id = st.school_id
            WHERE st.school_id = $1 AND st.person_id = $2 AND st.role = 'teacher'
            """, schoolId, personId);
        string teacher, school;
        TimeZoneInfo zone;
        await using (var reader = await teaches.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (teacher, school, zone) = (reader.GetString(0), reader.GetString(1), TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(2)));
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var id = await ScalarAsync<Guid>(connection, """
            INSERT INTO teacher_invitation (school_id, person_id, email, token_hash, invited_by, created_at, expires_at, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'sent') RETURNING id
            """, cancellationToken, schoolId, personId, email, Hash(token), invitedBy, now, now + ValidFor);
        var invitation = new Invitation(id, token, now + ValidFor);
        await MailOutbox.EnqueueAsync(connection, Letter(email, teacher, school, Link(gateway, token), TimeZoneInfo.ConvertTime(invitation.ExpiresAt, zone)), $"invitation:{id}", schoolId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.RecordAsync(invitedBy, "invitation.send", schoolId.ToString(), new { invitation = id }, cancellationToken);
        return invitation;
    }

    /// <summary>The link the teacher opens: the gateway's ESIA login ending in this invitation.</summary>
    public static Uri Link(Uri gateway, string token) => new(gateway, $"/invitations/{token}");

    private static OutgoingMail Letter(string email, string teacher, string school, Uri link, DateTimeOffset expires) => new(
        email,
        "Приглашение в ФГИС «Моя школа»",
        $"""
        Здравствуйте, {teacher}!

        Администратор школы «{school}» приглашает вас в ФГИС «Моя школа».
        Чтобы принять приглашение, откройте ссылку, войдите через Госуслуги (ЕСИА) и нажмите «Предоставить»:
        {link}

        Ссылка действует 24 часа, до {expires.ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture)} по времени школы.
        Если вы не ждали этого письма, просто удалите его.
        """);

    /// <summary>
    /// The invited teacher logged in through ESIA as <paramref name="account"/>: their registry person gets that oid,
    /// provided the account's SNILS is the teacher's when the registry knows it (a forwarded link links nobody else).
    /// </summary>
    public async Task<InvitationOutcome> AcceptAsync(string token, AccountHolder account, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var find = Command(connection, "SELECT id, person_id, status, expires_at FROM teacher_invitation WHERE token_hash = $1 FOR UPDATE", Hash(token));
        Guid id, personId;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return InvitationOutcome.Unknown;
            }

            (id, personId) = (reader.GetGuid(0), reader.GetGuid(1));
            var (status, expires) = (reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            if (status == "accepted")
            {
                return InvitationOutcome.AlreadyUsed;
            }

            if (status == "expired" || expires <= time.GetUtcNow())
            {
                return InvitationOutcome.Expired;
            }
        }

        var esiaOid = account.Oid;
        if (await ScalarAsync<object?>(connection, "SELECT snils FROM person WHERE id = $1", cancellationToken, personId) is string snils && snils != account.Snils?.Canonical)
        {
            await audit.RecordAsync($"esia:{esiaOid}", "invitation.refuse", null, new { invitation = id, reason = "snils" }, cancellationToken);
            return InvitationOutcome.NotTheInvitedPerson;
        }

        if (await ScalarAsync<object?>(connection, "SELECT 1 FROM person WHERE esia_oid = $1 AND id <> $2", cancellationToken, esiaOid, personId) is not null)
        {
            return InvitationOutcome.AccountTaken;
        }

        await ExecuteAsync(connection, "UPDATE person SET esia_oid = $2 WHERE id = $1", cancellationToken, personId, esiaOid);
        await ExecuteAsync(connection, "UPDATE teacher_invitation SET status = 'accepted', accepted_at = $2, esia_oid = $3 WHERE id = $1", cancellationToken, id, time.GetUtcNow(), esiaOid);
        await transaction.CommitAsync(cancellationToken);
        await audit.RecordAsync($"esia:{esiaOid}", "invitation.accept", null, new { invitation = id }, cancellationToken);
        return InvitationOutcome.Accepted;
    }

    /// <summary>The scheduled duty: invitations past their 24 hours become expired. Answers how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "UPDATE teacher_invitation SET status = 'expired' WHERE status = 'sent' AND expires_at <= $1", time.GetUtcNow());
        var expired = await command.ExecuteNonQueryAsync(cancellationToken);
        if (expired > 0)
        {
            await audit.RecordAsync("scheduler", "invitation.expire", null, new { expired }, cancellationToken);
        }

        return expired;
    }

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
