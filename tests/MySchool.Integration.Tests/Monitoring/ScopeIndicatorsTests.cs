using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Monitoring;

/// <summary>
/// Seeds 000 and 001's indicators for a scope (a region, some schools): the share of students and of teachers linked
/// to ESIA, and the share of schools where at least 81 % of the teachers are (the target: at least 33 % of schools).
/// </summary>
public class ScopeIndicatorsTests
{
    [Fact]
    public async Task Indicators_CountLinkedStudentsAndTeachers_AndTheSchoolsAtTheTeacherTarget_ForARegionAndForOneSchool()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await harness.SyncAsync();
        var db = harness.Db;
        var first = await db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        // Every teacher of the first school and half its students get an ESIA account; nobody else does.
        await db.ExecuteAsync("UPDATE person SET esia_oid = NULL");
        await db.ExecuteAsync("""
            UPDATE person p SET esia_oid = 3000000000 + x.n FROM (
                SELECT person_id AS id, row_number() OVER () AS n FROM (
                    SELECT DISTINCT a.person_id FROM staff a WHERE a.school_id = $1 AND a.role = 'teacher'
                    UNION SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND e.ends_on IS NULL AND abs(hashtext(e.student_id::text)) % 2 = 0) w) x
            WHERE p.id = x.id
            """, first);
        var students = await db.ScalarAsync<long>("SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND e.ends_on IS NULL", first);
        var linked = await db.ScalarAsync<long>("SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN person p ON p.id = e.student_id WHERE c.school_id = $1 AND e.ends_on IS NULL AND p.esia_oid IS NOT NULL", first);
        var schools = await db.ScalarAsync<long>("SELECT count(*) FROM school");
        var reader = new MonitoringReader(db, TimeProvider.System);

        var school = await reader.IndicatorsAsync([], [first], int.MaxValue, CancellationToken.None);
        var region = await reader.IndicatorsAsync(["54"], [], int.MaxValue, CancellationToken.None);

        Assert.Equal(1, school.Schools);
        Assert.Equal((double)linked / students, school.StudentsLinked, 6);
        Assert.Equal(1.0, school.TeachersLinked, 6);
        Assert.Equal(1.0, school.SchoolsAtTeacherTarget, 6);
        Assert.Equal(1.0 / schools, region.SchoolsAtTeacherTarget, 6);
        Assert.True(region.TeachersLinked is > 0 and < 1);
    }
}
