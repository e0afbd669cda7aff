using System.Collections.Concurrent;
using System.Data;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// A region's source is read by at most <see cref="RegionSource.MaxConcurrentSchools"/> schools at once, across every
/// gateway process on the database: the source's capacity does not grow with ours. A slot is a session advisory lock
/// of PostgreSQL, held only while a school is read (its write that follows takes none), so the source is read at its
/// capacity while the schools read before are written.
/// </summary>
/// <remarks>
/// Within a process a semaphore queues the readers, so PostgreSQL is asked only when this process has a slot to give
/// out. A slot's connection says every heartbeat that its process lives; one that stops saying it (a frozen process) is
/// ended by the server once abandoned (<c>idle_session_timeout</c>), and its slot with it. A database that cannot
/// be reached leaves the process's own bound only: the read goes on, and its write will meet the database as ever.
/// </remarks>
/// <param name="heartbeat">How often a held slot's connection says its process lives (20 s).</param>
/// <param name="abandoned">How long the server waits for that before it ends the session and frees the slot (90 s).</param>
public sealed class SourceReadSlots(NpgsqlDataSource dataSource, TimeSpan? heartbeat = null, TimeSpan? abandoned = null)
{
    private readonly TimeSpan _heartbeat = heartbeat ?? TimeSpan.FromSeconds(20);
    private readonly TimeSpan _abandoned = abandoned ?? TimeSpan.FromSeconds(90);

    /// <summary>How long a reader waits before asking again when other processes hold every slot.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _processSlots = new(StringComparer.Ordinal);

    /// <summary>Waits for one of the read slots of <paramref name="region"/>'s source; disposing it gives it back.</summary>
    public async Task<IAsyncDisposable> TakeAsync(RegionSource region, string sourceSystem, CancellationToken cancellationToken)
    {
        var (source, slots) = ($"{sourceSystem}:{region.Code}", region.MaxConcurrentSchools);
        var processSlots = _processSlots.GetOrAdd(source, _ => new SemaphoreSlim(slots));
        await processSlots.WaitAsync(cancellationToken);
        try
        {
            return new Slot(processSlots, await TakeSharedAsync(source, slots, cancellationToken));
        }
        catch
        {
            processSlots.Release();
            throw;
        }
    }

    /// <summary>The slot shared by every process, as the lock's connection; null when the database could not be asked.</summary>
    private async Task<SharedSlot?> TakeSharedAsync(string source, int slots, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SET idle_session_timeout = {(int)_abandoned.TotalMilliseconds}", cancellationToken);
            // Slots are tried from a random one, so that readers of several processes do not all queue on the first.
            var first = Random.Shared.Next(slots);
            while (true)
            {
                for (var i = 0; i < slots; i++)
                {
                    var key = $"read:{source}:{(first + i) % slots}";
                    if (await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", cancellationToken, key))
                    {
                        var slot = new SharedSlot(connection, key, _heartbeat);
                        connection = null;
                        return slot;
                    }
                }

                await Task.Delay(Retry, cancellationToken);
            }
        }
        catch (Exception exception) when (StoreRetry.IsTransient(exception))
        {
            return null;
        }
        finally
        {
            if (connection is not null)
            {
                await GiveBackAsync(connection);
            }
        }
    }

    /// <summary>
    /// A slot's connection back to the pool as any other, the lock it holds (if any) given up first: a pooled connection
    /// keeps its session's locks and settings until it is next used.
    /// </summary>
    private static async Task GiveBackAsync(NpgsqlConnection connection, string? heldKey = null)
    {
        try
        {
            // A broken connection's session is gone, and its lock with it; the pool does not take it back.
            if (connection.State == ConnectionState.Open)
            {
                if (heldKey is not null)
                {
                    await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", CancellationToken.None, heldKey);
                }

                await ExecuteAsync(connection, "RESET idle_session_timeout", CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or NpgsqlException)
        {
            // The session ended meanwhile (by the server, or broken), and its lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private sealed class Slot(SemaphoreSlim processSlots, SharedSlot? shared) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (shared is not null)
                {
                    await shared.DisposeAsync();
                }
            }
            finally
            {
                processSlots.Release();
            }
        }
    }

    /// <summary>A held advisory lock on its own connection, kept alive by a heartbeat until given back.</summary>
    private sealed class SharedSlot : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly string _key;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _beating;

        public SharedSlot(NpgsqlConnection connection, string key, TimeSpan heartbeat)
        {
            _connection = connection;
            _key = key;
            _beating = BeatAsync(heartbeat);
        }

        private async Task BeatAsync(TimeSpan heartbeat)
        {
            try
            {
                using var timer = new PeriodicTimer(heartbeat);
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    await ExecuteAsync(_connection, "SELECT 1", _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException or NpgsqlException)
            {
                // Given back, or the session is gone (ended by the server, broken) and the lock with it: the read goes on either way.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _beating;
            await GiveBackAsync(_connection, _key);
            _stop.Dispose();
        }
    }
}
