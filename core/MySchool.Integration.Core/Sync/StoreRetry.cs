using System.Net.Sockets;
using Npgsql;
using Polly;
using Polly.Retry;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// How patiently the engine writes through a database that is restarting, refusing connections, out of connection
/// slots or losing a serialization race: the write of a school (already read whole, so nothing is read again) is
/// retried with jittered exponential backoff, and so is the recording of its outcome. A transaction that failed
/// rolled back whole, so a retry is idempotent.
/// </summary>
public sealed record StoreRetry(int Retries, TimeSpan Delay)
{
    public static readonly StoreRetry Default = new(5, TimeSpan.FromSeconds(1));

    /// <summary>Failures that pass: the server going away or not taking connections yet, contention. Never a refusal of data.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.LockNotAvailable
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        _ => false,
    };

    /// <summary>Retries of a school's write.</summary>
    public ResiliencePipeline Writes => Pipeline(Retries);

    /// <summary>Retries of recording an outcome: longer, so a school's result outlives a database restart.</summary>
    public ResiliencePipeline Records => Pipeline(Retries * 2);

    private ResiliencePipeline Pipeline(int retries) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            Delay = Delay,
            MaxDelay = TimeSpan.FromSeconds(30),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            OnRetry = _ => SyncMeters.CountRetry("store"),
        })
        .Build();
}
