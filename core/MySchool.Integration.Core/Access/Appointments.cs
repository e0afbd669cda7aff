using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Access;

/// <summary>The people who run the gateway (seeds 002, 003), from the widest scope to the narrowest.</summary>
public enum AppointmentRole
{
    Federal,
    Regional,
    Municipal,
    School,
}

/// <summary>
/// One open appointment: who, in which role, over which region, municipality or school, since when and by whom. A school
/// administrator's appointment also names the school's municipality, so that its coordinator sees it.
/// </summary>
public sealed record Appointment(
    long Id,
    long EsiaOid,
    string FullName,
    AppointmentRole Role,
    string? RegionCode,
    Guid? MunicipalityId,
    string? MunicipalityName,
    Guid? SchoolId,
    string? SchoolName,
    string AppointedBy,
    DateTimeOffset AppointedAt);

/// <summary>Whom to appoint, in which role, where. The region is implied by a municipality or school.</summary>
public sealed record AppointmentRequest(AppointmentRole Role, long EsiaOid, string FullName, string? RegionCode = null, Guid? MunicipalityId = null, Guid? SchoolId = null);

/// <summary>
/// Appointments and their one rule: a person appoints only below their own scope. A federal operator appoints
/// regional coordinators; a regional coordinator, the municipal coordinators and school administrators of the
/// region; a municipal coordinator, the administrators of the municipality's schools. Whoever could have made an
/// appointment may revoke it. Every appointment and revocation is audited in its own transaction.
/// </summary>
public sealed class Appointments(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        a.id, a.esia_oid, a.full_name, a.role, coalesce(a.region_code, r.code), m.id, m.name, a.school_id, s.full_name, a.appointed_by, a.appointed_at
        FROM appointment a
        LEFT JOIN school s ON s.id = a.school_id
        LEFT JOIN municipality m ON m.id = coalesce(a.municipality_id, s.municipality_id)
        LEFT JOIN region r ON r.id = m.region_id
        """;

    /// <summary>A person's open appointments: what they may see once logged in.</summary>
    public Task<List<Appointment>> OpenAsync(long esiaOid, CancellationToken cancellationToken) =>
        ListAsync(dataSource, $"SELECT {Columns} WHERE a.revoked_at IS NULL AND a.esia_oid = $1 ORDER BY a.id", Read, cancellationToken, esiaOid);

    /// <summary>The open appointments inside a scope (a federal operator sees all), narrowest last.</summary>
    public async Task<List<Appointment>> WithinAsync(OperatorScope scope, CancellationToken cancellationToken)
    {
        var all = await ListAsync(dataSource, $"SELECT {Columns} WHERE a.revoked_at IS NULL ORDER BY a.role, a.full_name, a.id", Read, cancellationToken);
        return [.. all.Where(a => a.Role != AppointmentRole.Federal || scope.Federal).Where(a => Covers(scope, a))];
    }

    /// <summary>Answers null when the appointment is made, or why it is refused (in Russian, for the person making it).</summary>
    public async Task<string?> AppointAsync(string actor, OperatorScope appointer, AppointmentRequest request, CancellationToken cancellationToken)
    {
        var place = await PlaceAsync(request, cancellationToken);
        if (place is null)
        {
            return request.Role == AppointmentRole.Municipal ? "Муниципалитет не найден" : request.Role == AppointmentRole.School ? "Школа не найдена" : "Регион не указан";
        }

        if (request.Role == AppointmentRole.Federal || !MayAppoint(appointer, request.Role, place.Value.Region, place.Value.Municipality))
        {
            return "Назначать на эту роль в этом месте вы не можете: назначают только на роли ниже своей и в своих пределах";
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await ScalarAsync<object?>(connection, """
            INSERT INTO appointment (esia_oid, full_name, role, region_code, municipality_id, school_id, appointed_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id
            """, cancellationToken, request.EsiaOid, request.FullName, Name(request.Role), place.Value.Region,
            request.MunicipalityId, request.SchoolId, actor);
        if (id is null)
        {
            return "Этот человек уже назначен на эту роль здесь";
        }

        await AuditLog.RecordAsync(connection, actor, "appointment.made", place.Value.Region,
            new { appointment = (long)id, oid = request.EsiaOid, role = Name(request.Role), municipality = request.MunicipalityId, school = request.SchoolId }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Answers null when the appointment is revoked, or why not.</summary>
    public async Task<string?> RevokeAsync(string actor, OperatorScope revoker, long id, CancellationToken cancellationToken)
    {
        var found = await ListAsync(dataSource, $"SELECT {Columns} WHERE a.revoked_at IS NULL AND a.id = $1", Read, cancellationToken, id);
        if (found is not [var appointment])
        {
            return "Назначение не найдено или уже отозвано";
        }

        if (appointment.Role == AppointmentRole.Federal || !MayAppoint(revoker, appointment.Role, appointment.RegionCode!, appointment.MunicipalityId))
        {
            return "Отозвать это назначение вы не можете";
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "UPDATE appointment SET revoked_by = $2, revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", cancellationToken, id, actor);
        await AuditLog.RecordAsync(connection, actor, "appointment.revoked", appointment.RegionCode,
            new { appointment = id, oid = appointment.EsiaOid, role = Name(appointment.Role), municipality = appointment.MunicipalityId, school = appointment.SchoolId }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Configuration's operators (<c>*</c>: federal; a region code: that region's coordinator) become appointments
    /// once; a repeat start changes nothing, and an appointment revoked in the dashboard is not made again.
    /// </summary>
    public async Task SeedAsync(IEnumerable<(long EsiaOid, string Region)> operators, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (oid, region) in operators)
        {
            var federal = region == "*";
            await ExecuteAsync(connection, """
                INSERT INTO appointment (esia_oid, full_name, role, region_code, appointed_by)
                SELECT $1, 'oid ' || $1, $2, $3, 'configuration'
                WHERE NOT EXISTS (SELECT 1 FROM appointment WHERE esia_oid = $1 AND role = $2 AND region_code IS NOT DISTINCT FROM $3 AND appointed_by = 'configuration')
                """, cancellationToken, oid, federal ? "federal" : "regional", federal ? null : region);
        }
    }

    /// <summary>The person's name as ESIA gave it at their login, for the lists.</summary>
    public async Task RenameAsync(long esiaOid, string fullName, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "UPDATE appointment SET full_name = $2 WHERE esia_oid = $1 AND full_name <> $2", esiaOid, fullName);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The schools a scope holds below the region (a municipal coordinator's, a school administrator's): what
    /// region-wide lists leave out for them. None for a scope of whole regions only.
    /// </summary>
    public async Task<List<Guid>> OwnSchoolIdsAsync(OperatorScope scope, CancellationToken cancellationToken) =>
        scope.BelowRegions.IsEmpty ? [] : [.. (await SchoolsWithinAsync(scope.BelowRegions, cancellationToken)).Select(s => s.Id)];

    /// <summary>Whether a scope covers a school, through its region, its municipality or itself.</summary>
    public async Task<bool> CoversSchoolAsync(OperatorScope scope, Guid school, CancellationToken cancellationToken) =>
        scope.Federal || (await SchoolPlaceAsync(school, cancellationToken) is { } place && scope.CoversSchool(place.Region, place.Municipality, school));

    /// <summary>
    /// Whether a scope covers a run: a region's run through the region; one school's run (<c>54/1001</c>) also through
    /// the school, found by the run's source and the school's id there.
    /// </summary>
    public async Task<bool> CoversRunAsync(OperatorScope scope, string sourceSystem, string runScope, CancellationToken cancellationToken)
    {
        var parts = runScope.Split('/', 2);
        if (scope.Federal || scope.Regions.Contains(parts[0]))
        {
            return true;
        }

        if (parts.Length < 2)
        {
            return false;
        }

        var schools = await ListAsync(dataSource, "SELECT federal_id FROM identity_map WHERE source_system = $1 AND kind = 'school' AND source_id = $2",
            reader => reader.GetGuid(0), cancellationToken, sourceSystem, parts[1]);
        return schools is [var school] && await CoversSchoolAsync(scope, school, cancellationToken);
    }

    /// <summary>A member of a school's staff with their ESIA account (null when not linked) and name; null when they are not its staff.</summary>
    public async Task<(long? EsiaOid, string Name)?> StaffMemberAsync(Guid school, Guid person, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, """
            SELECT p.esia_oid, concat_ws(' ', p.last_name, p.first_name, p.middle_name) FROM person p
            WHERE p.id = $2 AND EXISTS (SELECT 1 FROM staff a WHERE a.school_id = $1 AND a.person_id = p.id)
            """, reader => (reader.IsDBNull(0) ? (long?)null : reader.GetInt64(0), reader.GetString(1)), cancellationToken, school, person)) is [var one] ? one : null;

    /// <summary>The registry's name for a SNILS, when the person is in it: an appointee's name before their first login.</summary>
    public async Task<string?> RegistryNameAsync(string snils, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, "SELECT concat_ws(' ', last_name, first_name, middle_name) FROM person WHERE snils = $1",
            reader => reader.GetString(0), cancellationToken, snils)) is [var name] ? name : null;

    /// <summary>Where a school lies: its region and municipality; null when there is no such school.</summary>
    public async Task<(string Region, Guid Municipality)?> SchoolPlaceAsync(Guid school, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(dataSource, "SELECT r.code, m.id FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id WHERE s.id = $1",
            reader => (reader.GetString(0), reader.GetGuid(1)), cancellationToken, school);
        return rows is [var place] ? place : null;
    }

    /// <summary>
    /// The schools inside a scope with their municipality and region: where appointments can be made. Chosen in SQL
    /// (as <see cref="OperatorScope.CoversSchool"/> does), not from the country's every school.
    /// </summary>
    public Task<List<SchoolPlace>> SchoolsWithinAsync(OperatorScope scope, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT s.id, s.full_name, r.code, m.id, m.name, m.oktmo FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
        WHERE $1 OR r.code = ANY($2) OR m.id = ANY($3) OR s.id = ANY($4)
        ORDER BY r.code, m.name, s.full_name
        """, reader => new SchoolPlace(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5)), cancellationToken,
        scope.Federal, scope.Regions.ToArray(), scope.Municipalities.ToArray(), scope.Schools.ToArray());

    public static string Name(AppointmentRole role) => role.ToString().ToLowerInvariant();

    private static bool MayAppoint(OperatorScope appointer, AppointmentRole role, string region, Guid? municipality) => role switch
    {
        AppointmentRole.Regional => appointer.Federal,
        AppointmentRole.Municipal => appointer.Federal || appointer.Regions.Contains(region),
        AppointmentRole.School => appointer.Federal || appointer.Regions.Contains(region) || (municipality is { } m && appointer.Municipalities.Contains(m)),
        _ => false,
    };

    private static bool Covers(OperatorScope scope, Appointment a) =>
        scope.Federal || (a.RegionCode is { } region && scope.Regions.Contains(region))
        || (a.MunicipalityId is { } m && scope.Municipalities.Contains(m)) || (a.SchoolId is { } s && scope.Schools.Contains(s));

    private async Task<(string Region, Guid? Municipality)?> PlaceAsync(AppointmentRequest request, CancellationToken cancellationToken)
    {
        switch (request.Role)
        {
            case AppointmentRole.School when request.SchoolId is { } school:
                return await SchoolPlaceAsync(school, cancellationToken) is { } place ? (place.Region, place.Municipality) : null;
            case AppointmentRole.Municipal when request.MunicipalityId is { } municipality:
                var regions = await ListAsync(dataSource, "SELECT r.code FROM municipality m JOIN region r ON r.id = m.region_id WHERE m.id = $1", reader => reader.GetString(0), cancellationToken, municipality);
                return regions is [var code] ? (code, municipality) : null;
            case AppointmentRole.Regional when request.RegionCode is { Length: > 0 } region:
                return (region, null);
            default:
                return null;
        }
    }

    private static Appointment Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), Enum.Parse<AppointmentRole>(reader.GetString(3), ignoreCase: true),
        reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetGuid(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10));
}

