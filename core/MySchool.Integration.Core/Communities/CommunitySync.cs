using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Communities;

/// <summary>What one school's provisioning did.</summary>
public sealed record ProvisionResult(int Classes, int MembersSent, int Unchanged);

/// <summary>What one pass over a school's join requests decided.</summary>
public sealed record JoinRequestResult(int Approved, int Held);

/// <summary>
/// Keeps a school's communities in step with the registry: each current class gets its platform class and exactly
/// its members (students, their teachers, their parents), and join requests are matched against the registry:
/// one exact match (surname, first name, patronymic, birth date, class) is approved and linked; none or several
/// wait for the school admin with the reason (004 §3.5.7).
/// </summary>
public sealed class CommunitySync(NpgsqlDataSource dataSource, ICommunityPlatform platform, AuditLog audit, TimeProvider time)
{
    public async Task<ProvisionResult> ProvisionSchoolAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        if (await OrganizationAsync(schoolId, cancellationToken) is not { } organization)
        {
            return new ProvisionResult(0, 0, 0);
        }

        var (sent, unchanged) = (0, 0);
        var classes = await ClassesAsync(schoolId, cancellationToken);
        foreach (var (classId, name, year, known, knownHash) in classes)
        {
            var platformClass = known ?? (await platform.EnsureClassAsync(organization, classId, name, year, cancellationToken)).ClassId;
            var members = await MembersAsync(classId, cancellationToken);
            var hash = Hash(members);
            if (hash == knownHash)
            {
                unchanged++;
                continue;
            }

            await platform.SetMembersAsync(platformClass, members, cancellationToken);
            sent++;
            await using var save = Command(dataSource, """
                INSERT INTO community_class (class_id, platform, platform_class_id, members_hash, synced_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (class_id) DO UPDATE SET platform_class_id = excluded.platform_class_id, members_hash = excluded.members_hash, synced_at = excluded.synced_at
                """, classId, platform.Name, platformClass, hash, time.GetUtcNow());
            await save.ExecuteNonQueryAsync(cancellationToken);
        }

