using MySchool.Integration.Core.Notifications;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.People;

/// <summary>What a family asks: a school, a class by its name, and the child from the parent's account (null: the applicant is the student).</summary>
public sealed record FamilyRequestForm(Guid SchoolId, string? ClassName, long? ChildId);

/// <summary>A request filed: its submission, and whether the same request was already waiting (then nothing new is filed).</summary>
public sealed record FamilySubmission(Guid Id, bool AlreadySent);

/// <summary>One request as the school admin sees it.</summary>
public sealed record FamilyRequestEntry(
    long Id,
    Guid Submission,
    string Kind,
    string Region,
    Guid SchoolId,
    string School,
    string ClassName,
    string Person,
    DateOnly? BirthDate,
    string? MaskedSnils,
    long ApplicantOid,
    string? ApplicantEmail,
    string Status,
    string? Reason,
    DateTimeOffset CreatedAt);

/// <summary>The outcome of an attempt to approve or reject: done, or still waiting with the reason.</summary>
public sealed record FamilyDecision(bool Done, string? Reason)
{
    public static readonly FamilyDecision Decided = new(true, null);

    public static FamilyDecision Waits(string reason) => new(false, reason);
}

/// <summary>
/// Families join a school through the gateway (004 §3.6). A parent names a child from their ESIA account, the
/// school and the class (never a parallel); the school admin gets two requests, to attach the legal representative
/// and to register and attach the student. A student over 14 with a confirmed account sends their own. Approval
/// links the registry people to the ESIA accounts, so the federal platform finds both under their oid. The
/// registry itself stays the regional system's: a person it lacks is not invented here, the request waits.
/// </summary>
public sealed class FamilyRequests(NpgsqlDataSource dataSource, IIdentityDirectory directory, AuditLog audit, TimeProvider time)
{
    public const string Representative = "representative";
    public const string Student = "student";

