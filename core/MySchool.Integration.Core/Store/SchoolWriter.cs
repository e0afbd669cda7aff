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

    /// <summary>The standing of the people this school's write resolved, as read before it wrote: where their enrollments stand.</summary>
    private Dictionary<Guid, PersonStanding> _standing = [];

    private WriteCounts _counts = WriteCounts.Zero;

    public List<HeldDeletion> Held { get; } = [];

    /// <summary>The school written, once its own row is; null while it is not, or when it was refused.</summary>
    public Guid? SchoolId { get; private set; }

    /// <summary>Every record refused while writing, the snapshot's own refusals included.</summary>
    public IReadOnlyList<QuarantinedRecord> Quarantined => _quarantine;

    public async Task<WriteCounts> WriteAsync(SchoolSnapshot snapshot)
    {
        _quarantine.AddRange(snapshot.Quarantine);
        if (snapshot.SchoolRefused || await WriteSchoolAsync(snapshot.School) is not { } schoolId)
        {
            // Refused for the school: nothing of it is written, the refusal is quarantined and audited.
            await WriteQuarantineAsync(snapshot.School.SourceId);
            return _counts with { Read = snapshot.RecordsRead, Quarantined = _quarantine.Count };
        }

        SchoolId = schoolId;
        if (snapshot.Calendar is { } calendar)
        {
            _counts = _counts.Add(await new CalendarWriter(connection, cancellationToken).WriteAsync(schoolId, calendar));
        }

        var classes = await WriteClassesAsync(schoolId, snapshot.Classes);
        var people = await WritePeopleAsync(schoolId, snapshot.People);
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

        await ResolveQuarantineAsync(snapshot.School.SourceId, classes.Keys, people);
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
        return await WriteRegionAsync(connection, target, schools, cancellationToken);
    }

    /// <summary>The same, on a connection whose transaction the caller owns (a check rolls it back).</summary>
    public static async Task<WriteCounts> WriteRegionAsync(NpgsqlConnection connection, WriteTarget target, IEnumerable<SourceSchool> schools, CancellationToken cancellationToken)
    {
        var writer = new SchoolWriter(connection, target, cancellationToken);
        var regionId = await writer.UpsertReturningIdAsync(
            "region", "code = $1",
            "INSERT INTO region (code, name, time_zone) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone WHERE (region.name, region.time_zone) IS DISTINCT FROM (excluded.name, excluded.time_zone)",
            target.RegionCode, target.RegionName, target.TimeZone);
        // A school whose identity the rules refuse is quarantined with its snapshot; it names no municipality.
        var valid = schools.Where(school => SnapshotBuilder.CheckSchool(school) is null);
        foreach (var municipality in valid.Select(school => (Oktmo: MunicipalityOktmo(school), school.Municipality)).Distinct())
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

    /// <summary>
    /// The school's row, when this source may write it: a school stays in the region that registered it, and is
    /// written by its owner (the source that registered it, or one a federal operator assigned) or by a source the
    /// region shares its schools with. Null when refused: the school is quarantined and the attempt audited.
    /// </summary>
    private async Task<Guid?> WriteSchoolAsync(SourceSchool school)
    {
        var municipalityId = await ScalarAsync<Guid>(connection,
            "SELECT m.id FROM municipality m JOIN region r ON r.id = m.region_id WHERE r.code = $1 AND m.oktmo = $2",
            cancellationToken, target.RegionCode, MunicipalityOktmo(school));
        Guid? parentId = null;
        if (school.ParentSourceId is { } parentSourceId)
        {
            // A branch hangs under a head school this source wrote, with the same INN, that is no branch itself.
            parentId = (await ListAsync(connection, """
                SELECT s.id FROM identity_map m JOIN school s ON s.id = m.federal_id
                WHERE m.source_system = $1 AND m.kind = 'school' AND m.source_id = $2 AND s.inn = $3 AND s.parent_school_id IS NULL
                """, r => (Guid?)r.GetGuid(0), cancellationToken, target.SourceSystem, parentSourceId, school.Inn)).SingleOrDefault();
            if (parentId is null)
            {
                _quarantine.Add(new QuarantinedRecord("school", school.SourceId, JsonSerializer.Serialize(new { school.Inn, school.Kpp, school.ParentSourceId }),
                    new Rejection("school.parent", $"Головная школа {parentSourceId} с тем же ИНН не передавалась этим источником (или сама филиал): филиал не записан")));
                return null;
            }
        }

        Count(await UpsertAsync(connection, """
            INSERT INTO school (municipality_id, inn, kpp, parent_school_id, full_name, short_name, oktmo, time_zone) VALUES ($1, $2, $7, $8, $3, $4, $5, $6)
            ON CONFLICT (inn, kpp) DO NOTHING RETURNING (xmax = 0) AS inserted
            """, cancellationToken, municipalityId, school.Inn, school.FullName, Text(school.ShortName), school.Oktmo, target.TimeZone, Text(school.Kpp),
            Uuid(parentId)));

        // Locked until commit: a concurrent writer of the same INN waits here and then sees the owner set below.
        var (schoolId, regionCode, owner) = (await ListAsync(connection, """
            SELECT s.id, r.code, o.source_system FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
            LEFT JOIN school_owner o ON o.school_id = s.id
            WHERE s.inn = $1 AND s.kpp IS NOT DISTINCT FROM $2 FOR UPDATE OF s
            """, r => (r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)), cancellationToken, school.Inn, Text(school.Kpp))).Single();
        if (!target.MayWrite(regionCode, owner))
        {
            await RefuseSchoolAsync(school, regionCode, owner!);
            return null;
        }

        if (owner is null)
        {
            await ExecuteAsync(connection, "INSERT INTO school_owner (school_id, source_system) VALUES ($1, $2)", cancellationToken, schoolId, target.SourceSystem);
            owner = target.SourceSystem;
        }

        // The header (names, municipality, zone) is the owner's to write; a sharing source only writes into the school.
        if (owner == target.SourceSystem)
        {
            Count((0, await ExecuteAsync(connection, """
                UPDATE school SET municipality_id = $2, full_name = $3, short_name = $4, oktmo = $5, time_zone = $6, parent_school_id = $7 WHERE id = $1
                  AND (municipality_id, full_name, short_name, oktmo, time_zone, parent_school_id) IS DISTINCT FROM ($2, $3, $4, $5, $6, $7)
                """, cancellationToken, schoolId, municipalityId, school.FullName, Text(school.ShortName), school.Oktmo, target.TimeZone,
                Uuid(parentId))));
        }

        await MapIdentityAsync("school", school.SourceId, schoolId);
        return schoolId;
    }

    private async Task RefuseSchoolAsync(SourceSchool school, string heldInRegion, string owner)
    {
        var otherRegion = heldInRegion != target.RegionCode;
        _quarantine.Add(new QuarantinedRecord("school", school.SourceId, JsonSerializer.Serialize(new { school.Inn, school.FullName, school.Oktmo }), otherRegion
            ? OwnershipReasons.SchoolInOtherRegion(heldInRegion)
            : OwnershipReasons.SchoolOwnedElsewhere(owner)));
        await AuditLog.RecordAsync(connection, target.SourceSystem, otherRegion ? "ownership.cross-region" : "ownership.foreign-source",
            $"{target.RegionCode}/{school.SourceId}", new { school.Inn, heldInRegion, owner, runId = target.RunId }, cancellationToken);
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Uuid(Guid? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    /// <summary>
    /// The school's years, grade levels and classes, a statement each for all of them (their natural keys join them),
    /// then every class's id and its identity: a handful of statements a school rather than six a class.
    /// </summary>
    private async Task<Dictionary<string, Guid>> WriteClassesAsync(Guid schoolId, IReadOnlyList<CheckedClass> classes)
    {
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (classes.Count == 0)
        {
            return ids;
        }

        var startYears = classes.Select(c => int.Parse(c.Year.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var wanted = new object[]
        {
            schoolId, classes.Select(c => c.Year).ToArray(), classes.Select(c => (short)c.Name.Grade).ToArray(), classes.Select(c => c.Name.Letter.ToString()).ToArray(),
            startYears.Select(year => new DateOnly(year, 9, 1)).ToArray(), startYears.Select(year => new DateOnly(year + 1, 8, 31)).ToArray(),
        };
        const string Wanted = "unnest($2::text[], $3::smallint[], $4::text[], $5::date[], $6::date[]) WITH ORDINALITY AS w(year, grade, letter, starts_on, ends_on, ord)";
        const string Levels = "JOIN academic_year y ON y.school_id = $1 AND y.name = w.year JOIN grade_level g ON g.academic_year_id = y.id AND g.grade = w.grade";
        Count(await UpsertAsync(connection, $"""
            INSERT INTO academic_year (school_id, name, starts_on, ends_on) SELECT DISTINCT $1::uuid, w.year, w.starts_on, w.ends_on FROM {Wanted}
            ON CONFLICT (school_id, name) DO NOTHING RETURNING (xmax = 0) AS inserted
            """, cancellationToken, wanted));
        Count(await UpsertAsync(connection, $"""
            INSERT INTO grade_level (academic_year_id, grade) SELECT DISTINCT y.id, w.grade FROM {Wanted} JOIN academic_year y ON y.school_id = $1 AND y.name = w.year
            ON CONFLICT (academic_year_id, grade) DO NOTHING RETURNING (xmax = 0) AS inserted
            """, cancellationToken, wanted));
        Count(await UpsertAsync(connection, $"""
            INSERT INTO class (school_id, grade_level_id, grade, letter) SELECT DISTINCT $1::uuid, g.id, w.grade, w.letter FROM {Wanted} {Levels}
            ON CONFLICT (grade_level_id, letter) DO NOTHING RETURNING (xmax = 0) AS inserted
            """, cancellationToken, wanted));
        foreach (var (ord, classId) in await ListAsync(connection, $"SELECT w.ord, c.id FROM {Wanted} {Levels} JOIN class c ON c.grade_level_id = g.id AND c.letter = w.letter",
            r => (r.GetInt64(0), r.GetGuid(1)), cancellationToken, wanted))
        {
            ids[classes[(int)ord - 1].SourceId] = classId;
        }

        await ExecuteAsync(connection, """
            INSERT INTO identity_map (source_system, kind, source_id, federal_id) SELECT $1, 'class', * FROM unnest($2::text[], $3::uuid[]) ON CONFLICT DO NOTHING
            """, cancellationToken, target.SourceSystem, ids.Keys.ToArray(), ids.Values.ToArray());
        return ids;
    }

    /// <summary>
    /// One row per human: the identity map decides first, then SNILS (the same person met in another system or
    /// role), else a new federal id. Every match asks who owns the person: a SNILS that belongs to someone else, or
    /// to someone with another birth date or name, is refused, never merged; a student open-enrolled in a school
    /// this source may not write is refused (both sides' operators see it); name, birth date and gender are written
    /// only by the person's owner, so two sources that disagree never move a person back and forth.
    /// </summary>
    private async Task<Dictionary<(string Role, string SourceId), Guid>> WritePeopleAsync(Guid schoolId, IReadOnlyList<CheckedPerson> people)
    {
        var known = await KnownIdentitiesAsync(people);
        var standing = await StandingAsync([.. known.Values.Distinct()]);
        // A SNILS is looked up only where it may belong to someone else: a person the map does not know, or one whose
        // stored SNILS is another. A repeat sync, whose people are all known as they are, looks none up.
        var bySnils = await PeopleBySnilsAsync([.. people
            .Where(p => p.Snils is not null && !(known.TryGetValue((p.Role, p.SourceId), out var id) && standing.GetValueOrDefault(id)?.Stored.Snils == p.Snils.Value.Canonical))
            .Select(p => p.Snils!.Value.Canonical).Distinct()]);
        Guid[] unseen = [.. bySnils.Values.Where(id => !standing.ContainsKey(id)).Distinct()];
        if (unseen.Length > 0)
        {
            foreach (var (id, stand) in await StandingAsync(unseen))
            {
                standing[id] = stand;
            }
        }

        _standing = standing;
        var ids = new Dictionary<(string, string), Guid>();
        var rows = new Dictionary<Guid, CheckedPerson>();
        var newIdentities = new List<(string Kind, string SourceId, Guid Id)>();
        var owners = new List<Guid>();
        var students = new Dictionary<Guid, string>();
        // Students first: a parent or teacher who is also a student here is then found under the student's id.
        foreach (var person in people.OrderBy(p => p.Role == "student" ? 0 : 1))
        {
            var snils = person.Snils?.Canonical;
            var mapped = known.TryGetValue((person.Role, person.SourceId), out var mappedId);
            var matched = !mapped && snils is not null && bySnils.TryGetValue(snils, out _);
            if (mapped && snils is not null && bySnils.TryGetValue(snils, out var holder) && holder != mappedId)
            {
                Refuse(person, OwnershipReasons.SnilsConflict);
                continue;
            }

            var id = mapped ? mappedId : matched ? bySnils[snils!] : TimeOrderedIds.Next();
            var stand = standing.GetValueOrDefault(id);
            if (matched && stand is not null && Mismatch(stand, person))
            {
                Refuse(person, OwnershipReasons.SnilsMismatch);
                continue;
            }

            if (person.Role == "student" && stand?.OpenSchool is { } open && open.SchoolId != schoolId && !target.MayWrite(open.Region, open.Owner))
            {
                Refuse(person, OwnershipReasons.EnrolledElsewhere(open.Name, open.Region));
                await NoteForHolderAsync(id, open, schoolId);
                continue;
            }

            if (person.Role == "student" && students.TryGetValue(id, out var first))
            {
                Refuse(person, new Rejection("student.duplicate", $"Этот ученик (тот же СНИЛС) уже указан в пакете под идентификатором {first}: принята первая запись"));
                continue;
            }

            if (person.Role == "student")
            {
                students[id] = person.SourceId;
            }

            if (!mapped)
            {
                newIdentities.Add((person.Role, person.SourceId, id));
            }

            if (snils is not null)
            {
                bySnils[snils] = id;
            }

            ids[(person.Role, person.SourceId)] = id;
            // A student this source enrolls is this source's; a parent or teacher stays their first source's, whose
            // values alone are written.
            var owns = stand?.Owner is null || stand.Owner == target.SourceSystem || person.Role == "student";
            if (!owns)
            {
                continue;
            }

            if (stand?.Owner != target.SourceSystem)
            {
                owners.Add(id);
            }

            rows[id] = rows.TryGetValue(id, out var other) ? Merge(other, person) : person;
        }

        // Only the people whose row the upsert would change are staged: a repeat sync finds them all as stored.
        var changed = rows.Where(row => standing.GetValueOrDefault(row.Key)?.Stored is not { } stored || stored.With(row.Value) != stored).ToList();
        if (changed.Count > 0)
        {
            await CopyAsync(connection, "s_person", changed, columns => columns
                    .Add("id uuid", row => row.Key).Add("last_name text", row => row.Value.LastName).Add("first_name text", row => row.Value.FirstName)
                    .Add("middle_name text", row => row.Value.MiddleName).Add("search_name text", row => SearchName(row.Value)).Add("birth_date date", row => row.Value.BirthDate)
                    .Add("gender char(1)", row => row.Value.Gender).Add("snils char(11)", row => row.Value.Snils?.Canonical),
                cancellationToken, joined: false);
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
        }

        if (owners.Count > 0)
        {
            await ExecuteAsync(connection, """
                INSERT INTO person_owner (person_id, source_system) SELECT unnest($1::uuid[]), $2
                ON CONFLICT (person_id) DO UPDATE SET source_system = excluded.source_system
                """, cancellationToken, owners.Distinct().ToArray(), target.SourceSystem);
        }

        if (newIdentities.Count > 0)
        {
            await CopyAsync(connection, "s_identity", newIdentities, columns => columns
                .Add("kind text", row => row.Kind).Add("source_id text", row => row.SourceId).Add("federal_id uuid", row => row.Id), cancellationToken, joined: false);
            await ExecuteAsync(connection, "INSERT INTO identity_map (source_system, kind, source_id, federal_id) SELECT $1, kind, source_id, federal_id FROM s_identity ON CONFLICT DO NOTHING", cancellationToken, target.SourceSystem);
        }

        return ids;
    }

    private void Refuse(CheckedPerson person, Rejection reason) => _quarantine.Add(new QuarantinedRecord(person.Role, person.SourceId,
        JsonSerializer.Serialize(new { person.LastName, person.FirstName, person.MiddleName, person.BirthDate, snils = person.Snils?.Masked }), reason));

    /// <summary>
    /// One SNILS, two people: another birth date (both known), or neither the last nor the first name alike. A
    /// changed last name alone (marriage) or a corrected patronymic is the same person.
    /// </summary>
    private static bool Mismatch(PersonStanding stand, CheckedPerson person) =>
        (stand.Stored.BirthDate is { } born && person.BirthDate is { } claimed && born != claimed)
        || (PersonNames.Fold(stand.Stored.LastName) != PersonNames.Fold(person.LastName) && PersonNames.Fold(stand.Stored.FirstName) != PersonNames.Fold(person.FirstName));

    /// <summary>The holder's operators see the claim too: under their own source, school and student id.</summary>
    private async Task NoteForHolderAsync(Guid personId, OpenEnrollment open, Guid claimingSchoolId)
    {
        var claimant = await ScalarAsync<string>(connection, "SELECT coalesce(short_name, full_name) FROM school WHERE id = $1", cancellationToken, claimingSchoolId);
        var reason = OwnershipReasons.ClaimedElsewhere(claimant, target.RegionCode);
        await ExecuteAsync(connection, """
            INSERT INTO quarantine (source_system, scope, kind, source_id, raw_payload, reason_code, reason)
            SELECT sm.source_system, $3 || '/' || sm.source_id, 'student', pm.source_id, $4, $5, $6
            FROM identity_map sm JOIN identity_map pm ON pm.source_system = sm.source_system AND pm.kind = 'student' AND pm.federal_id = $2
            WHERE sm.federal_id = $1 AND sm.kind = 'school' AND sm.source_system = $7
            ON CONFLICT (source_system, kind, source_id, reason_code) WHERE resolved_at IS NULL
            DO UPDATE SET last_seen = now(), occurrences = quarantine.occurrences + 1, reason = excluded.reason
            """, cancellationToken, open.SchoolId, personId, open.Region, JsonSerializer.Serialize(new { claimedBy = target.SourceSystem, region = target.RegionCode, school = claimant }),
            reason.Code, reason.Message, open.Owner ?? "");
    }

    private sealed record OpenEnrollment(Guid SchoolId, string Name, string Region, string? Owner, Guid ClassId);

    /// <param name="Stored">The person's row as stored: what the upsert would compare, and a SNILS match is checked against.</param>
    private sealed record PersonStanding(StoredPerson Stored, string? Owner, OpenEnrollment? OpenSchool);

    /// <summary>A person's row as the store holds it, or as the upsert would leave it.</summary>
    private sealed record StoredPerson(string LastName, string FirstName, string? MiddleName, string SearchName, DateOnly? BirthDate, string? Gender, string? Snils)
    {
        /// <summary>The row after the upsert of <paramref name="person"/>: what a source does not know is kept.</summary>
        public StoredPerson With(CheckedPerson person) => new(person.LastName, person.FirstName, person.MiddleName, SchoolWriter.SearchName(person),
            person.BirthDate ?? BirthDate, person.Gender ?? Gender, person.Snils?.Canonical ?? Snils);
    }

    /// <summary>What the store holds of people a snapshot may touch: their owner, their details, their open enrollment.</summary>
    /// <remarks>
    /// Each person, and their open enrollment's class, by index (the fences keep the planner from hashing every person
    /// and open enrollment: before statistics it guesses a few hundred, and a school's first sync is read that way);
    /// then each of those classes' school, region and owner once, not once a student.
    /// </remarks>
    private async Task<Dictionary<Guid, PersonStanding>> StandingAsync(Guid[] ids)
    {
        var rows = await ListAsync(connection, """
            WITH standing AS (
                SELECT p.*, e.class_id
                FROM unnest($1::uuid[]) AS wanted(id)
                CROSS JOIN LATERAL (SELECT p.id, p.last_name, p.first_name, p.birth_date, po.source_system AS owner, p.middle_name, p.search_name, p.gender, p.snils
                                    FROM person p LEFT JOIN person_owner po ON po.person_id = p.id WHERE p.id = wanted.id OFFSET 0) p
                LEFT JOIN LATERAL (SELECT class_id FROM enrollment WHERE student_id = p.id AND ends_on IS NULL OFFSET 0) e ON true),
            schools AS (
                SELECT c.id AS class_id, s.id AS school_id, coalesce(s.short_name, s.full_name) AS name, r.code, so.source_system AS owner
                FROM (SELECT DISTINCT class_id FROM standing) k CROSS JOIN LATERAL (SELECT * FROM class WHERE id = k.class_id OFFSET 0) c
                JOIN school s ON s.id = c.school_id JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
                LEFT JOIN school_owner so ON so.school_id = s.id)
            SELECT p.id, p.last_name, p.first_name, p.birth_date, p.owner, o.school_id, o.name, o.code, o.owner, p.middle_name, p.search_name, p.gender, p.snils, o.class_id
            FROM standing p LEFT JOIN schools o ON o.class_id = p.class_id
            """, r => (Id: r.GetGuid(0), Standing: new PersonStanding(
                new StoredPerson(r.GetString(1), r.GetString(2), r.IsDBNull(9) ? null : r.GetString(9), r.GetString(10),
                    r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)),
                r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : new OpenEnrollment(r.GetGuid(5), r.GetString(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetGuid(13)))),
            cancellationToken, ids);
        return rows.ToDictionary(row => row.Id, row => row.Standing);
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
            // One primary-key lookup a person (the fence keeps the planner from hashing every identity of the source,
            // which it does when it guesses, before statistics, that a source has a few hundred).
            """
            SELECT p.kind, p.source_id, m.federal_id FROM unnest($2::text[], $3::text[]) AS p(kind, source_id)
            CROSS JOIN LATERAL (SELECT federal_id FROM identity_map m WHERE m.source_system = $1 AND m.kind = p.kind AND m.source_id = p.source_id OFFSET 0) m
            """,
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

    private async Task<Dictionary<string, Guid>> PeopleBySnilsAsync(string[] snilses)
    {
        var bySnils = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (snilses.Length == 0)
        {
            return bySnils;
        }

        // As char(11), the column's type: compared as text, the column was cast and its unique index never used.
        await using var command = new NpgsqlCommand("SELECT snils, id FROM person WHERE snils = ANY($1::char(11)[])", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = snilses });
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
        await CopyAsync(connection, "s_enrollment", rows, columns => columns.Add("student_id uuid", row => row.Student).Add("class_id uuid", row => row.Class), cancellationToken);
        // Every student listed already open-enrolled in the class listed (a repeat sync): no transfer to close, no
        // enrollment to open, and neither statement is sent.
        var settled = rows.All(row => _standing.GetValueOrDefault(row.Student)?.OpenSchool?.ClassId == row.Class);
        var yesterday = target.Today.AddDays(-1);
        var transferred = settled ? 0 : await ExecuteAsync(connection, """
            UPDATE enrollment e SET ends_on = GREATEST(e.starts_on, $1) FROM s_enrollment s
            WHERE e.student_id = s.student_id AND e.ends_on IS NULL AND e.class_id <> s.class_id
            """, cancellationToken, yesterday);

        var leaving = snapshot.Complete.HasFlag(RosterParts.Enrollments) ? await LeavingAsync(schoolId) : [];
        var open = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {SchoolEnrollments} WHERE c.school_id = $1 AND e.ends_on IS NULL", cancellationToken, schoolId);
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
        Count(settled ? (0, 0) : await UpsertAsync(connection, """
            INSERT INTO enrollment (student_id, class_id, starts_on)
            SELECT s.student_id, s.class_id,
                   CASE WHEN EXISTS (SELECT 1 FROM enrollment p WHERE p.student_id = s.student_id) THEN $1 ELSE y.starts_on END
            FROM s_enrollment s JOIN class c ON c.id = s.class_id JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            WHERE NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.student_id = s.student_id AND e.ends_on IS NULL)
            ON CONFLICT (student_id, class_id, starts_on) DO UPDATE SET ends_on = NULL
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, target.Today), transferred + ended);
    }

    /// <summary>
    /// Enrollments as <c>e</c> with their classes as <c>c</c>, class by class through its index: the fence keeps the planner from
    /// intersecting each class's with every open enrollment of the database, as it does before statistics.
    /// </summary>
    private const string SchoolEnrollments = "class c CROSS JOIN LATERAL (SELECT id, student_id, ends_on FROM enrollment WHERE class_id = c.id OFFSET 0) e";

    /// <summary>Open enrollments of the school whose students the roster no longer lists.</summary>
    private async Task<List<Guid>> LeavingAsync(Guid schoolId)
    {
        var leaving = new List<Guid>();
        await using var command = Command(connection, $"""
            SELECT e.id FROM {SchoolEnrollments}
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
        var listed = snapshot.Guardianships
            .Where(g => people.ContainsKey(("parent", g.ParentSourceId)) && people.ContainsKey(("student", g.StudentSourceId)))
            .Select(g => (Parent: people[("parent", g.ParentSourceId)], Student: people[("student", g.StudentSourceId)], g.Relation, g.ParentSourceId, g.StudentSourceId))
            .ToList();
        // A guardian who is the student (the same SNILS, or the same record) is a source's mistake, not a relation.
        foreach (var self in listed.Where(g => g.Parent == g.Student))
        {
            _quarantine.Add(new QuarantinedRecord("guardian", self.ParentSourceId, JsonSerializer.Serialize(new { student = self.StudentSourceId, relation = self.Relation }),
                new Rejection("guardian.is-student", "Законным представителем ученика указан он сам")));
        }

        var rows = listed.Where(g => g.Parent != g.Student).DistinctBy(g => (g.Parent, g.Student)).ToList();
        // A whole list that the store already holds for these students, relation for relation, is not staged again.
        if (snapshot.Complete.HasFlag(RosterParts.Guardians) && StoreHolds.Same == await CompareStoredAsync(connection, rows.Select(g => (Key: (g.Parent, g.Student), Row: g.Relation)), """
            SELECT g.parent_id, g.student_id, g.relation
            FROM s_enrollment s CROSS JOIN LATERAL (SELECT parent_id, student_id, relation FROM guardianship WHERE student_id = s.student_id OFFSET 0) g
            """, r => ((r.GetGuid(0), r.GetGuid(1)), r.GetString(2)), cancellationToken))
        {
            return;
        }

        await CopyAsync(connection, "s_guardianship", rows, columns => columns
            .Add("parent_id uuid", row => row.Parent).Add("student_id uuid", row => row.Student).Add("relation text", row => row.Relation), cancellationToken);
        var upserted = await UpsertAsync(connection, """
            INSERT INTO guardianship (parent_id, student_id, relation) SELECT parent_id, student_id, relation FROM s_guardianship
            ON CONFLICT (parent_id, student_id) DO UPDATE SET relation = excluded.relation WHERE guardianship.relation IS DISTINCT FROM excluded.relation
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken);
        var deleted = !snapshot.Complete.HasFlag(RosterParts.Guardians) ? 0 : await ExecuteAsync(connection, """
            DELETE FROM guardianship g USING s_enrollment s
            WHERE g.student_id = s.student_id AND NOT EXISTS (SELECT 1 FROM s_guardianship x WHERE x.parent_id = g.parent_id AND x.student_id = g.student_id)
            """, cancellationToken);
        Count(upserted, deleted);
    }

    private async Task WriteStaffAsync(Guid schoolId, SchoolSnapshot snapshot, Dictionary<(string, string), Guid> people)
    {
        // One row per role: a teacher who is also an administrator has both; an administrator's row carries no subjects.
        var rows = snapshot.Teachers.Where(t => people.ContainsKey(("teacher", t.SourceId))).DistinctBy(t => people[("teacher", t.SourceId)])
            .SelectMany(t => t.Roles.Select(role => (Person: people[("teacher", t.SourceId)], Role: role,
                Subjects: role == "teacher" ? t.Subjects.Order(StringComparer.Ordinal).ToArray() : [], t.Email)));
        // A whole staff list that the store already holds for the school, row for row, is not staged again (the
        // subjects compared as their JSON, an array being equal to another only element by element).
        if (snapshot.Complete.HasFlag(RosterParts.Staff) && StoreHolds.Same == await CompareStoredAsync(connection,
                rows.Select(row => (Key: (row.Person, row.Role), Row: (Subjects: JsonSerializer.Serialize(row.Subjects), row.Email))),
                "SELECT person_id, role, subjects, email FROM staff WHERE school_id = $1",
                r => ((r.GetGuid(0), r.GetString(1)), (JsonSerializer.Serialize(r.GetFieldValue<string[]>(2)), r.IsDBNull(3) ? null : r.GetString(3))), cancellationToken, schoolId))
        {
            return;
        }

        await CopyAsync(connection, "s_staff", rows, columns => columns
            .Add("person_id uuid", row => row.Person).Add("role text", row => row.Role).Add("subjects text[]", row => row.Subjects).Add("email text", row => row.Email), cancellationToken);
        var upserted = await UpsertAsync(connection, """
            INSERT INTO staff (person_id, school_id, role, subjects, email) SELECT person_id, $1, role, subjects, email FROM s_staff
            ON CONFLICT (person_id, school_id, role) DO UPDATE SET subjects = excluded.subjects, email = excluded.email
            WHERE (staff.subjects, staff.email) IS DISTINCT FROM (excluded.subjects, excluded.email)
            RETURNING (xmax = 0) AS inserted
            """, cancellationToken, schoolId);
        var deleted = !snapshot.Complete.HasFlag(RosterParts.Staff) ? 0 : await ExecuteAsync(connection,
            "DELETE FROM staff WHERE school_id = $1 AND (person_id, role) NOT IN (SELECT person_id, role FROM s_staff)", cancellationToken, schoolId);
        Count(upserted, deleted);
    }

    /// <summary>
    /// A delta's references to classes, students and teachers delivered earlier, found through the identity map:
    /// classes of this school only, students enrolled in it. What cannot be found stays unresolved (quarantined).
    /// </summary>
    private async Task ResolveStoredReferencesAsync(Guid schoolId, JournalWindow journal, Dictionary<string, Guid> classes, Dictionary<(string, string), Guid> people)
    {
        var classIds = journal.Lessons.Select(l => l.ClassSourceId).Concat(journal.Marks.Select(m => m.ClassSourceId)).Concat(journal.Attendance.Select(a => a.ClassSourceId))
            .Concat(journal.Events.Select(e => e.ClassSourceId).OfType<string>()).Concat((journal.Groups ?? []).Select(g => g.ClassSourceId))
            .Where(id => !classes.ContainsKey(id)).Distinct().ToArray();
        await ReadPairsAsync("""
            SELECT m.source_id, m.federal_id FROM identity_map m JOIN class c ON c.id = m.federal_id
            WHERE m.source_system = $1 AND m.kind = 'class' AND m.source_id = ANY($2) AND c.school_id = $3
            """, classIds, (id, federalId) => classes[id] = federalId, schoolId);
        var studentIds = journal.Marks.Select(m => m.StudentSourceId).Concat(journal.Attendance.Select(a => a.StudentSourceId))
            .Concat((journal.Groups ?? []).SelectMany(g => g.StudentSourceIds)).Where(id => !people.ContainsKey(("student", id))).Distinct().ToArray();
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

    /// <summary>
    /// What was refused before and is written now is no longer a problem: its open quarantine rows (the claimant's,
    /// and a holder's <c>person.claimed-elsewhere</c> for a student now written here) are resolved; the holder writing
    /// its own student again resolves no claim against it. Roster records
    /// only: the journal's are many, and an operator resolves those.
    /// </summary>
    private Task ResolveQuarantineAsync(string schoolSourceId, IEnumerable<string> classes, Dictionary<(string Role, string SourceId), Guid> people)
    {
        // A record written but also refused in part this time (a second listing, a duplicate) keeps its quarantine.
        var refusedNow = _quarantine.Select(q => (q.Kind, q.SourceId)).ToHashSet();
        var written = classes.Select(id => (Kind: "class", Id: id)).Concat(people.Keys.Select(k => (Kind: k.Role, Id: k.SourceId)))
            .Where(w => !refusedNow.Contains((w.Kind, w.Id))).ToList();
        return ExecuteAsync(connection, """
            WITH written AS (SELECT * FROM unnest($3::text[], $4::text[]) AS w(kind, source_id)),
            claims AS (
                SELECT m.source_system, m.source_id FROM identity_map m
                WHERE m.kind = 'student' AND m.federal_id = ANY($5) AND m.source_system <> $1)
            UPDATE quarantine q SET resolved_at = now()
            WHERE q.resolved_at IS NULL AND (
                (q.source_system = $1 AND q.scope = $2 AND q.reason_code <> 'person.claimed-elsewhere' AND (q.kind, q.source_id) IN (SELECT kind, source_id FROM written))
                OR (q.reason_code = 'person.claimed-elsewhere' AND q.kind = 'student' AND (q.source_system, q.source_id) IN (SELECT source_system, source_id FROM claims)))
            """, cancellationToken, target.SourceSystem, $"{target.RegionCode}/{SourceText.Storable(schoolSourceId, SourceText.IdLength)}",
            written.Select(w => w.Kind).ToArray(), written.Select(w => w.Id).ToArray(), people.Where(p => p.Key.Role == "student").Select(p => p.Value).ToArray());
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
                """, cancellationToken, target.SourceSystem, $"{target.RegionCode}/{SourceText.Storable(schoolSourceId, SourceText.IdLength)}", record.Kind,
                record.SourceId is null ? null : SourceText.Storable(record.SourceId, SourceText.IdLength), SourceText.Storable(record.RawPayload.Text), record.Reason.Code,
                SourceText.Storable(record.Reason.Message), target.RunId);
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
