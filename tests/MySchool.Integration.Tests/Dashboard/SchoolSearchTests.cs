using System.Text;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>Finding a school on the region's and the municipality's pages by name or INN, the lag order, and the download.</summary>
public class SchoolSearchTests
{
    [Fact]
    public async Task ASchool_IsFoundByNameOrInn_TheMostBehindComeFirst_AndTheListDownloadsAsFound()
    {
        await using var site = await SiteOnPorts.StartAsync();
        await site.Harness.SyncAsync();
        var db = site.Harness.Db;
        var (first, last) = (await db.ScalarAsync<string>("SELECT inn FROM school ORDER BY inn LIMIT 1"), await db.ScalarAsync<string>("SELECT inn FROM school ORDER BY inn DESC LIMIT 1"));
        var lastName = await db.ScalarAsync<string>("SELECT full_name FROM school WHERE inn = $1", last);
        var municipality = await db.ScalarAsync<Guid>("SELECT municipality_id FROM school WHERE inn = $1", last);
        // The first school synced once more on its own since: lag order puts the other one first.
        await db.ExecuteAsync("""
            INSERT INTO sync_run (source_system, scope, mode, status, started_at, finished_at)
            SELECT 'nso', '54/' || source_id, 'full', 'succeeded', now(), now() + interval '1 minute' FROM identity_map
            WHERE kind = 'school' AND federal_id = (SELECT id FROM school WHERE inn = $1)
            """, first);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var byInn = await session.GetStringAsync(new Uri(site.Address, $"/regions/54?q={first}"));
        var byName = await session.GetStringAsync(new Uri(site.Address, $"/regions/54?q={Uri.EscapeDataString(lastName.ToUpperInvariant())}"));
        var byLag = await session.GetStringAsync(new Uri(site.Address, "/regions/54?sort=lag"));
        var csv = Encoding.UTF8.GetString(await session.GetByteArrayAsync(new Uri(site.Address, $"/municipalities/{municipality}?handler=Export&format=csv&sort=lag"))).TrimStart('\uFEFF');

        Assert.Contains($"ИНН {first}", byInn, StringComparison.Ordinal);
        Assert.DoesNotContain($"ИНН {last}", byInn, StringComparison.Ordinal);
        Assert.Contains($"ИНН {last}", byName, StringComparison.Ordinal);
        Assert.DoesNotContain($"ИНН {first}", byName, StringComparison.Ordinal);
        Assert.Contains("<th>Муниципалитет</th>", byLag, StringComparison.Ordinal);
        Assert.True(byLag.IndexOf($"ИНН {last}", StringComparison.Ordinal) < byLag.IndexOf($"ИНН {first}", StringComparison.Ordinal));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Школа;ИНН;Муниципалитет;Классов;Обучающихся;Последняя успешная;Отставание;В карантине", lines[0]);
        Assert.Contains(last, lines[1], StringComparison.Ordinal);
    }
}
