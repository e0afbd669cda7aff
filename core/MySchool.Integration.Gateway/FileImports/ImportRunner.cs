using System.Threading.Channels;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// Applies kept files in the background, one at a time per gateway, so that «Применить» can show the file's run
/// moving at once instead of a page that waits for the whole file. A file's run was queued before it is handed
/// here; if the gateway stops, the run being written ends as failed (the watchdog ends it if the process died), and
/// applying the file again writes only the schools it had not reached: each school's push is applied once.
/// </summary>
public sealed partial class ImportRunner(SyncRuns runs, ILogger<ImportRunner> logger) : BackgroundService
{
    private readonly Channel<(long RunId, Func<CancellationToken, Task> Apply)> _files = Channel.CreateUnbounded<(long, Func<CancellationToken, Task>)>();

    /// <summary>Hands over the application of a file whose run <paramref name="runId"/> is queued.</summary>
    public void Enqueue(long runId, Func<CancellationToken, Task> apply)
    {
        if (!_files.Writer.TryWrite((runId, apply)))
        {
            throw new InvalidOperationException("The import runner is stopped.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (runId, apply) in _files.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await apply(stoppingToken);
            }
            catch (ImportFileException refused)
            {
                await runs.FailAsync(runId, refused.Message, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failure while writing the schools is in the run already (PushIngest); one before or after them
                // (reading the file, recording the outcome) is recorded here. The runner goes on with the next file.
                LogFileFailed(exception, runId);
                await runs.FailAsync(runId, exception, CancellationToken.None);
            }
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Error, Message = "Applying the file of run {RunId} failed")]
    private partial void LogFileFailed(Exception exception, long runId);
}
