using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using Npgsql;
using NpgsqlTypes;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Writes one school's checked snapshot into the federal model inside the caller's transaction: identities
/// resolved through the identity map (and SNILS, for people), set-based idempotent upserts, and deletions of what
/// the source no longer has — all tracked by change versions and tombstones.
/// </summary>
public sealed class SchoolWriter(NpgsqlConnection connection, WriteTarget target, CancellationToken cancellationToken)
{
    private readonly List<QuarantinedRecord> _quarantine = [];
    private WriteCounts _counts = WriteCounts.Zero;

    public List<HeldDeletion> Held { get; } = [];

    /// <summary>Every record refused while writing, the snapshot's own refusals included.</summary>
    public IReadOnlyList<QuarantinedRecord> Quarantined => _quarantine;

    public async Task<WriteCounts> WriteAsync(SchoolSnapshot snapshot)
    {
        _quarantine.AddRange(snapshot.Quarantine);
        var schoolId = await WriteSchoolAsync(snapshot.School);
        var classes = await WriteClassesAsync(schoolId, snapshot.Classes);
        var people = await WritePeopleAsync(snapshot.People);
        await WriteEnrollmentsAsync(schoolId, snapshot, classes, people);
        await WriteGuardiansAsync(snapshot, people);
        await WriteStaffAsync(schoolId, snapshot, people);
        if (snapshot.Journal is { } journal)
        {
            if (journal.IsDelta)
            {
                await ResolveStoredReferencesAsync(schoolId, journal, classes, people);
            }

            await new JournalWriter(connection, target, cancellationToken).WriteAsync(schoolId, journal, snapshot.Teachers, classes, people, Count, _quarantine.Add);
        }

        await WriteQuarantineAsync(snapshot.School.SourceId);
        return _counts with { Read = snapshot.RecordsRead, Quarantined = _quarantine.Count };
    }

    private void Count((long Inserted, long Updated) upsert, long deleted = 0) =>
        _counts = _counts.Add(new WriteCounts(0, upsert.Inserted, upsert.Updated, deleted, 0));

    /// <summary>
    /// The region and its municipalities, written before the schools in short transactions of their own: inside
    /// each school's transaction their row locks would make every school of a region wait for the others.
    /// </summary>
    public static async Task<WriteCounts> WriteRegionAsync(NpgsqlDataSource dataSource, WriteTarget target, IEnumerable<SourceSchool> schools, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var writer = new SchoolWriter(connection, target, cancellationToken);
        var regionId = await writer.UpsertReturningIdAsync(
            "region", "code = $1",
            "INSERT INTO region (code, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone WHERE (region.name, region.time_zone) IS DISTINCT FROM (excluded.name, excluded.time_zone)",
            target.RegionCode, target.RegionName, target.TimeZone);
        foreach (var municipality in schools.Select(school => (Oktmo: MunicipalityOktmo(school), school.Municipality)).Distinct())
        {
            await writer.UpsertReturningIdAsync(
                "municipality", "region_id = $1 AND oktmo = $2",
                "INSERT INTO municipality (region_id, oktmo, name) VALUES ($1, $2, $3) ON CONFLICT (region_id, oktmo) DO UPDATE SET name = excluded.name WHERE municipality.name IS DISTINCT FROM excluded.name",
                regionId, municipality.Oktmo, municipality.Municipality);
        }

        return writer._counts;
    }

    /// <summary>A municipality's OKTMO is the first eight digits of its schools'.</summary>
    private static string MunicipalityOktmo(SourceSchool school) => school.Oktmo[..Math.Min(8, school.Oktmo.Length)];

    private async Task<Guid> WriteSchoolAsync(SourceSchool school)
    {
        var municipalityId = await ScalarAsync<Guid>(connection,
            "SELECT m.id FROM municipality m JOIN region r ON r.id = m.region_id WHERE r.code = $1 AND m.oktmo = $2",
            cancellationToken, target.RegionCode, MunicipalityOktmo(school));
        var schoolId = await UpsertReturningIdAsync(
            "school", "inn = $2 AND kpp IS NULL",
            """
            INSERT INTO school (municipality_id, inn, full_name, short_name, oktmo, time_zone) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (inn, kpp) DO UPDATE SET municipality_id = excluded.municipality_id, full_name = excluded.full_name, short_name = excluded.short_name, oktmo = excluded.oktmo, time_zone = excluded.time_zone
            WHERE (school.municipality_id, school.full_name, school.short_name, school.oktmo, school.time_zone) IS DISTINCT FROM (excluded.municipality_id, excluded.full_name, excluded.short_name, excluded.oktmo, excluded.time_zone)
            """,
            municipalityId, school.Inn, school.FullName, new NpgsqlParameter { Value = (object?)school.ShortName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }, school.Oktmo, target.TimeZone);
        await MapIdentityAsync("school", school.SourceId, schoolId);
        return schoolId;
    }

