using MySchool.Integration.Testing;
using Npgsql;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>
/// A fresh database with the current schema for one test class (xUnit class fixture), so no test class
/// depends on another's rows.
/// </summary>
public class MigratedDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public string ConnectionString { get; private set; } = string.Empty;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not created yet");

    public async Task InitializeAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        ConnectionString = await cluster.CreateMigratedDatabaseAsync();
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
