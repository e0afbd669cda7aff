using MySchool.Integration.Core.Store;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

public class SchemaMigratorTests
{
    private static readonly string[] AllScripts = ["0001_change_tracking.sql", "0002_federal_model.sql", "0003_plumbing.sql", "0004_mark_source_identity.sql", "0005_attendance_by_lesson.sql", "0006_sync_run_schools.sql", "0007_exchange.sql", "0008_operators.sql", "0009_communities.sql", "0010_teacher_invitations.sql", "0011_reconcile_runs.sql", "0012_family_requests.sql", "0013_committed_change_versions.sql", "0014_mail_outbox.sql", "0015_ownership.sql", "0016_run_guards.sql", "0017_run_school_outcomes.sql", "0018_calendar.sql", "0019_groups.sql", "0020_schedule_reads.sql", "0021_set_based_integrity.sql", "0022_appointments.sql", "0023_join_request_decisions.sql", "0024_run_school_counts.sql", "0025_family_request_withdrawal.sql", "0026_import_uploads.sql", "0027_import_uploader_name.sql", "0028_import_apply_run.sql", "0029_tombstone_version_order.sql", "0030_schedule_signals.sql", "0031_set_based_schedule_signals.sql", "0032_source_keys_bytewise.sql", "0033_schedule_signals_skip_empty.sql", "0034_school_digests.sql", "0035_one_change_trigger.sql", "0036_transient_failures.sql"];

    [Fact]
    public async Task Migrate_MissingDatabase_CreatesItAndAppliesEveryScriptInOrder()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString($"created_{Guid.NewGuid():N}"[..24]));

        var applied = await new SchemaMigrator(dataSource).MigrateAsync();

        Assert.Equal(AllScripts, applied);
        Assert.Equal(AllScripts.Length, await dataSource.ScalarAsync<long>($"SELECT count(*) FROM {SchemaMigrator.JournalTable}"));
    }

    [Fact]
    public async Task Migrate_SecondRun_AppliesNothing()
    {
        var cluster = await PostgresCluster.SharedAsync();
        await using var dataSource = NpgsqlDataSource.Create(await cluster.CreateEmptyDatabaseAsync());
        var migrator = new SchemaMigrator(dataSource);
        await migrator.MigrateAsync();

        Assert.Empty(await migrator.MigrateAsync());
    }

    [Fact]
    public async Task Migrate_SeveralHostsStartingAtOnce_ApplyEachScriptOnce()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateEmptyDatabaseAsync();
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();

        var runs = await Task.WhenAll(dataSources.Select(source => Task.Run(() => new SchemaMigrator(source).MigrateAsync())));

        Assert.Equal(AllScripts, runs.SelectMany(scripts => scripts).Order());
        Assert.Equal(AllScripts.Length, await dataSources[0].ScalarAsync<long>($"SELECT count(*) FROM {SchemaMigrator.JournalTable}"));
        foreach (var source in dataSources)
        {
            await source.DisposeAsync();
        }
    }
}
