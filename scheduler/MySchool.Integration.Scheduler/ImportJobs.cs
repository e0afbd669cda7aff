using Hangfire;
using MySchool.Integration.Core.Store;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// Uploaded template files hold people's names, birth dates and SNILS: they are kept for their check, application and
/// report, then deleted after <see cref="ImportUploads.Keep"/>. What was written stays in the model and the audit.
/// </summary>
public sealed class ImportJobs(ImportUploads uploads)
{
    [JobDisplayName("Удаление загруженных файлов по истечении срока хранения")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task ForgetUploadsAsync(CancellationToken cancellationToken) => uploads.ForgetAsync(cancellationToken);
}
