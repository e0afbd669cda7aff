using MySchool.Integration.Core.Rules;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Monitoring;

/// <summary>
/// The runs' health across every region, for alerting: runs by status, how long the oldest queued or running run
/// has gone, and how many schools no successful run covered in the last 24 hours.
/// </summary>
public sealed record RunHealth(IReadOnlyDictionary<string, long> RunsByStatus, TimeSpan OldestActiveRun, long SchoolsBehind);

/// <summary>A region at a glance: is it in sync, and if not, why.</summary>
public sealed record RegionStatus(
    string Code,
    string Name,
    string Adapter,
    DateTimeOffset? LastSuccess,
    int Running,
    int Failures24h,
    long Rows24h,
    long Quarantined,
    int Schools,
    long Students);

public sealed record SchoolStatus(Guid Id, Guid MunicipalityId, string Municipality, string Name, string Inn, string? SourceId, long Students, int Classes, DateTimeOffset? LastSuccess, long Quarantined);

/// <summary>A municipality (by OKTMO) and the region it lies in.</summary>
public sealed record MunicipalityInfo(Guid Id, string Region, string Name, string Oktmo);

public sealed record ClassCount(Guid Id, int Grade, string Letter, string Year, long Students);

/// <summary>A class as its school sees it: the students now enrolled and who teaches what.</summary>
public sealed record ClassRoster(int Grade, string Letter, IReadOnlyList<RosterStudent> Students, IReadOnlyList<(string Name, string Subjects)> Teachers);

public sealed record RosterStudent(Guid Id, string Name, DateOnly? BirthDate);

public sealed record DayVolume(DateOnly Day, long Rows, int Failures);

/// <summary>DOMAIN.md's indicators over the given regions.</summary>
public sealed record Indicators(int Schools, long Students, long Teachers, double ShareSynced24h, IReadOnlyList<AdminPolicyBreach> AdminPolicyBreaches)
{
    /// <summary>Seed 001's target: 81 % of teachers use the platform's services…</summary>
    public const double TeacherTarget = 0.81;

    /// <summary>…in at least 33 % of schools.</summary>
    public const double SchoolTarget = 0.33;

    /// <summary>Students (enrolled now) whose registry record is linked to an ESIA account.</summary>
    public double StudentsLinked { get; init; }

    /// <summary>Teachers linked to an ESIA account, each person once.</summary>
    public double TeachersLinked { get; init; }

    /// <summary>Schools (with teachers) where at least <see cref="TeacherTarget"/> of the teachers are linked: against <see cref="SchoolTarget"/>.</summary>
    public double SchoolsAtTeacherTarget { get; init; }
}

/// <summary>A school over the student threshold with fewer than two admins (003, a municipal order).</summary>
public sealed record AdminPolicyBreach(Guid SchoolId, string Name, long Students, int Admins);

public sealed record JoinRequestEntry(string Platform, string RequestId, string School, string ClassName, string Person, DateOnly? BirthDate, string Status, string? Reason, DateTimeOffset SeenAt);

/// <summary>A mail the relay has not taken: given up (<see cref="Failed"/>) or to be tried again at <see cref="NextAttempt"/>.</summary>
public sealed record MailProblem(string Recipient, string School, bool Failed, int Attempts, string? Error, DateTimeOffset NextAttempt);

public sealed record QuarantineEntry(long Id, string SourceSystem, string Scope, string Kind, string? SourceId, string ReasonCode, string Reason, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Occurrences, string RawPayload);

/// <summary>
/// What operators watch, read straight from the store: regions, schools, indicators, volume, quarantine. Every
/// query is scoped to the regions the operator holds.
/// </summary>
public sealed class MonitoringReader(NpgsqlDataSource dataSource, TimeProvider time)
{
    // The last successful run that covered a school: a run of its region, or of the school alone.
    private const string SchoolLastSuccess = """
        (SELECT max(r.finished_at) FROM sync_run r WHERE r.status = 'succeeded'
          AND (r.scope = sr.code OR r.scope = sr.code || '/' || (SELECT m.source_id FROM identity_map m WHERE m.kind = 'school' AND m.federal_id = s.id LIMIT 1)))
        """;

