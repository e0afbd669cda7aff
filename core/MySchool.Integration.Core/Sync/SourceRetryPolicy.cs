using System.Globalization;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// How patiently an adapter reads its source, from the region's settings (<c>AttemptTimeoutSeconds</c>, <c>Retries</c>,
/// <c>RetryDelayMs</c>): jittered exponential retries around a time-out per attempt. Retried: network failures,
/// time-outs, a body that is not whole JSON, and what the adapter marks transient; never configuration errors.
/// </summary>
public sealed record SourceRetryPolicy(TimeSpan AttemptTimeout, int Retries, TimeSpan RetryDelay)
{
    public static SourceRetryPolicy From(RegionSource region)
    {
        double Setting(string name, double fallback) =>
            region.Settings.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

        return new(TimeSpan.FromSeconds(Setting("AttemptTimeoutSeconds", 10)), (int)Setting("Retries", 4), TimeSpan.FromMilliseconds(Setting("RetryDelayMs", 500)));
    }

    /// <param name="delay">The server's own word on when to come back (Retry-After), or null for the backoff.</param>
    public ResiliencePipeline Build<TTransient>(Func<Exception, TimeSpan?>? delay = null)
        where TTransient : Exception =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Retries,
                Delay = RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<JsonException>().Handle<TTransient>(),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } exception && delay is not null ? delay(exception) : null),
                OnRetry = _ => SyncMeters.CountRetry("source"),
            })
            .AddTimeout(AttemptTimeout)
            .Build();

    /// <summary>Whether an exception is one the pipeline retried until it gave up.</summary>
    public static bool IsExhausted<TTransient>(Exception exception)
        where TTransient : Exception =>
        exception is HttpRequestException or TimeoutRejectedException or JsonException or TTransient;
}
