using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Dashboard;

/// <summary>A run's page: what becomes of a failed run, and the runs that retried it, linked both ways.</summary>
public class RunPageTests
{
    [Fact]
    public async Task AReadThatFailedOnAnOutage_SaysTheWatchdogRetriesIt_APushThatFailedSoDoesNot_AndARetryIsLinkedBothWays()
    {
        await using var site = await SiteOnPorts.StartAsync();
        var runs = site.Gateway.Services.GetRequiredService<SyncRuns>();
        async Task<long> FailedAsync(string source, string scope, SyncMode mode, string error)
        {
            var id = await runs.QueueAsync(source, scope, mode, CancellationToken.None);
            await runs.StartAsync(id, CancellationToken.None);
            await runs.SchoolDoneAsync(id, "1001", DateTimeOffset.UtcNow, WriteCounts.Zero, error, transient: true, [], CancellationToken.None);
            return id;
        }

        var read = await FailedAsync("nso", "54/1001", SyncMode.Full, "Школа 1001: Источник недоступен: HTTP 503");
        var push = await FailedAsync("vendor-54", "54", SyncMode.Push, "Внутренняя ошибка: база данных недоступна");
        var (retry, _) = await runs.QueueOnceAsync("nso", "54/1001", SyncMode.Full, CancellationToken.None, retryOf: read);
        using var session = await EsiaWalk.OperatorSessionAsync(site.Address, SiteOnPorts.Operator54);

        var readPage = await session.GetStringAsync(new Uri(site.Address, $"/runs/{read}"));
        var pushPage = await session.GetStringAsync(new Uri(site.Address, $"/runs/{push}"));
        var retryPage = await session.GetStringAsync(new Uri(site.Address, $"/runs/{retry}"));

        Assert.Contains("Сбой из-за недоступности источника или базы данных: сторож повторяет такой запуск сам, до 2 раз, первый раз через 15 мин", readPage, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/runs/{retry}\">№ {retry}</a>", readPage, StringComparison.Ordinal);
        Assert.Contains("id=\"retry-run\"", readPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"run-outage\"", pushPage, StringComparison.Ordinal); // a vendor sends its push again
        Assert.DoesNotContain("id=\"retry-run\"", pushPage, StringComparison.Ordinal);
        Assert.Contains($"Повтор запуска <a href=\"/runs/{read}\">№ {read}</a>", retryPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"run-outage\"", retryPage, StringComparison.Ordinal);
    }
}