    public async Task<IReadOnlyList<RegionStatus>> RegionsAsync(IEnumerable<(string Code, string Name, string Adapter)> regions, CancellationToken cancellationToken)
    {
        var list = new List<RegionStatus>();
        foreach (var (code, name, adapter) in regions)
        {
            await using var command = Command(dataSource, """
                SELECT (SELECT max(finished_at) FROM sync_run WHERE status = 'succeeded' AND split_part(scope, '/', 1) = $1),
                       (SELECT count(*)::int FROM sync_run WHERE status IN ('queued', 'running') AND split_part(scope, '/', 1) = $1),
                       (SELECT count(*)::int FROM sync_run WHERE status = 'failed' AND finished_at > $2 AND split_part(scope, '/', 1) = $1),
                       (SELECT coalesce(sum(inserted_count + updated_count + deleted_count), 0)::bigint FROM sync_run WHERE finished_at > $2 AND split_part(scope, '/', 1) = $1),
                       (SELECT count(*) FROM quarantine WHERE resolved_at IS NULL AND split_part(scope, '/', 1) = $1),
                       (SELECT count(*)::int FROM school_region WHERE code = $1),
                       (SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN school_region sr ON sr.school_id = c.school_id WHERE sr.code = $1 AND e.ends_on IS NULL)
                """, code, time.GetUtcNow().AddDays(-1));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            list.Add(new RegionStatus(code, name, adapter, Instant(reader, 0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5), reader.GetInt64(6)));
        }

        return list;
    }

    public async Task<List<SchoolStatus>> SchoolsAsync(string region, CancellationToken cancellationToken) =>
        [.. (await SchoolRowsAsync("sr.code = $1", region, cancellationToken)).Select(row => row.School)];

    public async Task<List<SchoolStatus>> SchoolsOfMunicipalityAsync(Guid municipality, CancellationToken cancellationToken) =>
        [.. (await SchoolRowsAsync("m.id = $1", municipality, cancellationToken)).Select(row => row.School)];

    /// <summary>The run scopes of these schools (<c>54/1001</c>): how runs name a school.</summary>
    public Task<List<string>> SchoolScopesAsync(IReadOnlyCollection<Guid> schools, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT sr.code || '/' || im.source_id FROM identity_map im JOIN school_region sr ON sr.school_id = im.federal_id
        WHERE im.kind = 'school' AND im.federal_id = ANY($1)
        """, r => r.GetString(0), cancellationToken, schools.ToArray());

    public async Task<MunicipalityInfo?> MunicipalityAsync(Guid id, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, "SELECT m.id, r.code, m.name, m.oktmo FROM municipality m JOIN region r ON r.id = m.region_id WHERE m.id = $1",
            r => new MunicipalityInfo(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancellationToken, id)) is [var one] ? one : null;

    /// <summary>The region a school is in, or null: what every school page checks the operator's regions against.</summary>
    public async Task<(string Region, SchoolStatus School)?> SchoolAsync(Guid id, CancellationToken cancellationToken) =>
        (await SchoolRowsAsync("s.id = $1", id, cancellationToken)) is [var one] ? one : null;

    private Task<List<(string Region, SchoolStatus School)>> SchoolRowsAsync(string where, object key, CancellationToken cancellationToken) => ListAsync(dataSource, $"""
        SELECT s.id, m.name, s.full_name,
               (SELECT im.source_id FROM identity_map im WHERE im.kind = 'school' AND im.federal_id = s.id LIMIT 1),
               (SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = s.id AND e.ends_on IS NULL),
               (SELECT count(*)::int FROM class c WHERE c.school_id = s.id),
               {SchoolLastSuccess},
               (SELECT count(*) FROM quarantine q WHERE q.resolved_at IS NULL AND q.scope = sr.code || '/' || (SELECT im.source_id FROM identity_map im WHERE im.kind = 'school' AND im.federal_id = s.id LIMIT 1)),
               sr.code, m.id, s.inn
        FROM school s JOIN school_region sr ON sr.school_id = s.id JOIN municipality m ON m.id = s.municipality_id
        WHERE {where} ORDER BY m.name, s.full_name
        """, r => (r.GetString(8), new SchoolStatus(r.GetGuid(0), r.GetGuid(9), r.GetString(1), r.GetString(2), r.GetString(10), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4), r.GetInt32(5), Instant(r, 6), r.GetInt64(7))),
        cancellationToken, key);

    public Task<List<ClassCount>> ClassesAsync(Guid schoolId, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT c.id, c.grade, c.letter, y.name, (SELECT count(*) FROM enrollment e WHERE e.class_id = c.id AND e.ends_on IS NULL)
        FROM class c JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
        WHERE c.school_id = $1 ORDER BY y.name DESC, c.grade, c.letter
        """, r => new ClassCount(r.GetGuid(0), r.GetInt16(1), r.GetString(2), r.GetString(3), r.GetInt64(4)), cancellationToken, schoolId);

