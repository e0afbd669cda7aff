using Npgsql;

namespace MySchool.Integration.Core.Federal;

/// <summary>
/// The connections the federal platform's per-student reads (/Schedule) share, apart from the writers' pool. Capped near
/// the machine's cores: sixteen readers at once on two cores made PostgreSQL's backends queue for the CPU (p99 570 ms);
/// four, with the rest waiting for a connection, served more requests each second at a fifth of that tail (BENCHMARKS.md).
/// </summary>
public sealed class FederalReadPool(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(2, 2 * Environment.ProcessorCount) }.ConnectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
