using MySchool.Integration.Core.Store;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

/// <summary>The token key: made once on a database, whichever processes ask for it at once, and the same for all of them.</summary>
public class SigningKeyStoreTests
{
    [Fact]
    public async Task ProcessesStartingAtOnceOnADatabaseWithoutAKey_StoreOneKey_AndAllGetIt()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateEmptyDatabaseAsync(); // migrated below, so without the template's key
        await using var db = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(db).MigrateAsync();
        var processes = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();

        var keys = await Task.WhenAll(processes.Select(process => Task.Run(() => SigningKeyStore.GetOrCreate(process))));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM signing_key"));
        var stored = await db.ScalarAsync<byte[]>("SELECT rsa_pkcs8 FROM signing_key");
        Assert.All(keys, key => Assert.Equal(stored, key));
        Assert.Equal(keys[0], SigningKeyStore.GetOrCreate(db));
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
    }
}