    private async Task<Dictionary<string, Guid>> WriteClassesAsync(Guid schoolId, IReadOnlyList<CheckedClass> classes)
    {
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var schoolClass in classes)
        {
            var startYear = int.Parse(schoolClass.Year.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
            var yearId = await UpsertReturningIdAsync(
                "academic_year", "school_id = $1 AND name = $2",
                "INSERT INTO academic_year (school_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4) ON CONFLICT (school_id, name) DO NOTHING",
                schoolId, schoolClass.Year, new DateOnly(startYear, 9, 1), new DateOnly(startYear + 1, 8, 31));
            var gradeLevelId = await UpsertReturningIdAsync(
                "grade_level", "academic_year_id = $1 AND grade = $2",
                "INSERT INTO grade_level (academic_year_id, grade) VALUES ($1, $2) ON CONFLICT (academic_year_id, grade) DO NOTHING",
                yearId, (short)schoolClass.Name.Grade);
            var classId = await UpsertReturningIdAsync(
                "class", "grade_level_id = $2 AND letter = $4",
                "INSERT INTO class (school_id, grade_level_id, grade, letter) VALUES ($1, $2, $3, $4) ON CONFLICT (grade_level_id, letter) DO NOTHING",
                schoolId, gradeLevelId, (short)schoolClass.Name.Grade, schoolClass.Name.Letter.ToString());
            await MapIdentityAsync("class", schoolClass.SourceId, classId);
            ids[schoolClass.SourceId] = classId;
        }

        return ids;
    }

