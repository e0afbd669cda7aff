using MySchool.Integration.Core.Sync;
using Npgsql;

namespace MySchool.Integration.Tests.Sync;

/// <summary>A run's error names its class first, in Russian, and never carries the exception's own text.</summary>
public class RunFailuresTests
{
    public static TheoryData<Exception, string> Failures => new()
    {
        { new SourceConfigurationException("ЭлЖур не принял ключ разработчика"), "Ошибка настройки: ЭлЖур не принял ключ разработчика" },
        { new SourceUnavailableException("«Сетевой город», schools: HTTP 503"), "Источник недоступен: «Сетевой город», schools: HTTP 503" },
        { new PostgresException("duplicate key value violates unique constraint \"person_snils_key\"", "ERROR", "ERROR", "23505"), "Конфликт данных:" },
        { new PostgresException("could not serialize access", "ERROR", "ERROR", "40001"), "Конфликт данных:" },
        { new PostgresException("out of memory", "ERROR", "ERROR", "53200"), "Внутренняя ошибка: база данных отказала в записи (код 53200)" },
        { new NpgsqlException("Exception while reading from stream"), "Внутренняя ошибка: база данных недоступна" },
        { new TimeoutException("The operation has timed out."), "Источник недоступен:" },
        { new ArgumentOutOfRangeException("start", "Specified argument was out of the range"), "Внутренняя ошибка: сбой шлюза (ArgumentOutOfRangeException)" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void AFailure_IsDescribedByItsClass_WithoutTheExceptionsOwnText(Exception exception, string start)
    {
        var described = RunFailures.Describe(exception);

        Assert.StartsWith(start, described, StringComparison.Ordinal);
        Assert.DoesNotContain("constraint", described, StringComparison.Ordinal);
        Assert.DoesNotContain("Specified argument", described, StringComparison.Ordinal);
        Assert.DoesNotContain("stream", described, StringComparison.Ordinal);
    }

    /// <summary>
    /// An outage passes by itself, so its run is retried by itself; a refusal of configuration or data, or the gateway's own
    /// fault, would fail the same way again and waits for an operator.
    /// </summary>
    [Fact]
    public void AnOutage_IsTransient_AConfigurationDataOrGatewayFailure_IsNot()
    {
        // In the order of Failures: configuration, source unavailable, a duplicate, a serialization race, out of memory,
        // no database, a timeout, the gateway's own bug.
        Assert.Equal([false, true, false, true, true, true, true, false], Failures.Select(row => RunFailures.IsTransient((Exception)row[0])));
        Assert.True(RunFailures.IsTransient(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.True(RunFailures.IsTransient(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.False(RunFailures.IsTransient(new PostgresException("value too long", "ERROR", "ERROR", "22001")));
    }

    /// <summary>
    /// A school whose write used up the engine's retries is recorded as failed and read again only when someone retries
    /// it (the run page's button, a vendor's resend): its error says so, and promises no retry of its own.
    /// </summary>
    [Fact]
    public void ADatabaseFailure_SaysTheSchoolWasNotWritten_AndCanBeRetried_PromisingNoRetryOfItsOwn()
    {
        Exception[] failures = [new NpgsqlException("Exception while reading from stream"), new PostgresException("could not serialize access", "ERROR", "ERROR", "40001")];

        foreach (var described in failures.Select(RunFailures.Describe))
        {
            Assert.Contains("школа не записана, её можно повторить", described, StringComparison.Ordinal);
            Assert.DoesNotContain("будет повторена", described, StringComparison.Ordinal);
        }
    }
}
