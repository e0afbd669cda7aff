using MySchool.Integration.Core.Federal;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

/// <summary>
/// The change feed serves only versions nothing can still commit below: a long transaction's version, taken before
/// a short one's, must not be skipped by a consumer that read up to the short one's.
/// </summary>
public class CommittedChangeVersionTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    private NpgsqlDataSource Db => database.DataSource;

    [Fact]
    public async Task AVersionHeldByARunningTransaction_HoldsTheNewestBack_UntilItCommits_AndIsThenServed()
    {
        var feed = new FederalFeed(Db);
        var gradeLevel = await Db.InsertGradeLevelAsync();
        await using var slow = await Db.OpenConnectionAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        long slowVersion;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO class (school_id, grade_level_id, grade, letter) SELECT y.school_id, g.id, g.grade, 'А' FROM grade_level g JOIN academic_year y ON y.id = g.academic_year_id WHERE g.id = $1 RETURNING change_version", slow, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = gradeLevel });
            slowVersion = (long)(await insert.ExecuteScalarAsync())!;
        }

        var quick = await Db.InsertClassAsync(gradeLevel, "Б");
        var quickVersion = await Db.ScalarAsync<long>("SELECT change_version FROM class WHERE id = $1", quick);
        var during = await feed.VersionsAsync(default);
        await transaction.CommitAsync();
        var after = await feed.VersionsAsync(default);
        var changes = await feed.ChangesAsync(null, during.Newest, after.Newest, 100, default).Where(c => c.Kind == "class").ToListAsync();

        Assert.True(quickVersion > slowVersion);
        Assert.True(during.Newest < slowVersion, $"newest {during.Newest} while version {slowVersion} was not committed");
        Assert.True(after.Newest >= quickVersion);
        Assert.Equal([slowVersion, quickVersion], changes.Select(c => c.ChangeVersion));
    }

    [Fact]
    public async Task WithNothingRunning_TheNewestIsTheLastVersionWritten()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var last = await Db.InsertClassAsync(gradeLevel, "В");

        var versions = await new FederalFeed(Db).VersionsAsync(default);

        Assert.Equal(await Db.ScalarAsync<long>("SELECT change_version FROM class WHERE id = $1", last), versions.Newest);
    }
}
