using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// What a run's error says of an exception: its class (ошибка настройки, источник недоступен, конфликт данных,
/// внутренняя ошибка), then a Russian sentence with a code, never the exception's own text (PostgreSQL's or a
/// library's, which may quote data and says nothing to an operator). The raw text is in the gateway's log only.
/// </summary>
public static class RunFailures
{
    public static string Describe(Exception exception) => exception switch
    {
        // Ours, written for operators: the source's refusals and outages.
        SourceConfigurationException => $"Ошибка настройки: {exception.Message}",
        SourceUnavailableException => $"Источник недоступен: {exception.Message}",
        // Integrity (23…) and concurrent writers (40001, 40P01): the data disagreed with the store or another writer.
        PostgresException { SqlState: var state } when state.StartsWith("23", StringComparison.Ordinal) || state is "40001" or "40P01" =>
            $"Конфликт данных: база данных отказала в записи (код {state}); школа не записана, её можно повторить, подробности в журнале шлюза",
        PostgresException postgres => $"Внутренняя ошибка: база данных отказала в записи (код {postgres.SqlState}); подробности в журнале шлюза",
        NpgsqlException => "Внутренняя ошибка: база данных недоступна; школа не записана, её можно повторить",
        TimeoutException or TaskCanceledException => "Источник недоступен: источник или база данных не ответили вовремя",
        _ => $"Внутренняя ошибка: сбой шлюза ({exception.GetType().Name}); подробности в журнале шлюза",
    };

    /// <summary>
    /// Whether the failure came from something unavailable for a while (the source, the database, an answer in time),
    /// so that the same read later may well succeed: such a run is retried by itself. Configuration and data are not.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SourceUnavailableException or TimeoutException or TaskCanceledException => true,
        PostgresException => StoreRetry.IsTransient(exception), // the server going away, out of resources, contention
        NpgsqlException => true, // no answer from the database at all
        _ => false,
    };
}
