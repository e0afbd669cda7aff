using Hangfire;
using Microsoft.Extensions.Configuration;
using MySchool.Integration.Core.Store;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// Uploaded template files hold people's names, birth dates and SNILS: they are kept for their check, application and
/// report, then deleted after <c>Imports:KeepDays</c> (30 by default). What was written stays in the model and the audit.
/// </summary>
public sealed class ImportJobs(ImportUploads uploads, IConfiguration configuration)
{
    [JobDisplayName("Удаление загруженных файлов по истечении срока хранения")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task ForgetUploadsAsync(CancellationToken cancellationToken) =>
        uploads.ForgetAsync(TimeSpan.FromDays(configuration.GetValue("Imports:KeepDays", 30.0)), cancellationToken);
}
