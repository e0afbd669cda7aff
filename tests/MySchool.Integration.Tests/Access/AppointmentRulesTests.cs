using MySchool.Integration.Core.Access;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Access;

/// <summary>
/// Seeds 002 and 003: a person appoints only below their own role and inside their own scope, revokes what they could
/// have appointed, and every act is audited; configuration seeds the first operators once.
/// </summary>
public class AppointmentRulesTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    private static readonly OperatorScope Federal = new(true, new HashSet<string>(), new HashSet<Guid>(), new HashSet<Guid>());
    private static long _oid = 2_000_000_000;

    private Appointments Appointments => new(database.DataSource);

    [Fact]
    public async Task ARegionalCoordinator_AppointsASchoolAdministratorOfTheRegion_AndTheActIsAudited()
    {
        var (region, _, school) = await SchoolAsync();
        var oid = NextOid();

        Assert.Null(await Appointments.AppointAsync("esia:1", Regional(region), new(AppointmentRole.School, oid, "Петрова Анна", SchoolId: school), CancellationToken.None));

        var appointment = Assert.Single(await Appointments.OpenAsync(oid, CancellationToken.None));
        Assert.Equal((AppointmentRole.School, school, region, "esia:1"), (appointment.Role, appointment.SchoolId, appointment.RegionCode, appointment.AppointedBy));
        Assert.Equal(1L, await database.DataSource.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'appointment.made' AND details ->> 'oid' = $1", oid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ARegionalCoordinator_CannotAppointInAnotherRegion_NorARegionalCoordinator()
    {
        var (_, municipality, school) = await SchoolAsync();
        var otherRegion = Regional("99");

        Assert.NotNull(await Appointments.AppointAsync("esia:1", otherRegion, new(AppointmentRole.School, NextOid(), "x", SchoolId: school), CancellationToken.None));
        Assert.NotNull(await Appointments.AppointAsync("esia:1", otherRegion, new(AppointmentRole.Municipal, NextOid(), "x", MunicipalityId: municipality), CancellationToken.None));
        Assert.NotNull(await Appointments.AppointAsync("esia:1", otherRegion, new(AppointmentRole.Regional, NextOid(), "x", RegionCode: "99"), CancellationToken.None));
        Assert.Null(await Appointments.AppointAsync("esia:1", Federal, new(AppointmentRole.Regional, NextOid(), "x", RegionCode: "99"), CancellationToken.None));
    }

    [Fact]
    public async Task AMunicipalCoordinator_AppointsSchoolAdministratorsOfItsMunicipalityOnly()
    {
        var (_, municipality, school) = await SchoolAsync();
        var (_, _, elsewhere) = await SchoolAsync();
        var coordinator = new OperatorScope(false, new HashSet<string>(), new HashSet<Guid> { municipality }, new HashSet<Guid>());

        Assert.Null(await Appointments.AppointAsync("esia:2", coordinator, new(AppointmentRole.School, NextOid(), "x", SchoolId: school), CancellationToken.None));
        Assert.NotNull(await Appointments.AppointAsync("esia:2", coordinator, new(AppointmentRole.School, NextOid(), "x", SchoolId: elsewhere), CancellationToken.None));
        Assert.NotNull(await Appointments.AppointAsync("esia:2", coordinator, new(AppointmentRole.Municipal, NextOid(), "x", MunicipalityId: municipality), CancellationToken.None));
    }

    [Fact]
    public async Task ASchoolAdministrator_AppointsNobody()
    {
        var (_, _, school) = await SchoolAsync();
        var administrator = new OperatorScope(false, new HashSet<string>(), new HashSet<Guid>(), new HashSet<Guid> { school });

        Assert.NotNull(await Appointments.AppointAsync("esia:3", administrator, new(AppointmentRole.School, NextOid(), "x", SchoolId: school), CancellationToken.None));
    }

    [Fact]
    public async Task AnAppointment_IsRevokedByWhoeverCouldMakeIt_NotByOthers_AndTheRevocationIsAudited()
    {
        var (region, _, school) = await SchoolAsync();
        var oid = NextOid();
        await Appointments.AppointAsync("esia:1", Regional(region), new(AppointmentRole.School, oid, "x", SchoolId: school), CancellationToken.None);
        var id = Assert.Single(await Appointments.OpenAsync(oid, CancellationToken.None)).Id;

        Assert.NotNull(await Appointments.RevokeAsync("esia:9", Regional("99"), id, CancellationToken.None));
        Assert.Null(await Appointments.RevokeAsync("esia:1", Regional(region), id, CancellationToken.None));

        Assert.Empty(await Appointments.OpenAsync(oid, CancellationToken.None));
        Assert.Equal("esia:1", await database.DataSource.ScalarAsync<string>("SELECT revoked_by FROM appointment WHERE id = $1", id));
        Assert.Equal(1L, await database.DataSource.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'appointment.revoked' AND (details ->> 'appointment')::bigint = $1", id));
    }

    [Fact]
    public async Task TheSameAppointmentTwice_IsRefusedTheSecondTime()
    {
        var (region, _, school) = await SchoolAsync();
        var request = new AppointmentRequest(AppointmentRole.School, NextOid(), "x", SchoolId: school);

        Assert.Null(await Appointments.AppointAsync("esia:1", Regional(region), request, CancellationToken.None));
        Assert.NotNull(await Appointments.AppointAsync("esia:1", Regional(region), request, CancellationToken.None));
    }

    [Fact]
    public async Task ConfigurationsOperators_AreSeededOnce_AsFederalOperatorsAndRegionalCoordinators()
    {
        var (federal, regional) = (NextOid(), NextOid());

        await Appointments.SeedAsync([(federal, "*"), (regional, "54")], CancellationToken.None);
        await Appointments.SeedAsync([(federal, "*"), (regional, "54")], CancellationToken.None);

        Assert.Equal(AppointmentRole.Federal, Assert.Single(await Appointments.OpenAsync(federal, CancellationToken.None)).Role);
        var coordinator = Assert.Single(await Appointments.OpenAsync(regional, CancellationToken.None));
        Assert.Equal((AppointmentRole.Regional, "54", "configuration"), (coordinator.Role, coordinator.RegionCode, coordinator.AppointedBy));
    }

    private static OperatorScope Regional(string region) => OperatorScope.OfRegion(region);

    private static long NextOid() => Interlocked.Increment(ref _oid);

    /// <summary>A new region with a municipality and a school: answers the region's code and the two ids.</summary>
    private async Task<(string Region, Guid Municipality, Guid School)> SchoolAsync()
    {
        var gradeLevel = await database.DataSource.InsertGradeLevelAsync();
        var school = await database.DataSource.ScalarAsync<Guid>("SELECT y.school_id FROM grade_level g JOIN academic_year y ON y.id = g.academic_year_id WHERE g.id = $1", gradeLevel);
        var municipality = await database.DataSource.ScalarAsync<Guid>("SELECT municipality_id FROM school WHERE id = $1", school);
        var region = await database.DataSource.ScalarAsync<string>("SELECT r.code FROM region r JOIN municipality m ON m.region_id = r.id WHERE m.id = $1", municipality);
        return (region, municipality, school);
    }
}
