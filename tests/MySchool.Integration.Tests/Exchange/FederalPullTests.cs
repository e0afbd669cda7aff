using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Protos.Federal.V1;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>The federal pull over gRPC: a mirror kept by the change feed, portfolios, and who may call.</summary>
public class FederalPullTests
{
    [Fact]
    public async Task AMirror_LoadedFromRegistries_AndKeptByTheChangeFeed_EqualsTheStore_DeletionsIncluded()
    {
        await using var federal = await FederalFixture.StartAsync();
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));
        var version = (await pull.GetChangeVersionsAsync(new ChangeVersionsRequest())).Newest;
        var mirror = new Dictionary<(string Kind, string Id), string>();
        foreach (var kind in FederalFeed.Kinds)
        {
            await foreach (var row in pull.ReadRows(new ReadRowsRequest { RegionCode = "54", Kind = kind, MaxChangeVersion = version }).ResponseStream.ReadAllAsync())
            {
                mirror[(row.Kind, row.Id)] = row.Json;
            }
        }

        Assert.Equal(await StoreRowsAsync(federal), mirror);
        Assert.All(new[] { "period", "holiday", "class_group", "group_member", "event" }, kind => Assert.Contains(mirror.Keys, key => key.Kind == kind));

        // The source changes: edits, deletions, a transfer, a new student, a student leaving; the gateway syncs.
        federal.Harness.SourceRegion.ApplyChanges(new() { EditedMarks = 3, DeletedMarks = 2, NewMarks = 2, Transfers = 1, NewStudents = 1, LeavingStudents = 1 });
        var run = await federal.Harness.SyncAsync(mode: SyncMode.Incremental);
        Assert.True(run.Status == "succeeded", run.Error);

        var changes = new List<Change>();
        await foreach (var change in pull.ReadChanges(new ReadChangesRequest { RegionCode = "54", MinChangeVersion = version }).ResponseStream.ReadAllAsync())
        {
            changes.Add(change);
            if (change.Deleted)
            {
                mirror.Remove((change.Kind, change.Id));
            }
            else
            {
                mirror[(change.Kind, change.Id)] = change.Json;
            }
        }

        Assert.Equal(2, changes.Count(c => c.Deleted && c.Kind == "mark"));
        Assert.Contains(changes, c => c.Kind == "enrollment" && !c.Deleted);
        // The leaver's and the transferred student's places in their old class's halves end with tombstones.
        Assert.Contains(changes, c => c.Kind == "group_member" && c.Deleted);
        Assert.Equal(changes.Select(c => c.ChangeVersion).Order(), changes.Select(c => c.ChangeVersion));
        Assert.Equal(await StoreRowsAsync(federal), mirror);

        // Conformance: nothing changed since the newest version, so a read from it returns nothing.
        var newest = (await pull.GetChangeVersionsAsync(new ChangeVersionsRequest())).Newest;
        Assert.Empty(await pull.ReadChanges(new ReadChangesRequest { RegionCode = "54", MinChangeVersion = newest }).ResponseStream.ReadAllAsync().ToListAsync());
    }

    [Fact]
    public async Task Portfolio_AveragesHonourWeightsAndLeaveOutNonCountingMarks_AndCountsDaysUntilTheHolidays()
    {
        var time = new ManualTime(); // 2023-11-14: the I trimester of the synced calendar (1 September – 30 November)
        await using var federal = await FederalFixture.StartAsync(time: time);
        var db = federal.Harness.Db;
        // One non-counting mark with a heavy weight: it must change nothing.
        await db.ExecuteAsync("UPDATE mark SET counts = false, weight = 9 WHERE id = (SELECT id FROM mark WHERE student_id = $1 ORDER BY source_key LIMIT 1)", federal.StudentId);
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));

        var portfolio = await pull.GetPortfolioAsync(new PortfolioRequest { EsiaOid = FederalFixture.StudentOid });

        Assert.Equal("I триместр", portfolio.Period);
        Assert.Equal((46, "Зимние каникулы"), (portfolio.DaysUntilHolidays, portfolio.HolidaysName)); // 14 November to 30 December
        Assert.Empty(portfolio.PastPeriods);
        var expected = await db.ScalarAsync<string>("""
            SELECT string_agg(name || '=' || to_char(round(sum_value / sum_weight, 2), 'FM0.00'), ';' ORDER BY name) FROM (
                SELECT s.name, sum(m.numeric_value * m.weight) AS sum_value, sum(m.weight) AS sum_weight
                FROM mark m JOIN subject s ON s.id = m.subject_id
                WHERE m.student_id = $1 AND m.counts AND m.numeric_value IS NOT NULL AND m.mark_date BETWEEN '2023-09-01' AND '2023-11-30'
                GROUP BY s.name) x
            """, federal.StudentId);
        Assert.Equal(expected, string.Join(';', portfolio.Subjects.Where(s => s.Student != "").Select(s => $"{s.Subject}={s.Student}")));
        Assert.All(portfolio.Subjects, s => Assert.NotEqual("", s.GradeAverage));
        // The class's lessons and the student's half's in English, not the other half's.
        var lessons = await db.ScalarAsync<long>("""
            SELECT count(*) FROM lesson l WHERE l.class_id = $1 AND l.lesson_date BETWEEN '2023-09-01' AND '2023-11-14'
              AND (l.group_id IS NULL OR l.group_id IN (SELECT group_id FROM group_member WHERE student_id = $2))
            """, federal.ClassId, federal.StudentId);
        Assert.True(lessons < await db.ScalarAsync<long>("SELECT count(*) FROM lesson WHERE class_id = $1 AND lesson_date BETWEEN '2023-09-01' AND '2023-11-14'", federal.ClassId));
        Assert.Equal(lessons, portfolio.Attendance.Lessons);
    }

    [Fact]
    public async Task Portfolio_InALaterPeriod_ShowsThePastOnesAverages_TheDynamics()
    {
        var time = new ManualTime();
        await using var federal = await FederalFixture.StartAsync(time: time);
        time.Advance(TimeSpan.FromDays(22)); // 2023-12-05: the II trimester; the I one (to 30 November) is past
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));

        var portfolio = await pull.GetPortfolioAsync(new PortfolioRequest { EsiaOid = FederalFixture.StudentOid });

        Assert.Equal(("II триместр", "2023-12-01", "2024-02-29"), (portfolio.Period, portfolio.PeriodStart, portfolio.PeriodEnd));
        var past = Assert.Single(portfolio.PastPeriods);
        Assert.Equal(("I триместр", "2023-09-01", "2023-11-30"), (past.Period, past.Start, past.End));
        var expected = await federal.Harness.Db.ScalarAsync<string>("""
            SELECT string_agg(s.name || '=' || to_char(round(sum_value / sum_weight, 2), 'FM0.00'), ';' ORDER BY s.name) FROM (
                SELECT m.subject_id, sum(m.numeric_value * m.weight) AS sum_value, sum(m.weight) AS sum_weight FROM mark m
                WHERE m.student_id = $1 AND m.counts AND m.numeric_value IS NOT NULL AND m.mark_date BETWEEN '2023-09-01' AND '2023-11-30' GROUP BY m.subject_id) x
            JOIN subject s ON s.id = x.subject_id
            """, federal.StudentId);
        Assert.False(string.IsNullOrEmpty(expected));
        Assert.Equal(expected, string.Join(';', past.Subjects.Where(s => s.Student != "").Select(s => $"{s.Subject}={s.Student}")));
        Assert.All(portfolio.Subjects, s => Assert.Equal("", s.Student)); // no marks in the II trimester yet
    }

    [Fact]
    public async Task Portfolio_InKomi_GradesTenAndElevenLearnByHalves_TheOthersByQuarters()
    {
        await using var harness = await Sync.SyncHarness.StartAsync("rk", spec => spec with { FirstGrade = 9, LastGrade = 10 });
        var run = await harness.SyncAsync();
        Assert.True(run.Status == "succeeded", run.Error);
        const string LinkOneOfGrade = """
            UPDATE person SET esia_oid = $1 WHERE id = (SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id
                WHERE c.grade = $2 AND e.ends_on IS NULL ORDER BY e.student_id LIMIT 1)
            """;
        await harness.Db.ExecuteAsync(LinkOneOfGrade, 1_011_000_009L, (short)9);
        await harness.Db.ExecuteAsync(LinkOneOfGrade, 1_011_000_010L, (short)10);
        var time = new ManualTime(); // 2023-11-14
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, null, time);
        var pull = new FederalPull.FederalPullClient(await gateway.ChannelAsync("federal"));

        var ninth = await pull.GetPortfolioAsync(new PortfolioRequest { EsiaOid = 1_011_000_009 });
        var tenth = await pull.GetPortfolioAsync(new PortfolioRequest { EsiaOid = 1_011_000_010 });

        Assert.Equal(("2 четверть", "2023-11-06", "2023-12-29"), (ninth.Period, ninth.PeriodStart, ninth.PeriodEnd));
        Assert.Equal(["1 четверть"], ninth.PastPeriods.Select(p => p.Period));
        Assert.Equal(("1 полугодие", "2023-09-01", "2023-12-29"), (tenth.Period, tenth.PeriodStart, tenth.PeriodEnd));
        Assert.Empty(tenth.PastPeriods);
    }

    [Fact]
    public async Task Portfolio_DuringHolidays_CountsZeroDays_AndNamesThem()
    {
        var time = new ManualTime();
        await using var federal = await FederalFixture.StartAsync(time: time);
        time.Advance(TimeSpan.FromDays(52)); // 2024-01-04, inside the winter holidays (30 December – 8 January)
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));

        var portfolio = await pull.GetPortfolioAsync(new PortfolioRequest { EsiaOid = FederalFixture.StudentOid });

        Assert.Equal((0, "Зимние каникулы"), (portfolio.DaysUntilHolidays, portfolio.HolidaysName));
    }

    [Fact]
    public async Task WithoutAToken_ItIsUnauthenticated_AndAVendor_IsPermissionDenied_ButHealthAndReflectionAnswer()
    {
        await using var federal = await FederalFixture.StartAsync();
        var anonymous = federal.Gateway.Channel(token: null);
        var vendorChannel = await federal.Gateway.ChannelAsync("vendor-54");

        var missing = await Assert.ThrowsAsync<RpcException>(() => new FederalPull.FederalPullClient(anonymous).GetChangeVersionsAsync(new ChangeVersionsRequest()).ResponseAsync);
        var vendor = await Assert.ThrowsAsync<RpcException>(() =>
            new FederalPull.FederalPullClient(vendorChannel).GetChangeVersionsAsync(new ChangeVersionsRequest()).ResponseAsync);
        var health = await new Health.HealthClient(anonymous).CheckAsync(new HealthCheckRequest());

        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, vendor.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheServices_WithoutAToken()
    {
        await using var federal = await FederalFixture.StartAsync();
        using var call = new ServerReflection.ServerReflectionClient(federal.Gateway.Channel(token: null)).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("myschool.federal.v1.FederalPull", services);
        Assert.Contains("myschool.exchange.v1.VendorExchange", services);
    }

    [Fact]
    public async Task ACallPastItsDeadline_IsDeadlineExceeded()
    {
        await using var federal = await FederalFixture.StartAsync();
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await pull.ReadChanges(new ReadChangesRequest { RegionCode = "54" }, deadline: DateTime.UtcNow.AddMilliseconds(-1)).ResponseStream.ReadAllAsync().ToListAsync());

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task AnUnknownKind_IsInvalidArgument()
    {
        await using var federal = await FederalFixture.StartAsync();
        var pull = new FederalPull.FederalPullClient(await federal.Gateway.ChannelAsync("federal"));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await pull.ReadRows(new ReadRowsRequest { RegionCode = "54", Kind = "pupil" }).ResponseStream.ReadAllAsync().ToListAsync());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Pages_CutAnywhere_ServeEveryRowOnce_InVersionOrder_AndOnlyTheRegionsRows()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        Assert.Equal("succeeded", (await harness.SyncAsync()).Status);
        var feed = new FederalFeed(harness.Db);
        var newest = (await feed.VersionsAsync(default)).Newest;

        // Pages of seven rows cut every kind and the feed in many places; one page of all is the reference.
        var rows = new List<FederalRow>();
        foreach (var kind in FederalFeed.Kinds)
        {
            var paged = await feed.RowsAsync(kind, "54", 0, newest, 7, default).ToListAsync();
            Assert.Equal(await feed.RowsAsync(kind, "54", 0, newest, 1_000_000, default).ToListAsync(), paged);
            Assert.Equal(paged.Select(row => row.ChangeVersion).Order(), paged.Select(row => row.ChangeVersion));
            Assert.Empty(await feed.RowsAsync(kind, "11", 0, newest, 7, default).ToListAsync());
            rows.AddRange(paged);
        }

        var changes = await feed.ChangesAsync("54", 0, newest, 7, default).ToListAsync();
        Assert.Equal(await feed.ChangesAsync("54", 0, newest, 1_000_000, default).ToListAsync(), changes);
        Assert.Equal(changes.Select(change => change.ChangeVersion).Order(), changes.Select(change => change.ChangeVersion));
        Assert.Equal(rows.Select(row => (row.Kind, row.Id, row.Json)).OrderBy(row => row.Id), changes.Select(change => (change.Kind, change.Id, change.Json)).OrderBy(row => row.Id));
        var store = await StoreRowsAsync(harness);
        Assert.Equal(store, rows.ToDictionary(row => (row.Kind, row.Id.ToString()), row => row.Json));
        Assert.Empty(await feed.ChangesAsync("11", 0, newest, 7, default).ToListAsync());
    }

    /// <summary>What the store holds for the region, read straight from the tables the feed serves.</summary>
    private static Task<Dictionary<(string Kind, string Id), string>> StoreRowsAsync(FederalFixture federal) => StoreRowsAsync(federal.Harness);

    private static async Task<Dictionary<(string Kind, string Id), string>> StoreRowsAsync(SyncHarness harness)
    {
        var rows = new Dictionary<(string, string), string>();
        await using var command = harness.Db.CreateCommand("SELECT kind, id::text, row::text FROM federal_row WHERE '54' = ANY(regions)");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        }

        return rows;
    }
}
