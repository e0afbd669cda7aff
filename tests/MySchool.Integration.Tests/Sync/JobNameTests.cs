using System.Reflection;
using Hangfire;
using Hangfire.Common;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Scheduler;

namespace MySchool.Integration.Tests.Sync;

/// <summary>Hangfire's dashboard names jobs in Russian, a school by its name and id in the source, never a raw record.</summary>
public class JobNameTests
{
    [Theory]
    [InlineData(false, "Синхронизация школы «Школа № 2» (1002) региона 54, запуск № 7")]
    [InlineData(true, "Сверка школы «Школа № 2» (1002) региона 54, запуск № 7")]
    public void ASchoolJob_IsNamedByTheSchoolsNameAndSourceId_NotByItsRecord(bool dryRun, string expected)
    {
        var school = new SourceSchool("1002", "5401000078", "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 2»", "Школа № 2", "50701000001", "г. Новосибирск");
        var job = Job.FromExpression<SyncJobs>(j => j.SchoolAsync(7, "54", school, null, dryRun, CancellationToken.None));

        var name = job.Method.GetCustomAttribute<JobDisplayNameAttribute>()!.Format(null!, job);

        Assert.Equal(expected, name);
        Assert.DoesNotContain("SourceSchool", name, StringComparison.Ordinal);
        Assert.DoesNotContain(school.Inn, name, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryJobOfTheScheduler_HasARussianName()
    {
        var unnamed = typeof(SyncJobs).Assembly.GetTypes().Where(t => t.Name.EndsWith("Jobs", StringComparison.Ordinal) || t.Name == "RunWatchdog")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<JobDisplayNameAttribute>() is not { DisplayName: var name } || !name.Any(c => c is >= 'А' and <= 'я'))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");

        Assert.Empty(unnamed);
    }
}