    /// <summary>Files the request, or says why it cannot be sent. Sending the same request again answers the first one.</summary>
    public async Task<Checked<FamilySubmission>> SubmitAsync(AccountHolder applicant, IReadOnlyList<AccountChild> children, FamilyRequestForm form, CancellationToken cancellationToken)
    {
        var outcome = await FileAsync(applicant, children, form, cancellationToken);
        if (outcome.Value is not { AlreadySent: true })
        {
            await audit.RecordAsync($"esia:{applicant.Oid}", outcome.IsValid ? "family-request.submit" : "family-request.refuse", form.SchoolId.ToString(),
                outcome.IsValid ? new { submission = outcome.Value!.Id } : new { reason = outcome.Rejection!.Code }, cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// The applicant takes back a submission still waiting (both halves of a parent's); false when it is not theirs or
    /// was already decided.
    /// </summary>
    public async Task<bool> WithdrawAsync(long applicantOid, long requestId, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, """
            UPDATE family_request SET status = 'withdrawn'
            WHERE applicant_oid = $1 AND status = 'pending' AND submission = (SELECT submission FROM family_request WHERE id = $2 AND applicant_oid = $1)
            """, applicantOid, requestId);
        var withdrawn = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        if (withdrawn)
        {
            await audit.RecordAsync($"esia:{applicantOid}", "family-request.withdraw", null, new { request = requestId }, cancellationToken);
        }

        return withdrawn;
    }

    private async Task<Checked<FamilySubmission>> FileAsync(AccountHolder applicant, IReadOnlyList<AccountChild> children, FamilyRequestForm form, CancellationToken cancellationToken)
    {
        var subjects = Subjects(applicant, children, form);
        if (!subjects.IsValid)
        {
            return Checked<FamilySubmission>.Refused(subjects.Rejection!.Code, subjects.Rejection.Message);
        }

        var classId = await ClassAsync(form, cancellationToken);
        if (!classId.IsValid)
        {
            return Checked<FamilySubmission>.Refused(classId.Rejection!.Code, classId.Rejection.Message);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fresh = Guid.NewGuid();
        var submission = fresh;
        foreach (var subject in subjects.Value!)
        {
            var existing = await ScalarAsync<object?>(connection, """
                INSERT INTO family_request (submission, kind, school_id, class_id, applicant_oid, subject_key, account_oid,
                                            last_name, first_name, middle_name, birth_date, snils, status, created_at, applicant_email)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14)
                ON CONFLICT (kind, class_id, applicant_oid, subject_key) WHERE status = 'pending'
                DO UPDATE SET kind = excluded.kind RETURNING submission
                """, cancellationToken, submission, subject.Kind, form.SchoolId, classId.Value, applicant.Oid, subject.Key, subject.AccountOid,
                subject.LastName, subject.FirstName, subject.MiddleName, subject.BirthDate, subject.Snils?.Canonical, time.GetUtcNow(), applicant.Email);
            submission = (Guid)existing!;
        }

        await transaction.CommitAsync(cancellationToken);
        return Checked<FamilySubmission>.Valid(new FamilySubmission(submission, AlreadySent: submission != fresh));
    }

    /// <summary>Who the requests are about: the parent and the child, or the student alone; or why there is no one to ask for.</summary>
    private Checked<IReadOnlyList<Subject>> Subjects(AccountHolder applicant, IReadOnlyList<AccountChild> children, FamilyRequestForm form)
    {
        if (!applicant.Trusted)
        {
            return Refused("family.unconfirmed-account", "Учётная запись на Госуслугах не подтверждена: подтвердите её и отправьте запрос снова");
        }

        if (form.ChildId is not { } childId)
        {
            // A student's own request (000): over 14, with a confirmed account (001).
            if (applicant.BirthDate is not { } born || AgeOn(born, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) < 14)
            {
                return Refused("family.under-14", "До 14 лет запрос в школу за обучающегося отправляет законный представитель из своей учётной записи");
            }

            var key = $"oid:{applicant.Oid}";
            return Checked<IReadOnlyList<Subject>>.Valid([new Subject(Student, key, applicant.Oid, applicant.LastName, applicant.FirstName, applicant.MiddleName, applicant.BirthDate, applicant.Snils)]);
        }

        if (children.FirstOrDefault(child => child.Id == childId) is not { } chosen)
        {
            return Refused("family.not-your-child", "Этот ребёнок не прикреплён к вашей учётной записи на Госуслугах: прикрепите его в разделе «Семья и дети»");
        }

        if (!chosen.HasAccount)
        {
            return Refused("family.child-without-account",
                $"У ребёнка ({chosen.FullName}) нет своей учётной записи на Госуслугах. Создайте её из своего личного кабинета (детям до 14 лет) и отправьте запрос снова");
        }

        if (chosen.Snils is null)
        {
            return Refused("family.child-without-snils", $"В карточке ребёнка ({chosen.FullName}) на Госуслугах нет СНИЛС: добавьте его и отправьте запрос снова");
        }

        var childKey = $"kid:{chosen.Id}";
        return Checked<IReadOnlyList<Subject>>.Valid([
            new Subject(Representative, childKey, applicant.Oid, applicant.LastName, applicant.FirstName, applicant.MiddleName, applicant.BirthDate, applicant.Snils),
            new Subject(Student, childKey, null, chosen.LastName, chosen.FirstName, chosen.MiddleName, chosen.BirthDate, chosen.Snils),
        ]);

        static Checked<IReadOnlyList<Subject>> Refused(string code, string message) => Checked<IReadOnlyList<Subject>>.Refused(code, message);
    }

    /// <summary>The class the request names, in the school's latest academic year: a class, never a parallel (004 §3.6.7).</summary>
    private async Task<Checked<Guid>> ClassAsync(FamilyRequestForm form, CancellationToken cancellationToken)
    {
        var raw = form.ClassName?.Trim() ?? string.Empty;
        if (raw.Length > 0 && raw.All(char.IsAsciiDigit))
        {
            return Checked<Guid>.Refused("family.parallel", $"Укажите класс, а не параллель: например, {raw} «А»");
        }

        var name = ClassName.Parse(raw);
        if (!name.IsValid)
        {
            return Checked<Guid>.Refused(name.Rejection!.Code, name.Rejection.Message);
        }

        await using var command = Command(dataSource, """
            SELECT s.id IS NOT NULL, c.id FROM (SELECT $1::uuid AS id) wanted
            LEFT JOIN school s ON s.id = wanted.id
            LEFT JOIN LATERAL (
                SELECT c.id FROM class c JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
                WHERE c.school_id = s.id AND c.grade = $2 AND c.letter = $3 ORDER BY y.starts_on DESC LIMIT 1) c ON true
            """, form.SchoolId, (short)name.Value.Grade, name.Value.Letter.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return !reader.GetBoolean(0) ? Checked<Guid>.Refused("family.school-not-found", "Школа не найдена: выберите её по полному наименованию, как в ЕГРЮЛ")
            : reader.IsDBNull(1) ? Checked<Guid>.Refused("family.class-not-found", $"В этой школе нет класса {name.Value}: проверьте параллель и букву")
            : Checked<Guid>.Valid(reader.GetGuid(1));
    }

    /// <summary>Pending requests first, then the latest decided, of the given regions (<c>*</c>: all).</summary>
    public async Task<IReadOnlyList<FamilyRequestEntry>> ListAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken) =>
        await EntriesAsync("""
            WHERE ('*' = ANY($1) OR sr.code = ANY($1))
            ORDER BY r.status <> 'pending', r.created_at DESC, r.id LIMIT 500
            """, regions.ToArray(), cancellationToken);

    /// <summary>The requests to these schools (a school administrator's or a municipal coordinator's), pending first.</summary>
    public async Task<IReadOnlyList<FamilyRequestEntry>> ListForSchoolsAsync(IReadOnlyCollection<Guid> schools, CancellationToken cancellationToken) =>
        schools.Count == 0 ? [] : await EntriesAsync("WHERE r.school_id = ANY($1) ORDER BY r.status <> 'pending', r.created_at DESC, r.id LIMIT 500", schools.ToArray(), cancellationToken);

    /// <summary>An applicant's own requests, newest first: what they sent and what became of it.</summary>
    public async Task<IReadOnlyList<FamilyRequestEntry>> SentByAsync(long applicantOid, CancellationToken cancellationToken) =>
        await EntriesAsync("WHERE r.applicant_oid = $1 ORDER BY r.created_at DESC, r.id LIMIT 100", applicantOid, cancellationToken);

    /// <summary>
    /// Schools whose full legal name (as in ЕГРЮЛ, 004 §3.6.7) or short name contains <paramref name="query"/>, or whose
    /// INN it is; at most 50. Nothing for an empty query: a country's 41,000 schools are not a list to scroll.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string FullName)>> FindSchoolsAsync(string? query, CancellationToken cancellationToken)
    {
        var wanted = query?.Trim() ?? string.Empty;
        if (wanted.Length < 2)
        {
            return [];
        }

        return await Staging.ListAsync(dataSource, """
            SELECT id, full_name FROM school
            WHERE inn = $1 OR strpos(lower(full_name), lower($1)) > 0 OR strpos(lower(coalesce(short_name, '')), lower($1)) > 0
            ORDER BY full_name, id LIMIT 50
            """, r => (r.GetGuid(0), r.GetString(1)), cancellationToken, wanted);
    }

    public async Task<FamilyRequestEntry?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await EntriesAsync("WHERE r.id = $1", id, cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Approves a pending request by linking the registry person to the ESIA account: the student in the class
    /// (found by SNILS, or by name and birth date when the registry lacks SNILS) or the parent among that student's
    /// guardians. When the registry has no such person yet, or the account cannot be found or is taken, the request
    /// keeps waiting with the reason.
    /// </summary>
    public async Task<FamilyDecision> ApproveAsync(long id, string decidedBy, CancellationToken cancellationToken)
    {
        var request = await RequestAsync(id, cancellationToken);
        if (request is null || request.Status != "pending")
        {
            return FamilyDecision.Waits("Заявка уже рассмотрена или не найдена");
        }

        var decision = await LinkAsync(request, decidedBy, cancellationToken);
        if (!decision.Done)
        {
            await using var waits = Command(dataSource, "UPDATE family_request SET reason = $2 WHERE id = $1 AND status = 'pending'", id, decision.Reason);
            await waits.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.RecordAsync(decidedBy, decision.Done ? "family-request.approve" : "family-request.hold", request.SchoolId.ToString(), new { request = id, decision.Reason }, cancellationToken);
        return decision;
    }

    public async Task<FamilyDecision> RejectAsync(long id, string reason, string decidedBy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return FamilyDecision.Waits("Укажите причину отказа: заявитель увидит её");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await ScalarAsync<object?>(connection, """
            UPDATE family_request SET status = 'rejected', reason = $2, decided_at = $3, decided_by = $4 WHERE id = $1 AND status = 'pending' RETURNING school_id
            """, cancellationToken, id, reason.Trim(), time.GetUtcNow(), decidedBy) is not Guid school)
        {
            return FamilyDecision.Waits("Заявка уже рассмотрена или не найдена");
        }

        await NotifyAsync(connection, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.RecordAsync(decidedBy, "family-request.reject", school.ToString(), new { request = id }, cancellationToken);
        return FamilyDecision.Decided;
    }

    private async Task<FamilyDecision> LinkAsync(StoredRequest request, string decidedBy, CancellationToken cancellationToken)
    {
        // Both halves of a parent's request are about the same student: the representative is found among their guardians.
        var student = request.Kind == Student ? request : await StudentHalfAsync(request.Submission, cancellationToken);
        if (student is null)
        {
            return FamilyDecision.Waits("Не найдена вторая часть запроса (об обучающемся)");
        }

        var studentIds = await MatchAsync("""
            SELECT p.id FROM person p JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL
            WHERE e.class_id = $1 AND (p.snils = $2 OR (p.snils IS NULL AND p.search_name = $3 AND p.birth_date = $4))
            """, cancellationToken, request.ClassId, student.Snils, student.SearchName, student.BirthDate);
        if (studentIds.Count != 1)
        {
            return FamilyDecision.Waits(studentIds.Count == 0
                ? $"Обучающегося ({student.FullName}) нет в реестре этого класса: зачислите его в региональной системе и после синхронизации одобрите заявку снова"
                : $"В реестре класса несколько обучающихся с данными «{student.FullName}»: уточните записи в региональной системе");
        }

        var personId = studentIds[0];
        if (request.Kind == Representative)
        {
            var parents = await MatchAsync("""
                SELECT p.id FROM guardianship g JOIN person p ON p.id = g.parent_id
                WHERE g.student_id = $1 AND (p.snils = $2 OR (p.snils IS NULL AND p.search_name = $3))
                """, cancellationToken, personId, request.Snils, request.SearchName);
            if (parents.Count != 1)
            {
                return FamilyDecision.Waits(parents.Count == 0
                    ? $"Заявителя ({request.FullName}) нет среди законных представителей обучающегося в реестре: внесите его в региональной системе и одобрите заявку снова"
                    : $"Среди законных представителей несколько человек с данными «{request.FullName}»: уточните записи в региональной системе");
            }

            personId = parents[0];
        }

        long? oid;
        try
        {
            oid = request.AccountOid ?? (request.Snils is { } snils ? await directory.FindBySnilsAsync(Snils.Parse(snils).Require(), cancellationToken) : null);
        }
        catch (IdentityDirectoryException failure)
        {
            return FamilyDecision.Waits($"ЕСИА не ответила ({failure.Message}): попробуйте одобрить позже");
        }

        if (oid is null)
        {
            return FamilyDecision.Waits($"Учётная запись ЕСИА обучающегося ({request.FullName}) по СНИЛС не найдена");
        }

        return await CommitLinkAsync(request, personId, oid.Value, decidedBy, cancellationToken);
    }

    private async Task<FamilyDecision> CommitLinkAsync(StoredRequest request, Guid personId, long oid, string decidedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var linked = await ScalarAsync<object?>(connection, "SELECT esia_oid FROM person WHERE id = $1 FOR UPDATE", cancellationToken, personId);
        if (linked is long other && other != oid)
        {
            return FamilyDecision.Waits("Запись реестра уже связана с другой учётной записью ЕСИА: обратитесь в поддержку");
        }

        if (await ScalarAsync<object?>(connection, "SELECT 1 FROM person WHERE esia_oid = $1 AND id <> $2", cancellationToken, oid, personId) is not null)
        {
            return FamilyDecision.Waits("Эта учётная запись ЕСИА уже связана с другим человеком реестра: обратитесь в поддержку");
        }

        await ExecuteAsync(connection, "UPDATE person SET esia_oid = $2 WHERE id = $1", cancellationToken, personId, oid);
        var updated = await ExecuteAsync(connection, """
            UPDATE family_request SET status = 'approved', reason = NULL, person_id = $2, account_oid = $3, decided_at = $4, decided_by = $5
            WHERE id = $1 AND status = 'pending'
            """, cancellationToken, request.Id, personId, oid, time.GetUtcNow(), decidedBy);
        if (updated == 0)
        {
            return FamilyDecision.Waits("Заявка уже рассмотрена");
        }

        await NotifyAsync(connection, request.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return FamilyDecision.Decided;
    }

    /// <summary>What a request asks, in the words the school admin and the family read.</summary>
    public static string KindName(string kind) =>
        kind == Representative ? "прикрепление законного представителя" : "регистрация и прикрепление обучающегося";

    /// <summary>The decision, e-mailed to the applicant (their verified ESIA address) through the outbox, in the decision's transaction.</summary>
    private async Task NotifyAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            SELECT r.applicant_email, r.kind, r.status, r.reason, concat_ws(' ', r.last_name, r.first_name, r.middle_name),
                   coalesce(s.short_name, s.full_name), c.grade || ' «' || c.letter || '»', r.school_id
            FROM family_request r JOIN school s ON s.id = r.school_id JOIN class c ON c.id = r.class_id WHERE r.id = $1
            """, id);
        OutgoingMail mail;
        Guid school;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
            {
                return;
            }

            var approved = reader.GetString(2) == "approved";
            school = reader.GetGuid(7);
            mail = new OutgoingMail(
                reader.GetString(0),
                approved ? "Запрос в школу одобрен" : "Запрос в школу отклонён",
                $"""
                Здравствуйте!

                Ваш запрос «{KindName(reader.GetString(1))}» ({reader.GetString(4)}, {reader.GetString(5)}, класс {reader.GetString(6)}) {(approved ? "одобрен" : "отклонён")}.
                {(approved ? "Теперь можно входить в ФГИС «Моя школа» через Госуслуги (ЕСИА)." : $"Причина: {reader.GetString(3)}")}
                """);
        }

        await MailOutbox.EnqueueAsync(connection, mail, $"family-request:{id}", school, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Up to two matches: enough to tell one from several.</summary>
    private Task<List<Guid>> MatchAsync(string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        Staging.ListAsync(dataSource, sql + " LIMIT 2", r => r.GetGuid(0), cancellationToken, parameters);

    private Task<StoredRequest?> RequestAsync(long id, CancellationToken cancellationToken) =>
        ReadRequestAsync("WHERE id = $1", id, cancellationToken);

    private Task<StoredRequest?> StudentHalfAsync(Guid submission, CancellationToken cancellationToken) =>
        ReadRequestAsync($"WHERE submission = $1 AND kind = '{Student}'", submission, cancellationToken);

    private async Task<StoredRequest?> ReadRequestAsync(string where, object key, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource,
            $"SELECT id, submission, kind, school_id, class_id, account_oid, last_name, first_name, middle_name, birth_date, snils, status FROM family_request {where}", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredRequest(
            reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetGuid(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetString(11));
    }

    private const string EntrySelect = """
        SELECT r.id, r.submission, r.kind, sr.code, r.school_id, coalesce(s.short_name, s.full_name), c.grade || ' «' || c.letter || '»',
               concat_ws(' ', r.last_name, r.first_name, r.middle_name), r.birth_date, r.snils, r.applicant_oid, r.applicant_email, r.status, r.reason, r.created_at
        FROM family_request r JOIN school s ON s.id = r.school_id JOIN school_region sr ON sr.school_id = r.school_id JOIN class c ON c.id = r.class_id
        """;

    /// <summary>Requests as the admin sees them; <paramref name="key"/> is one parameter, an array included.</summary>
    private Task<List<FamilyRequestEntry>> EntriesAsync(string where, object key, CancellationToken cancellationToken) =>
        Staging.ListAsync(dataSource, $"{EntrySelect} {where}", reader => new FamilyRequestEntry(
            reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4), reader.GetString(5), reader.GetString(6),
            reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8),
            reader.IsDBNull(9) ? null : Snils.Parse(reader.GetString(9)).Value.Masked,
            reader.GetInt64(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13),
            reader.GetFieldValue<DateTimeOffset>(14)), cancellationToken, key);

    private static int AgeOn(DateOnly born, DateOnly day) => day.Year - born.Year - (day < born.AddYears(day.Year - born.Year) ? 1 : 0);

    private sealed record Subject(string Kind, string Key, long? AccountOid, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate, Snils? Snils);

    private sealed record StoredRequest(
        long Id, Guid Submission, string Kind, Guid SchoolId, Guid ClassId, long? AccountOid,
        string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate, string? Snils, string Status)
    {
        public string FullName => $"{LastName} {FirstName} {MiddleName}".TrimEnd();

        public string SearchName => PersonNames.Fold(FullName);
    }
}