    /// <summary>
    /// One row per human: the identity map decides first, then SNILS (the same person met in another system or
    /// role), else a new federal id. A SNILS that already belongs to someone else is refused, never merged.
    /// </summary>
    private async Task<Dictionary<(string Role, string SourceId), Guid>> WritePeopleAsync(IReadOnlyList<CheckedPerson> people)
    {
        var known = await KnownIdentitiesAsync(people);
        var bySnils = await PeopleBySnilsAsync(people);
        var ids = new Dictionary<(string, string), Guid>();
        var rows = new Dictionary<Guid, CheckedPerson>();
        var newIdentities = new List<(string Kind, string SourceId, Guid Id)>();
        foreach (var person in people)
        {
            var snils = person.Snils?.Canonical;
            Guid id;
            if (known.TryGetValue((person.Role, person.SourceId), out var mapped))
            {
                if (snils is not null && bySnils.TryGetValue(snils, out var owner) && owner != mapped)
                {
                    _quarantine.Add(new QuarantinedRecord(person.Role, person.SourceId, JsonSerializer.Serialize(new { person.LastName, person.FirstName, snils = person.Snils?.Masked }), new Rejection("person.snils-conflict", "СНИЛС уже принадлежит другому человеку в реестре")));
                    continue;
                }

                id = mapped;
            }
            else
            {
                id = snils is not null && bySnils.TryGetValue(snils, out var owner) ? owner : Guid.CreateVersion7();
                newIdentities.Add((person.Role, person.SourceId, id));
            }

            if (snils is not null)
            {
                bySnils[snils] = id;
            }

            ids[(person.Role, person.SourceId)] = id;
            rows[id] = rows.TryGetValue(id, out var other) ? Merge(other, person) : person;
        }

        await CopyAsync(connection, "s_person", "id uuid, last_name text, first_name text, middle_name text, search_name text, birth_date date, gender char(1), snils char(11)",
            rows, [NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Date, NpgsqlDbType.Char, NpgsqlDbType.Char],
            row => [row.Key, row.Value.LastName, row.Value.FirstName, row.Value.MiddleName, SearchName(row.Value), row.Value.BirthDate, row.Value.Gender, row.Value.Snils?.Canonical],
            cancellationToken);
        // What a source does not know (a parent's birth date, a dropped SNILS) never erases what another source told us.
        Count(await UpsertAsync(connection, """
            INSERT INTO person (id, last_name, first_name, middle_name, search_name, birth_date, gender, snils)
            SELECT id, last_name, first_name, middle_name, search_name, birth_date, gender, snils FROM s_person
            ON CONFLICT (id) DO UPDATE SET last_name = excluded.last_name, first_name = excluded.first_name, middle_name = excluded.middle_name,
                search_name = excluded.search_name, birth_date = COALESCE(excluded.birth_date, person.birth_date),
                gender = COALESCE(excluded.gender, person.gender), snils = COALESCE(excluded.snils, person.snils)
            WHERE (person.last_name, person.first_name, person.middle_name, person.search_name, person.birth_date, person.gender, person.snils)
                IS DISTINCT FROM (excluded.last_name, excluded.first_name, excluded.middle_name, excluded.search_name,
                    COALESCE(excluded.birth_date, person.birth_date), COALESCE(excluded.gender, person.gender), COALESCE(excluded.snils, person.snils))
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken));
        await CopyAsync(connection, "s_identity", "kind text, source_id text, federal_id uuid", newIdentities,
            [NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Uuid], row => [row.Kind, row.SourceId, row.Id], cancellationToken);
        await ExecuteAsync(connection, "INSERT INTO identity_map (source_system, kind, source_id, federal_id) SELECT $1, kind, source_id, federal_id FROM s_identity ON CONFLICT DO NOTHING", cancellationToken, target.SourceSystem);
        return ids;
    }

    private static CheckedPerson Merge(CheckedPerson first, CheckedPerson second) => first with
    {
        MiddleName = first.MiddleName ?? second.MiddleName,
        BirthDate = first.BirthDate ?? second.BirthDate,
        Gender = first.Gender ?? second.Gender,
        Snils = first.Snils ?? second.Snils,
    };

    private static string SearchName(CheckedPerson person) => PersonNames.Fold($"{person.LastName} {person.FirstName} {person.MiddleName}".TrimEnd());

    private async Task<Dictionary<(string, string), Guid>> KnownIdentitiesAsync(IReadOnlyList<CheckedPerson> people)
    {
        await using var command = new NpgsqlCommand(
            "SELECT m.kind, m.source_id, m.federal_id FROM identity_map m JOIN unnest($2::text[], $3::text[]) AS p(kind, source_id) USING (kind, source_id) WHERE m.source_system = $1",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = target.SourceSystem });
        command.Parameters.Add(new NpgsqlParameter { Value = people.Select(p => p.Role).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = people.Select(p => p.SourceId).ToArray() });
        var known = new Dictionary<(string, string), Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known[(reader.GetString(0), reader.GetString(1))] = reader.GetGuid(2);
        }

        return known;
    }

    private async Task<Dictionary<string, Guid>> PeopleBySnilsAsync(IReadOnlyList<CheckedPerson> people)
    {
        await using var command = new NpgsqlCommand("SELECT snils, id FROM person WHERE snils = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = people.Where(p => p.Snils is not null).Select(p => p.Snils!.Value.Canonical).Distinct().ToArray() });
        var bySnils = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            bySnils[reader.GetString(0)] = reader.GetGuid(1);
        }

        return bySnils;
    }

    /// <summary>
    /// A student listed in another class is a transfer: the open enrollment closes, a new one opens. A student no
    /// longer listed leaves; when more than the safety share would leave at once, those endings are held.
    /// </summary>
    private async Task WriteEnrollmentsAsync(Guid schoolId, SchoolSnapshot snapshot, Dictionary<string, Guid> classes, Dictionary<(string, string), Guid> people)
    {
        var rows = snapshot.Enrollments
            .Where(e => people.ContainsKey(("student", e.StudentSourceId)))
            .Select(e => (Student: people[("student", e.StudentSourceId)], Class: classes[e.ClassSourceId]));
        await CopyAsync(connection, "s_enrollment", "student_id uuid, class_id uuid", rows, [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid], row => [row.Student, row.Class], cancellationToken);
        var yesterday = target.Today.AddDays(-1);
        var transferred = await ExecuteAsync(connection, """
            UPDATE enrollment e SET ends_on = GREATEST(e.starts_on, $1) FROM s_enrollment s
            WHERE e.student_id = s.student_id AND e.ends_on IS NULL AND e.class_id <> s.class_id
            """, cancellationToken, yesterday);

        var leaving = snapshot.CompleteRoster ? await LeavingAsync(schoolId) : [];
        var open = await ScalarAsync<long>(connection, "SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND e.ends_on IS NULL", cancellationToken, schoolId);
        var ended = 0;
        if (leaving.Count > 0 && leaving.Count > target.SafetyShare * open)
        {
            Held.Add(new HeldDeletion(snapshot.School.Inn, leaving.Count, (int)open, leaving));
        }
        else if (leaving.Count > 0)
        {
            ended = await ExecuteAsync(connection, "UPDATE enrollment SET ends_on = GREATEST(starts_on, $1) WHERE id = ANY($2)", cancellationToken, yesterday, leaving.ToArray());
        }

        // A student's first enrollment starts with the school year; a later one (a transfer) starts today.
        Count(await UpsertAsync(connection, """
            INSERT INTO enrollment (student_id, class_id, starts_on)
            SELECT s.student_id, s.class_id,
                   CASE WHEN EXISTS (SELECT 1 FROM enrollment p WHERE p.student_id = s.student_id) THEN $1 ELSE y.starts_on END
            FROM s_enrollment s JOIN class c ON c.id = s.class_id JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            WHERE NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.student_id = s.student_id AND e.ends_on IS NULL)
            ON CONFLICT (student_id, class_id, starts_on) DO UPDATE SET ends_on = NULL
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, target.Today), transferred + ended);
    }

    /// <summary>Open enrollments of the school whose students the roster no longer lists.</summary>
    private async Task<List<Guid>> LeavingAsync(Guid schoolId)
    {
        var leaving = new List<Guid>();
        await using var command = Command(connection, """
            SELECT e.id FROM enrollment e JOIN class c ON c.id = e.class_id
            WHERE c.school_id = $1 AND e.ends_on IS NULL AND NOT EXISTS (SELECT 1 FROM s_enrollment s WHERE s.student_id = e.student_id)
            """, schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leaving.Add(reader.GetGuid(0));
        }

        return leaving;
    }

    private async Task WriteGuardiansAsync(SchoolSnapshot snapshot, Dictionary<(string, string), Guid> people)
    {
        var rows = snapshot.Guardianships
            .Where(g => people.ContainsKey(("parent", g.ParentSourceId)) && people.ContainsKey(("student", g.StudentSourceId)))
            .Select(g => (Parent: people[("parent", g.ParentSourceId)], Student: people[("student", g.StudentSourceId)], g.Relation))
            .DistinctBy(g => (g.Parent, g.Student));
        await CopyAsync(connection, "s_guardianship", "parent_id uuid, student_id uuid, relation text", rows,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Text], row => [row.Parent, row.Student, row.Relation], cancellationToken);
        var upserted = await UpsertAsync(connection, """
            INSERT INTO guardianship (parent_id, student_id, relation) SELECT parent_id, student_id, relation FROM s_guardianship
            ON CONFLICT (parent_id, student_id) DO UPDATE SET relation = excluded.relation WHERE guardianship.relation IS DISTINCT FROM excluded.relation
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken);
        var deleted = !snapshot.CompleteRoster ? 0 : await ExecuteAsync(connection, """
            DELETE FROM guardianship g USING s_enrollment s
            WHERE g.student_id = s.student_id AND NOT EXISTS (SELECT 1 FROM s_guardianship x WHERE x.parent_id = g.parent_id AND x.student_id = g.student_id)
            """, cancellationToken);
        Count(upserted, deleted);
    }

    private async Task WriteStaffAsync(Guid schoolId, SchoolSnapshot snapshot, Dictionary<(string, string), Guid> people)
    {
        var rows = snapshot.Teachers.Where(t => people.ContainsKey(("teacher", t.SourceId)))
            .Select(t => (Person: people[("teacher", t.SourceId)], Subjects: t.Subjects.Order(StringComparer.Ordinal).ToArray(), t.Email))
            .DistinctBy(t => t.Person);
        await CopyAsync(connection, "s_staff", "person_id uuid, subjects text[], email text", rows,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Text], row => [row.Person, row.Subjects, row.Email], cancellationToken);
        var upserted = await UpsertAsync(connection, """
            INSERT INTO staff (person_id, school_id, role, subjects, email) SELECT person_id, $1, 'teacher', subjects, email FROM s_staff
            ON CONFLICT (person_id, school_id, role) DO UPDATE SET subjects = excluded.subjects, email = excluded.email
            WHERE (staff.subjects, staff.email) IS DISTINCT FROM (excluded.subjects, excluded.email)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, schoolId);
        var deleted = !snapshot.CompleteRoster ? 0 : await ExecuteAsync(connection, "DELETE FROM staff WHERE school_id = $1 AND role = 'teacher' AND person_id NOT IN (SELECT person_id FROM s_staff)", cancellationToken, schoolId);
        Count(upserted, deleted);
    }

    /// <summary>
    /// A delta's references to classes, students and teachers delivered earlier, found through the identity map:
    /// classes of this school only, students enrolled in it. What cannot be found stays unresolved (quarantined).
    /// </summary>
    private async Task ResolveStoredReferencesAsync(Guid schoolId, JournalWindow journal, Dictionary<string, Guid> classes, Dictionary<(string, string), Guid> people)
    {
        var classIds = journal.Lessons.Select(l => l.ClassSourceId).Concat(journal.Marks.Select(m => m.ClassSourceId)).Concat(journal.Attendance.Select(a => a.ClassSourceId))
            .Where(id => !classes.ContainsKey(id)).Distinct().ToArray();
        await ReadPairsAsync("""
            SELECT m.source_id, m.federal_id FROM identity_map m JOIN class c ON c.id = m.federal_id
            WHERE m.source_system = $1 AND m.kind = 'class' AND m.source_id = ANY($2) AND c.school_id = $3
            """, classIds, (id, federalId) => classes[id] = federalId, schoolId);
        var studentIds = journal.Marks.Select(m => m.StudentSourceId).Concat(journal.Attendance.Select(a => a.StudentSourceId))
            .Where(id => !people.ContainsKey(("student", id))).Distinct().ToArray();
        await ReadPairsAsync("""
            SELECT m.source_id, m.federal_id FROM identity_map m
            WHERE m.source_system = $1 AND m.kind = 'student' AND m.source_id = ANY($2)
              AND EXISTS (SELECT 1 FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = m.federal_id AND c.school_id = $3)
            """, studentIds, (id, federalId) => people[("student", id)] = federalId, schoolId);
        var teacherIds = journal.Lessons.Select(l => l.TeacherSourceId).OfType<string>().Where(id => !people.ContainsKey(("teacher", id))).Distinct().ToArray();
        await ReadPairsAsync(
            "SELECT m.source_id, m.federal_id FROM identity_map m WHERE m.source_system = $1 AND m.kind = 'teacher' AND m.source_id = ANY($2) AND $3::uuid IS NOT NULL",
            teacherIds, (id, federalId) => people[("teacher", id)] = federalId, schoolId);
    }

    private async Task ReadPairsAsync(string sql, string[] sourceIds, Action<string, Guid> add, Guid schoolId)
    {
        if (sourceIds.Length == 0)
        {
            return;
        }

        await using var command = Command(connection, sql, target.SourceSystem, sourceIds, schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            add(reader.GetString(0), reader.GetGuid(1));
        }
    }

    private async Task WriteQuarantineAsync(string schoolSourceId)
    {
        foreach (var record in _quarantine)
        {
            await ExecuteAsync(connection, """
                INSERT INTO quarantine (source_system, scope, kind, source_id, raw_payload, reason_code, reason, sync_run_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (source_system, kind, source_id, reason_code) WHERE resolved_at IS NULL
                DO UPDATE SET last_seen = now(), occurrences = quarantine.occurrences + 1, raw_payload = excluded.raw_payload, reason = excluded.reason, sync_run_id = excluded.sync_run_id
                """, cancellationToken, target.SourceSystem, $"{target.RegionCode}/{schoolSourceId}", record.Kind, record.SourceId, record.RawPayload, record.Reason.Code, record.Reason.Message, target.RunId);
        }
    }

    private Task MapIdentityAsync(string kind, string sourceId, Guid federalId) => ExecuteAsync(
        connection, "INSERT INTO identity_map (source_system, kind, source_id, federal_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        cancellationToken, target.SourceSystem, kind, sourceId, federalId);

    /// <summary>An upsert of one row by natural key that answers the row's id whether it wrote or not.</summary>
    private async Task<Guid> UpsertReturningIdAsync(string table, string naturalKey, string upsert, params object?[] parameters)
    {
        var (inserted, updated) = await UpsertAsync(connection, upsert + " RETURNING (xmax = 0) AS inserted", cancellationToken, parameters);
        Count((inserted, updated));
        return await ScalarAsync<Guid>(connection, $"SELECT id FROM {table} WHERE {naturalKey}", cancellationToken, parameters);
    }
}
