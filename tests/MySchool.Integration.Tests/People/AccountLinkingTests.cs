using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.People;
using MySchool.Integration.Mocks.Esia;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.People;

/// <summary>Registry people are linked to their ESIA accounts by SNILS (001), with the gateway's own ESIA token.</summary>
public class AccountLinkingTests
{
    [Fact]
    public async Task EveryRegistryPersonWithSnils_IsLinkedToTheirOwnEsiaAccount_AndASecondPassAsksNobodyAgain()
    {
        await using var synced = await SyncedRegion.StartAsync();
        var (harness, gateway) = (synced.Harness, synced.Gateway);
        var linking = gateway.Services.GetRequiredService<AccountLinking>();

        var first = await linking.LinkAsync(10_000, default);
        var second = await linking.LinkAsync(10_000, default);

        var expected = Accounts(harness);
        Assert.Equal(expected.Count, first.Linked);
        Assert.Equal(0, first.Failed);
        foreach (var (snils, oid) in expected)
        {
            Assert.Equal(oid, await harness.Db.ScalarAsync<long>("SELECT esia_oid FROM person WHERE snils = $1", snils));
        }

        // Those without an account are remembered as such, and not asked about again within the month.
        Assert.Equal(first.Checked - first.Linked, (int)await harness.Db.ScalarAsync<long>("SELECT count(*) FROM esia_lookup WHERE found_oid IS NULL"));
        Assert.Equal(new LinkingReport(0, 0, 0), second);
    }

    [Fact]
    public async Task AnAccountAlreadyLinkedToSomeoneElse_IsNeverMoved()
    {
        await using var synced = await SyncedRegion.StartAsync();
        var (harness, gateway) = (synced.Harness, synced.Gateway);
        var (snils, oid) = Accounts(harness)[0];
        var holder = await harness.Db.ScalarAsync<Guid>("SELECT id FROM person WHERE snils IS NULL LIMIT 1");
        await harness.Db.ExecuteAsync("UPDATE person SET esia_oid = $1 WHERE id = $2", oid, holder);

        await gateway.Services.GetRequiredService<AccountLinking>().LinkAsync(10_000, default);

        Assert.Equal(holder, await harness.Db.ScalarAsync<Guid>("SELECT id FROM person WHERE esia_oid = $1", oid));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE snils = $1 AND esia_oid IS NOT NULL", snils));
    }

    [Fact]
    public async Task Fault_ExpiredAccessToken_TheGatewaysOwnTokenIsRenewed_AndThePassCompletes()
    {
        await using var synced = await SyncedRegion.StartAsync();
        var (harness, gateway) = (synced.Harness, synced.Gateway);
        var linking = gateway.Services.GetRequiredService<AccountLinking>();
        await linking.LinkAsync(1, default); // the gateway holds a token now
        harness.World.Esia.Faults.Arm(EsiaFaults.ExpiredAccessToken, 1);

        var report = await linking.LinkAsync(10_000, default);

        Assert.Equal(0, report.Failed);
        Assert.Equal(Accounts(harness).Count, (int)await harness.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE esia_oid IS NOT NULL"));
    }

    [Fact]
    public async Task LookupsEsiaRefuses_AreNotRecorded_SoTheNextPassAsksAgain()
    {
        await using var synced = await SyncedRegion.StartAsync();
        var (harness, gateway) = (synced.Harness, synced.Gateway);
        var linking = gateway.Services.GetRequiredService<AccountLinking>();
        harness.World.Esia.Faults.Arm(EsiaFaults.ExpiredAccessToken, 100_000);

        var refused = await linking.LinkAsync(10, default);
        harness.World.Esia.Faults.Reset();
        var again = await linking.LinkAsync(10, default);

        Assert.Equal(new LinkingReport(0, 0, 10), refused);
        Assert.Equal(10, again.Checked);
    }

    /// <summary>A synced region 54 and a gateway that reaches the mock ESIA.</summary>
    private sealed record SyncedRegion(SyncHarness Harness, GatewayFactory Gateway) : IAsyncDisposable
    {
        public static async Task<SyncedRegion> StartAsync()
        {
            var harness = await SyncHarness.StartAsync();
            await harness.SyncAsync();
            return new(harness, new GatewayFactory(harness.Db.ConnectionString, new Dictionary<string, string> { ["Esia:BaseUrl"] = harness.World.Esia.BaseAddress.ToString() }));
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Harness.DisposeAsync();
        }
    }

    /// <summary>The synthetic region's people who have SNILS and an ESIA account: what linking must find.</summary>
    private static List<(string Snils, long Oid)> Accounts(SyncHarness harness)
    {
        var region = harness.SourceRegion;
        return [.. region.Students.Select(s => (s.Snils, s.EsiaOid))
            .Concat(region.Students.SelectMany(s => s.Parents).Select(p => (p.Snils, p.EsiaOid)))
            .Concat(region.Teachers.Select(t => ((string?)t.Snils, (long?)t.EsiaOid)))
            .Where(p => p.Item1 is not null && p.Item2 is not null)
            .Select(p => (p.Item1!, p.Item2!.Value))
            .Distinct()];
    }
}