/// <summary>A school with where it lies.</summary>
public sealed record SchoolPlace(Guid Id, string Name, string Region, Guid MunicipalityId, string Municipality, string Oktmo);

/// <summary>What a person may see and act on: the union of their open appointments.</summary>
public sealed record OperatorScope(bool Federal, IReadOnlySet<string> Regions, IReadOnlySet<Guid> Municipalities, IReadOnlySet<Guid> Schools)
{
    public static OperatorScope Of(IEnumerable<Appointment> appointments)
    {
        var list = appointments.ToList();
        return new(
            list.Any(a => a.Role == AppointmentRole.Federal),
            list.Where(a => a.Role == AppointmentRole.Regional).Select(a => a.RegionCode!).ToHashSet(StringComparer.Ordinal),
            list.Where(a => a.Role == AppointmentRole.Municipal).Select(a => a.MunicipalityId!.Value).ToHashSet(),
            list.Where(a => a.Role == AppointmentRole.School).Select(a => a.SchoolId!.Value).ToHashSet());
    }

    /// <summary>A region's coordinator's scope.</summary>
    public static OperatorScope OfRegion(string code) => new(false, new HashSet<string>(StringComparer.Ordinal) { code }, new HashSet<Guid>(), new HashSet<Guid>());

    public bool IsEmpty => !Federal && Regions.Count == 0 && Municipalities.Count == 0 && Schools.Count == 0;

    /// <summary>The municipalities and schools alone: what region-wide lists leave out for the people appointed to them.</summary>
    public OperatorScope BelowRegions => this with { Federal = false, Regions = new HashSet<string>() };

    public bool CoversRegion(string region) => Federal || Regions.Contains(region);

    /// <summary>A municipality is in scope through its region or itself (not through one of its schools).</summary>
    public bool CoversMunicipality(string region, Guid municipality) => CoversRegion(region) || Municipalities.Contains(municipality);

    /// <summary>A school is in scope through its region, its municipality or itself.</summary>
    public bool CoversSchool(string region, Guid municipality, Guid school) => CoversMunicipality(region, municipality) || Schools.Contains(school);
}
