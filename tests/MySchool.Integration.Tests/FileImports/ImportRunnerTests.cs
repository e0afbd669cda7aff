using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>Files applied in the background: a file refused or failing there ends its run with the reason, and the next file is still applied.</summary>
public sealed class ImportRunnerTests
{
    [Fact]
    public async Task AFileRefusedInTheBackground_EndsItsRunWithTheReason_AndTheNextFileStillRuns()
    {
        await using var push = await PushFixture.StartAsync();
        var (import, runner) = (push.Gateway.Services.GetRequiredService<FileImport>(), push.Gateway.Services.GetRequiredService<ImportRunner>());
        var region = push.Gateway.Services.GetRequiredService<RegionCatalog>().Find("54")!;
        var (refused, broken, next) = (await import.QueueApplicationAsync(region, CancellationToken.None), await import.QueueApplicationAsync(region, CancellationToken.None),
            await import.QueueApplicationAsync(region, CancellationToken.None));

        runner.Enqueue(refused, _ => throw new ImportFileException(FileImport.Forbidden, "Загружать файлы региона 54 вам не разрешено"));
        runner.Enqueue(broken, _ => throw new InvalidOperationException("the disk is gone"));
        runner.Enqueue(next, async _ => await push.Db.ExecuteAsync("UPDATE sync_run SET status = 'succeeded' WHERE id = $1", next));
        await StorePolling.UntilAsync(push.Db, "SELECT status = 'succeeded' FROM sync_run WHERE id = $1", next, TimeSpan.FromSeconds(30));

        Assert.Equal("failed: Загружать файлы региона 54 вам не разрешено", await push.Db.ScalarAsync<string>("SELECT status || ': ' || error FROM sync_run WHERE id = $1", refused));
        Assert.Equal("failed", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", broken));
        Assert.Equal(("import:54", "push", "54"), (await push.Db.ScalarAsync<string>("SELECT source_system FROM sync_run WHERE id = $1", next),
            await push.Db.ScalarAsync<string>("SELECT mode FROM sync_run WHERE id = $1", next), await push.Db.ScalarAsync<string>("SELECT scope FROM sync_run WHERE id = $1", next)));
    }
}
