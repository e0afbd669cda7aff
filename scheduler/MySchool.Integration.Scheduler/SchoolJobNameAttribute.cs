using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// A school job's name on Hangfire's dashboard: the school by its name and id in the source, not the record's
/// <c>ToString()</c> (which printed every field of the school).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SchoolJobNameAttribute() : JobDisplayNameAttribute("Синхронизация школы")
{
    public override string Format(DashboardContext context, Job job) => job.Args is [long runId, string region, SourceSchool school, _, bool dryRun, ..]
        ? $"{(dryRun ? "Сверка" : "Синхронизация")} школы «{school.ShortName ?? school.FullName}» ({school.SourceId}) региона {region}, запуск № {runId}"
        : base.Format(context, job);
}