    /// <summary>A class of a school with its students now enrolled and the teachers of its lessons; null when the class is not the school's.</summary>
    public async Task<ClassRoster?> ClassRosterAsync(Guid schoolId, Guid classId, CancellationToken cancellationToken)
    {
        var classes = await ListAsync(dataSource, "SELECT c.grade, c.letter FROM class c WHERE c.id = $1 AND c.school_id = $2",
            r => (r.GetInt16(0), r.GetString(1)), cancellationToken, classId, schoolId);
        if (classes is not [var (grade, letter)])
        {
            return null;
        }

        var students = await ListAsync(dataSource, """
            SELECT p.id, concat_ws(' ', p.last_name, p.first_name, p.middle_name), p.birth_date FROM enrollment e JOIN person p ON p.id = e.student_id
            WHERE e.class_id = $1 AND e.ends_on IS NULL ORDER BY 2, 1
            """, r => new RosterStudent(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2)), cancellationToken, classId);
        var teachers = await ListAsync(dataSource, """
            SELECT concat_ws(' ', p.last_name, p.first_name, p.middle_name), string_agg(DISTINCT j.name, ', ' ORDER BY j.name)
            FROM lesson l JOIN person p ON p.id = l.teacher_id JOIN subject j ON j.id = l.subject_id WHERE l.class_id = $1 GROUP BY p.id, 1 ORDER BY 1
            """, r => (r.GetString(0), r.GetString(1)), cancellationToken, classId);
        return new ClassRoster(grade, letter, students, teachers);
    }

    /// <summary>Rows written and failed runs per day over the last <paramref name="days"/> days, oldest first.</summary>
    public Task<List<DayVolume>> VolumeAsync(IReadOnlyCollection<string> regions, int days, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT d::date, coalesce(sum(r.inserted_count + r.updated_count + r.deleted_count), 0)::bigint, count(*) FILTER (WHERE r.status = 'failed')::int
        FROM generate_series(($2::timestamptz)::date - ($3 - 1), ($2::timestamptz)::date, interval '1 day') AS d
        LEFT JOIN sync_run r ON r.finished_at::date = d::date AND split_part(r.scope, '/', 1) = ANY($1)
        GROUP BY d ORDER BY d
        """, r => new DayVolume(r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetInt32(2)), cancellationToken, regions.ToArray(), time.GetUtcNow(), days);

    /// <summary>One school's days: rows its runs wrote and its failed runs, from each run's own outcome for the school.</summary>
    public Task<List<DayVolume>> SchoolVolumeAsync(Guid school, int days, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT d::date, coalesce(sum(rs.inserted_count + rs.updated_count + rs.deleted_count), 0)::bigint, count(rs.run_id) FILTER (WHERE NOT rs.succeeded)::int
        FROM generate_series(($2::timestamptz)::date - ($3 - 1), ($2::timestamptz)::date, interval '1 day') AS d
        LEFT JOIN (sync_run_school rs JOIN sync_run r ON r.id = rs.run_id
                   JOIN identity_map im ON im.source_system = r.source_system AND im.kind = 'school' AND im.source_id = rs.school_source_id AND im.federal_id = $1)
            ON rs.finished_at::date = d::date
        GROUP BY d ORDER BY d
        """, r => new DayVolume(r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetInt32(2)), cancellationToken, school, time.GetUtcNow(), days);

    public async Task<Indicators> IndicatorsAsync(IReadOnlyCollection<string> regions, IReadOnlyCollection<Guid> schoolIds, int adminPolicyStudents, CancellationToken cancellationToken)
    {
        var schools = await ListAsync(dataSource, $"""
            SELECT s.id, s.full_name,
                   (SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = s.id AND e.ends_on IS NULL),
                   (SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN person p ON p.id = e.student_id WHERE c.school_id = s.id AND e.ends_on IS NULL AND p.esia_oid IS NOT NULL),
                   (SELECT count(*)::int FROM staff a WHERE a.school_id = s.id AND a.role = 'admin'),
                   (SELECT count(DISTINCT a.person_id) FROM staff a WHERE a.school_id = s.id AND a.role = 'teacher'),
                   (SELECT count(DISTINCT a.person_id) FROM staff a JOIN person p ON p.id = a.person_id WHERE a.school_id = s.id AND a.role = 'teacher' AND p.esia_oid IS NOT NULL),
                   {SchoolLastSuccess}
            FROM school s JOIN school_region sr ON sr.school_id = s.id WHERE sr.code = ANY($1) OR s.id = ANY($2)
            """, r => new SchoolCounts(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4), r.GetInt64(5), r.GetInt64(6), Instant(r, 7)),
            cancellationToken, regions.ToArray(), schoolIds.ToArray());

        // A teacher of two schools counts once in the total, as a person.
        await using var teachers = Command(dataSource, """
            SELECT count(DISTINCT a.person_id), count(DISTINCT a.person_id) FILTER (WHERE p.esia_oid IS NOT NULL)
            FROM staff a JOIN school_region sr ON sr.school_id = a.school_id JOIN person p ON p.id = a.person_id
            WHERE (sr.code = ANY($1) OR a.school_id = ANY($2)) AND a.role = 'teacher'
            """, regions.ToArray(), schoolIds.ToArray());
        await using var reader = await teachers.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (teacherCount, teachersLinked) = (reader.GetInt64(0), reader.GetInt64(1));
        var since = time.GetUtcNow().AddDays(-1);
        var students = schools.Sum(s => s.Students);
        var withTeachers = schools.Where(s => s.Teachers > 0).ToList();
        return new Indicators(
            schools.Count,
            students,
            teacherCount,
            Share(schools.Count(s => s.LastSuccess > since), schools.Count),
            [.. schools.Where(s => s.Students > adminPolicyStudents && s.Admins < 2).OrderByDescending(s => s.Students).Select(s => new AdminPolicyBreach(s.Id, s.Name, s.Students, s.Admins))])
        {
            StudentsLinked = Share(schools.Sum(s => s.StudentsLinked), students),
            TeachersLinked = Share(teachersLinked, teacherCount),
            SchoolsAtTeacherTarget = Share(withTeachers.Count(s => (double)s.TeachersLinked / s.Teachers >= Indicators.TeacherTarget), withTeachers.Count),
        };
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private sealed record SchoolCounts(Guid Id, string Name, long Students, long StudentsLinked, int Admins, long Teachers, long TeachersLinked, DateTimeOffset? LastSuccess);

    public async Task<RunHealth> RunHealthAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var byStatus = await ListAsync(dataSource, "SELECT status, count(*) FROM sync_run GROUP BY status", r => (r.GetString(0), r.GetInt64(1)), cancellationToken);
        var (oldest, behind) = (await ListAsync(dataSource, $"""
            SELECT coalesce(extract(epoch FROM $1 - (SELECT min(coalesce(started_at, queued_at)) FROM sync_run WHERE status IN ('queued', 'running') AND mode <> 'push')), 0)::float8,
                   (SELECT count(*) FROM school s JOIN school_region sr ON sr.school_id = s.id WHERE coalesce({SchoolLastSuccess}, '-infinity') < $1 - interval '24 hours')
            """, r => (r.GetDouble(0), r.GetInt64(1)), cancellationToken, now)).Single();
        return new RunHealth(byStatus.ToDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal), TimeSpan.FromSeconds(Math.Max(0, oldest)), behind);
    }

    /// <summary>Open quarantine entries of the regions, newest first, with every SNILS in them masked (raw record, source id, reason).</summary>
    /// <summary>Open quarantine of whole regions and of single schools (a school's records are scoped <c>54/1001</c> by its source id).</summary>
    public Task<List<QuarantineEntry>> QuarantineAsync(
        IReadOnlyCollection<string> regions, IReadOnlyCollection<Guid> schools, string? scope, string? reason, long? id, CancellationToken cancellationToken, string? kind = null, int limit = 500) => ListAsync(dataSource, $"""
        SELECT id, source_system, scope, kind, source_id, reason_code, reason, first_seen, last_seen, occurrences, raw_payload FROM quarantine
        WHERE resolved_at IS NULL AND {QuarantineReview.Visible}
          AND ($3 = '' OR scope = $3 OR split_part(scope, '/', 1) = $3)
          AND ($4 = '' OR reason_code = $4) AND ($5 = 0 OR id = $5) AND ($6 = '' OR kind = $6)
        ORDER BY last_seen DESC, id DESC LIMIT $7
        """, r => new QuarantineEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : Snils.MaskAll(r.GetString(4)), r.GetString(5), Snils.MaskAll(r.GetString(6)),
            r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9), Snils.MaskAll(r.GetString(10))),
        cancellationToken, regions.ToArray(), schools.ToArray(), scope ?? "", reason ?? "", id ?? 0L, kind ?? "", limit);

    /// <summary>Join requests seen on community platforms to these regions' or these schools', those waiting for a school admin first.</summary>
    public Task<List<JoinRequestEntry>> JoinRequestsAsync(IReadOnlyCollection<string> regions, IReadOnlyCollection<Guid> schools, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT j.platform, j.request_id, s.full_name, j.class_name, concat_ws(' ', j.last_name, j.first_name, j.middle_name), j.birth_date, j.status, j.reason, j.seen_at
        FROM join_request j JOIN school s ON s.id = j.school_id JOIN school_region sr ON sr.school_id = s.id
        WHERE sr.code = ANY($1) OR s.id = ANY($2) ORDER BY j.status = 'held' DESC, j.seen_at DESC LIMIT 500
        """, r => new JoinRequestEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5),
            r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetFieldValue<DateTimeOffset>(8)),
        cancellationToken, regions.ToArray(), schools.ToArray());

    /// <summary>Mails of these regions' schools (invitations, families' decisions) the relay has not taken yet after trying, or refused for good, newest first.</summary>
    public Task<List<MailProblem>> MailProblemsAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT o.recipient, s.full_name, o.status, o.attempts, o.last_error, o.next_attempt_at
        FROM mail_outbox o JOIN school s ON s.id = o.school_id JOIN school_region sr ON sr.school_id = s.id
        WHERE sr.code = ANY($1) AND (o.status = 'failed' OR (o.status = 'pending' AND o.attempts > 0))
        ORDER BY o.created_at DESC LIMIT 100
        """, r => new MailProblem(r.GetString(0), r.GetString(1), r.GetString(2) == "failed", r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<DateTimeOffset>(5)),
        cancellationToken, (object)regions.ToArray());

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
