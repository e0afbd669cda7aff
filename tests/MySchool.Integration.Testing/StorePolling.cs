using System.Diagnostics;
using Npgsql;

namespace MySchool.Integration.Testing;

/// <summary>Waiting for the store to say something is so, through faults: a pooled connection a restart broke fails once, then reconnects.</summary>
public static class StorePolling
{
    /// <summary>Polls <paramref name="condition"/> (a boolean query of one parameter) until true; TimeoutException past <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(NpgsqlDataSource db, string condition, object parameter, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await using var command = db.CreateCommand(condition);
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                if (await command.ExecuteScalarAsync() is true)
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"not so within {limit.TotalSeconds:0} s: {condition}");
            }

            await Task.Delay(100);
        }
    }
}
