using System.Reflection;
using DbUp;
using DbUp.Engine;
using Npgsql;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// Applies the SQL migrations embedded in this assembly (Store/Migrations, in name order) with DbUp.
/// Several gateway processes may start at once on one database: an advisory lock lets one migrate
/// while the others wait, so no script runs twice.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource)
{
    // Any constant shared by every process of this product; it names the lock, nothing else.
    private const long MigrationLockKey = 0x4D53_4931_4D49_4752; // "MSI1MIGR"

    public const string JournalTable = "schema_migrations";

    /// <summary>Creates the database when missing, then applies the scripts not yet applied.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = dataSource.ConnectionString;
        EnsureDatabase.For.PostgresqlDatabase(connectionString, new DbUp.Engine.Output.NoOpUpgradeLog());

        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await LockAsync(lockConnection, "pg_advisory_lock", cancellationToken);
        try
        {
            return Upgrade(connectionString);
        }
        finally
        {
            // A pooled connection outlives Dispose, and so would its session lock: release it explicitly.
            await LockAsync(lockConnection, "pg_advisory_unlock", CancellationToken.None);
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, string function, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(@key)", connection);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        command.CommandTimeout = 0; // another host's migration may take a while; wait for it
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<string> Upgrade(string connectionString)
    {
        var result = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.EndsWith(".sql", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", JournalTable)
            .LogToNowhere()
            .Build()
            .PerformUpgrade();

        if (!result.Successful)
        {
            throw new SchemaMigrationException(result.ErrorScript?.Name, result.Error);
        }

        return [.. result.Scripts.Select(ScriptName)];
    }

    /// <summary>Short name of an embedded script: <c>0002_federal_model.sql</c>.</summary>
    public static string ScriptName(SqlScript script) => ScriptName(script.Name);

    public static string ScriptName(string resourceName)
    {
        var withoutExtension = resourceName[..^".sql".Length];
        return withoutExtension[(withoutExtension.LastIndexOf('.') + 1)..] + ".sql";
    }
}

public sealed class SchemaMigrationException(string? script, Exception inner)
    : Exception($"Migration {script ?? "(unknown)"} failed: {inner.Message}", inner);