        return new ProvisionResult(classes.Count, sent, unchanged);
    }

    public async Task<JoinRequestResult> MatchJoinRequestsAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        if (await OrganizationAsync(schoolId, cancellationToken) is not { } organization)
        {
            return new JoinRequestResult(0, 0);
        }

        var (approved, held) = (0, 0);
        foreach (var request in await platform.JoinRequestsAsync(organization, cancellationToken))
        {
            if (await AlreadyHeldAsync(request, cancellationToken))
            {
                continue; // waits for the school admin; asking again would only repeat the reason
            }

            var matches = await MatchesAsync(schoolId, request, cancellationToken);
            var (status, code, reason) = matches.Count switch
            {
                1 => ("approved", (string?)null, (string?)null),
                0 => ("held", "not-in-registry", $"В реестре школы нет обучающегося {request.LastName} {request.FirstName} {request.MiddleName} {request.BirthDate:dd.MM.yyyy} в классе {request.ClassName}: заявку рассмотрит администратор школы"),
                _ => ("held", "ambiguous", $"Заявке соответствуют {matches.Count} человека в реестре школы: выбрать может только администратор"),
            };
            if (status == "approved")
            {
                await platform.ResolveJoinRequestAsync(request.RequestId, approve: true, "Найден в реестре школы", cancellationToken);
                approved++;
            }
            else
            {
                held++;
            }

            await RecordAsync(schoolId, request, status, code, reason, matches.Count == 1 ? matches[0] : null, cancellationToken);
        }

        return new JoinRequestResult(approved, held);
    }

    /// <summary>The school of a join request that waits for a decision; null when there is none such.</summary>
    public async Task<Guid?> SchoolOfHeldAsync(string requestId, CancellationToken cancellationToken)
    {
        var schools = await ListAsync(dataSource, "SELECT school_id FROM join_request WHERE platform = $1 AND request_id = $2 AND status = 'held'",
            reader => reader.GetGuid(0), cancellationToken, platform.Name, requestId);
        return schools is [var school] ? school : null;
    }

    /// <summary>
    /// A school administrator's decision on a held request: the platform hears it first (a rejection with its reason),
    /// then the request is recorded as decided, by whom. Null when done, else why not (in Russian).
    /// </summary>
    public async Task<string?> DecideAsync(string requestId, bool approve, string reason, string actor, CancellationToken cancellationToken)
    {
        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            return "Укажите причину отказа: её увидит заявитель";
        }

        if (await SchoolOfHeldAsync(requestId, cancellationToken) is not { } school)
        {
            return "Заявка не найдена или уже решена";
        }

        var said = approve ? "Одобрено администратором школы" : reason.Trim();
        try
        {
            await platform.ResolveJoinRequestAsync(requestId, approve, said, cancellationToken);
        }
        catch (CommunityPlatformException failure)
        {
            return $"«Сферум» не принял решение ({failure.Code}): {SourceText.Excerpt(failure.Message)}";
        }

        await using var command = Command(dataSource, """
            UPDATE join_request SET status = $3, reason = $4, decided_at = now(), decided_by = $5 WHERE platform = $1 AND request_id = $2
            """, platform.Name, requestId, approve ? "approved" : "rejected", said, actor);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await audit.RecordAsync(actor, approve ? "join-request.approve" : "join-request.reject", school.ToString(), new { platform = platform.Name, requestId, reason = said }, cancellationToken);
        return null;
    }

    private async Task<string?> OrganizationAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "SELECT inn FROM school WHERE id = $1", schoolId);
        return await command.ExecuteScalarAsync(cancellationToken) is string inn ? await platform.FindOrganizationAsync(inn, cancellationToken) : null;
    }

    /// <summary>The school's classes of its latest academic year, with what was sent before.</summary>
    private Task<List<(Guid Id, string Name, string Year, string? Known, string? KnownHash)>> ClassesAsync(Guid schoolId, CancellationToken cancellationToken) =>
        ListAsync(dataSource, """
            SELECT c.id, c.grade, c.letter, y.name, cc.platform_class_id, cc.members_hash
            FROM class c JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            LEFT JOIN community_class cc ON cc.class_id = c.id AND cc.platform = $2
            WHERE c.school_id = $1 AND y.name = (SELECT max(y2.name) FROM academic_year y2 WHERE y2.school_id = $1)
            ORDER BY c.grade, c.letter
            """, reader => (reader.GetGuid(0), new ClassName(reader.GetInt16(1), reader.GetString(2)[0]).ToString(), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)), cancellationToken, schoolId, platform.Name);

    /// <summary>The class's students (enrolled now), the teachers of its lessons, and the students' guardians.</summary>
    private Task<List<CommunityMember>> MembersAsync(Guid classId, CancellationToken cancellationToken) =>
        ListAsync(dataSource, """
            SELECT p.id, m.role, p.last_name, p.first_name, p.middle_name, p.birth_date FROM (
                SELECT e.student_id AS person_id, 'student' AS role FROM enrollment e WHERE e.class_id = $1 AND e.ends_on IS NULL
                UNION SELECT DISTINCT l.teacher_id, 'teacher' FROM lesson l WHERE l.class_id = $1 AND l.teacher_id IS NOT NULL
                UNION SELECT g.parent_id, 'parent' FROM guardianship g JOIN enrollment e ON e.student_id = g.student_id WHERE e.class_id = $1 AND e.ends_on IS NULL
            ) m JOIN person p ON p.id = m.person_id
            ORDER BY m.role, p.id
            """, reader => new CommunityMember(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5)), cancellationToken, classId);

    /// <summary>Students enrolled now in the named class of the school, whose folded names and birth date are the request's.</summary>
    private async Task<List<Guid>> MatchesAsync(Guid schoolId, PlatformJoinRequest request, CancellationToken cancellationToken)
    {
        var name = ClassName.Parse(request.ClassName);
        if (!name.IsValid)
        {
            return [];
        }

        return await ListAsync(dataSource, """
            SELECT p.id FROM person p JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL JOIN class c ON c.id = e.class_id
            WHERE c.school_id = $1 AND c.grade = $2 AND c.letter = $3 AND p.search_name = $4 AND p.birth_date IS NOT DISTINCT FROM $5
            """, reader => reader.GetGuid(0), cancellationToken, schoolId, (short)name.Require().Grade, name.Require().Letter.ToString(),
            PersonNames.Fold($"{request.LastName} {request.FirstName} {request.MiddleName}".TrimEnd()), request.BirthDate);
    }

    private async Task<bool> AlreadyHeldAsync(PlatformJoinRequest request, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "SELECT 1 FROM join_request WHERE platform = $1 AND request_id = $2 AND status = 'held'", platform.Name, request.RequestId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task RecordAsync(Guid schoolId, PlatformJoinRequest request, string status, string? code, string? reason, Guid? personId, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, """
            INSERT INTO join_request (platform, request_id, school_id, role, class_name, last_name, first_name, middle_name, birth_date, platform_user_id, status, reason_code, reason, person_id, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $11 = 'approved' THEN now() END)
            ON CONFLICT (platform, request_id) DO UPDATE SET status = excluded.status, reason_code = excluded.reason_code, reason = excluded.reason,
                person_id = excluded.person_id, decided_at = excluded.decided_at
            """, platform.Name, request.RequestId, schoolId, request.Role, request.ClassName, request.LastName, request.FirstName,
            request.MiddleName, request.BirthDate, request.PlatformUserId, status, code, reason, personId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Hash(IReadOnlyList<CommunityMember> members) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(members))));
}
