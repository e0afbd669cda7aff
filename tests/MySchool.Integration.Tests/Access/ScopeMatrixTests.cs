using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Access;

/// <summary>
/// Issue 18's matrix: every role against each page and API that names a resource, inside and outside its scope:
/// allowed, 403 for what is someone else's, 404 for what does not exist at all. School A lies in the synced
/// municipality; school B is moved into a second municipality of the region, which the municipal coordinator runs.
/// </summary>
public class ScopeMatrixTests
{
    private const long Municipal = 1_000_000_201; // the mock ESIA's municipal coordinator
    private const long SchoolAdmin = 1_000_000_301; // and its school administrator

    [Fact]
    public async Task EveryRole_IsAllowedInsideItsScope_RefusedOutside_AndToldWhatDoesNotExist()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var db = site.Harness.Db;
        var a = await db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var b = await db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn DESC LIMIT 1");
        var first = await db.ScalarAsync<Guid>("SELECT municipality_id FROM school WHERE id = $1", a);
        var second = await db.ScalarAsync<Guid>("""
            INSERT INTO municipality (region_id, oktmo, name) SELECT m.region_id, '50719000', 'Искитимский район' FROM municipality m JOIN school s ON s.municipality_id = m.id WHERE s.id = $1 RETURNING id
            """, b);
        await db.ExecuteAsync("UPDATE school SET municipality_id = $1 WHERE id = $2", second, b);
        var sourceOfA = await db.ScalarAsync<string>("SELECT source_id FROM identity_map WHERE kind = 'school' AND federal_id = $1", a);
        var runs = site.Gateway.Services.GetRequiredService<SyncRuns>();
        var runOfA = await runs.QueueAsync("nso", $"54/{sourceOfA}", SyncMode.Full, CancellationToken.None);
        var regionRun = await runs.QueueAsync("nso", "54", SyncMode.Full, CancellationToken.None);

        var appointments = site.Gateway.Services.GetRequiredService<Appointments>();
        var coordinator = OperatorScope.OfRegion("54");
        Assert.Null(await appointments.AppointAsync("esia:test", coordinator, new(AppointmentRole.Municipal, Municipal, "m", MunicipalityId: second), CancellationToken.None));
        Assert.Null(await appointments.AppointAsync("esia:test", coordinator, new(AppointmentRole.School, SchoolAdmin, "s", SchoolId: a), CancellationToken.None));

        var classOfA = await db.ScalarAsync<Guid>("SELECT id FROM class WHERE school_id = $1 ORDER BY grade, letter LIMIT 1", a);
        var studentOf = async (Guid school) => await db.ScalarAsync<Guid>(
            "SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND e.ends_on IS NULL ORDER BY e.student_id LIMIT 1", school);
        var (studentOfA, studentOfB) = (await studentOf(a), await studentOf(b));
        var missing = Guid.NewGuid();
        (string Path, HttpStatusCode Federal, HttpStatusCode Regional, HttpStatusCode MunicipalB, HttpStatusCode AdminA)[] matrix =
        [
            ($"/schools/{a}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/schools/{b}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            ($"/schools/{missing}", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ($"/municipalities/{first}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ($"/municipalities/{second}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            ($"/municipalities/{missing}", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ($"/schools/{a}/classes/{classOfA}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/schools/{a}?handler=Export&list=classes&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/schools/{b}?handler=Export&list=events&format=xlsx", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            ($"/schools/{b}?handler=Export&list=nothing&format=csv", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Forbidden),
            ($"/schools/{a}/classes/{classOfA}?handler=Export&format=xlsx", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/schools/{a}/students/{studentOfA}/extract", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/schools/{b}/students/{studentOfB}/extract", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            ($"/municipalities/{second}?handler=Export&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            ("/regions/54?handler=Export&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ($"/runs/{runOfA}?handler=Export&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/runs/{regionRun}?handler=Export&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ($"/api/sync/runs/{runOfA}/schools", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK),
            ("/regions/54", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("/regions/77", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ($"/runs/{runOfA}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            ($"/runs/{regionRun}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            ("/runs/999999999", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ($"/api/sync/runs/{runOfA}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK),
            ($"/api/sync/runs/{regionRun}", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ("/runs", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/audit", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/appointments", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/appointments?handler=Export&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/?handler=Export&list=regions&format=xlsx", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/?handler=Export&list=admin-policy&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/?handler=Export&list=mail&format=csv", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            ("/?handler=Export&list=nothing&format=csv", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            ("/hangfire", HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
        ];

        var failures = new List<string>();
        foreach (var (oid, column) in new[] { (SiteOnPorts.FederalOperator, 0), (SiteOnPorts.Operator54, 1), (Municipal, 2), (SchoolAdmin, 3) })
        {
            using var session = await EsiaWalk.OperatorSessionAsync(site.Address, oid);
            foreach (var row in matrix)
            {
                var expected = new[] { row.Federal, row.Regional, row.MunicipalB, row.AdminA }[column];
                using var response = await session.GetAsync(row.Path);
                // The cookie scheme answers a page it refuses with a redirect to /denied: that is its 403.
                var status = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/denied" ? HttpStatusCode.Forbidden : response.StatusCode;
                if (status != expected)
                {
                    failures.Add($"oid {oid} {row.Path}: {(int)status}, expected {(int)expected}");
                }
            }
        }

        Assert.Empty(failures);

        // The run history holds a school administrator's school's runs, not the region's; the audit page the acts on
        // their school, not those on another school or on the region.
        await db.ExecuteAsync("INSERT INTO audit_event (actor, action, scope) VALUES ('t', 'invitation.send', $1), ('t', 'year.rollover', $2), ('t', 'sync.start', '54')", a.ToString(), b.ToString());
        using var admin = await EsiaWalk.OperatorSessionAsync(site.Address, SchoolAdmin);
        var audit = await admin.GetStringAsync(new Uri(site.Address, "/audit"));
        Assert.Contains("<td>приглашение педагогу</td>", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>переход на новый учебный год</td>", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>запуск синхронизации</td>", audit, StringComparison.Ordinal);
        var history = await admin.GetStringAsync(new Uri(site.Address, "/runs"));
        var listed = await admin.GetStringAsync(new Uri(site.Address, "/api/sync/runs"));
        Assert.Contains($"\"id\":{runOfA},", listed, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"id\":{regionRun},", listed, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{runOfA}\"", history, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/runs/{regionRun}\"", history, StringComparison.Ordinal);

        // Downloads hold what the page holds: the school's classes, the class's students; the appointments within the viewer's scope.
        var classes = (await admin.GetStringAsync(new Uri(site.Address, $"/schools/{a}?handler=Export&list=classes&format=csv"))).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Класс;Учебный год;Обучающихся", classes[0]);
        Assert.Equal(await db.ScalarAsync<long>("SELECT count(*) FROM class WHERE school_id = $1", a) + 1, classes.Length);
        var students = await admin.GetStringAsync(new Uri(site.Address, $"/schools/{a}/classes/{classOfA}?handler=Export&format=csv"));
        var rows = students.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Ученик;Дата рождения", rows[0]);
        Assert.Equal(await db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE class_id = $1 AND ends_on IS NULL", classOfA) + 1, rows.Length);
        using var municipal = await EsiaWalk.OperatorSessionAsync(site.Address, Municipal);
        var appointed = await municipal.GetStringAsync(new Uri(site.Address, "/appointments?handler=Export&format=csv"));
        var appointedRows = appointed.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(";Искитимский район;", Assert.Single(appointedRows[1..]), StringComparison.Ordinal);
    }
}
