using MySchool.Integration.Core.Store;
using MySchool.Integration.Scheduler;
using Npgsql;

namespace MySchool.Integration.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from the machine's own binaries (scripts/postgres.sh), fsync off, on a free
/// port, started once per test process and removed when it exits. Tests get fresh databases from it.
/// </summary>
public sealed class PostgresCluster
{
    private const string TemplateDatabase = "federal_template";

    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(() => StartNewAsync(durable: false));

    private readonly Lazy<Task> _template;

    private readonly bool _durable;

    private PostgresCluster(string directory, int port, bool durable)
    {
        Directory = directory;
        Port = port;
        _durable = durable;
        _template = new(MigrateTemplateAsync);
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The process-wide cluster, started on first use.</summary>
    public static Task<PostgresCluster> SharedAsync() => SharedCluster.Value;

    /// <summary>
    /// A cluster of the caller's own, to stop and start again under a test (removed when the process exits). Durable as
    /// production is: a commit acknowledged before a crash survives it (the shared cluster trades that for speed).
    /// </summary>
    public static Task<PostgresCluster> StartPrivateAsync() => StartNewAsync(durable: true);

    /// <summary>Stops the server as a crash would (immediate shutdown): every connection is cut mid-statement.</summary>
    public Task StopImmediatelyAsync() => RepositoryScript.RunAsync("scripts/postgres.sh", "stop", Directory, "--immediate");

    /// <summary>Starts the stopped server again on the same port; it recovers from its write-ahead log first.</summary>
    public Task StartAgainAsync() => Start(Directory, Port, _durable);

    /// <summary>
    /// Stops a private cluster and deletes its directory. The process-exit hook is only a fallback: after a full test
    /// run the durable server of a private cluster was found still running, its test host gone.
    /// </summary>
    public Task RemoveAsync() => RepositoryScript.RunAsync("scripts/postgres.sh", "stop", Directory, "--remove");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // Tests open databases of their own; a small pool each, whose idle connections close within seconds, keeps
        // the cluster's connection count in check while hosts of earlier tests wind down.
        MaxPoolSize = 20,
        ConnectionIdleLifetime = 10,
        ConnectionPruningInterval = 5,
    }.ConnectionString;

    /// <summary>A new, empty database (no schema), for tests of the migrations themselves.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(string prefix = "empty")
    {
        var name = UniqueName(prefix);
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>
    /// A new database with the current schema, Hangfire's tables and a token key, cloned from a template prepared once
    /// per process: a fresh database costs a file copy, not a migration run, and its gateway neither installs Hangfire
    /// nor makes an RSA key again (about 0.2 s each).
    /// </summary>
    /// <remarks>
    /// The files are copied as files (<c>FILE_COPY</c>), not written page by page through the write-ahead log, the
    /// default since PostgreSQL 15: 0.26–0.32 s a database instead of 0.44–0.56 s under the suite's load, for the
    /// suite's several hundred databases.
    /// </remarks>
    public async Task<string> CreateMigratedDatabaseAsync(string prefix = "test")
    {
        await _template.Value;
        var name = UniqueName(prefix);
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateDatabase} STRATEGY FILE_COPY");
        return ConnectionString(name);
    }

    private async Task MigrateTemplateAsync()
    {
        var connectionString = ConnectionString(TemplateDatabase);
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new SchemaMigrator(dataSource).MigrateAsync();
            SchedulerRegistration.PrepareStorage(dataSource);
            SigningKeyStore.GetOrCreate(dataSource);
        }

        // A template can be copied only while nobody is connected to it: close what DbUp left in Npgsql's pool.
        await using var pooled = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 63)];

    private static async Task<PostgresCluster> StartNewAsync(bool durable)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"msi-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        var port = Ports.Free();
        await Start(directory, port, durable);
        var cluster = new PostgresCluster(directory, port, durable);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    private static Task Start(string directory, int port, bool durable) =>
        RepositoryScript.RunAsync("scripts/postgres.sh", "start", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture), durable ? "" : "--ephemeral");

    private void Stop() => RemoveAsync().GetAwaiter().GetResult();
}
