using Npgsql;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// What a run's error says of an exception: a Russian sentence with a code, never the exception's own text
/// (PostgreSQL's or a library's, which may quote data and says nothing to an operator).
/// </summary>
public static class RunFailures
{
    public static string Describe(Exception exception) => exception switch
    {
        // Ours, written for operators: the source's refusals and outages.
        SourceConfigurationException or SourceUnavailableException => exception.Message,
        PostgresException postgres => $"база данных отказала в записи (код {postgres.SqlState}); подробности в журнале шлюза",
        NpgsqlException => "база данных недоступна; школа будет повторена",
        TimeoutException or TaskCanceledException => "источник или база данных не ответили вовремя",
        _ => $"внутренняя ошибка шлюза ({exception.GetType().Name}); подробности в журнале шлюза",
    };
}
