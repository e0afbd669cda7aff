using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MySchool.Integration.Core.Federal;

/// <summary>
/// What this gateway has heard of changes to /Schedule's data: PostgreSQL signals every committed write on the channel
/// <see cref="Channel"/> with the school, person or region it concerns (migration 0030), to every listening gateway.
/// An answer read at a <see cref="Mark"/> is still true while none of its keys has been signalled since, so a cache of
/// answers can be checked without a query.
/// </summary>
/// <remarks>
/// Nothing is trusted while not listening: before the first LISTEN, and from a dropped connection until it is listened
/// again, <see cref="Mark"/> is null; a new LISTEN disowns every earlier mark, since signals in between were lost. A
/// signal arrives within milliseconds of its commit; for those milliseconds an answer read before can still be served.
/// </remarks>
public sealed partial class ScheduleSignals(string connectionString, ILogger<ScheduleSignals> logger)
{
    public const string Channel = "schedule_changed";

    /// <summary>Past this many remembered keys every earlier mark is disowned and they are forgotten: the memory is bounded.</summary>
    private const int MaxRemembered = 200_000;

    private readonly ConcurrentDictionary<string, long> _changedAt = new(StringComparer.Ordinal);
    private long _sequence;
    private long _floor = long.MaxValue;
    private volatile bool _listening;

    public static string School(Guid id) => "s" + id.ToString("D");

    public static string Person(Guid id) => "p" + id.ToString("D");

    public static string Region(string code) => "r" + code;

    /// <summary>The mark to take before a read whose answer is to be kept; null when the answer must not be kept.</summary>
    public long? Mark => _listening ? Interlocked.Read(ref _sequence) : null;

    /// <summary>True when nothing under <paramref name="keys"/> has been signalled since <paramref name="mark"/> was taken.</summary>
    public bool Unchanged(long mark, IReadOnlyList<string> keys)
    {
        if (!_listening || mark < Interlocked.Read(ref _floor))
        {
            return false;
        }

        foreach (var key in keys)
        {
            if (_changedAt.TryGetValue(key, out var at) && at > mark)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Listens until <paramref name="stoppingToken"/> fires, connecting again whenever the connection drops.</summary>
    public async Task ListenAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = Channel, KeepAlive = 10, Pooling = false };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, signal) => Heard(signal.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Disown();
                _listening = true;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Whatever ends the connection (PostgreSQL restarted, the network, a bug), the gateway goes on serving
                // every answer from PostgreSQL, and listens again.
                LogListenerLost(exception);
            }
            finally
            {
                _listening = false;
            }

            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(1), stoppingToken));
        }
    }

    /// <summary>A signal: space-separated keys, or "*" for everything.</summary>
    private void Heard(string payload)
    {
        if (payload == "*")
        {
            Disown();
            return;
        }

        foreach (var key in payload.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            _changedAt[key] = Interlocked.Increment(ref _sequence);
        }

        if (_changedAt.Count > MaxRemembered)
        {
            Disown();
            _changedAt.Clear();
        }
    }

    /// <summary>Every mark taken so far is worth nothing from now on.</summary>
    private void Disown() => Interlocked.Exchange(ref _floor, Interlocked.Increment(ref _sequence));

    [LoggerMessage(EventId = 520, Level = LogLevel.Warning, Message = "The schedule_changed listener lost its connection; cached /Schedule answers are not served until it listens again")]
    private partial void LogListenerLost(Exception exception);
}
