using Hangfire;
using MySchool.Integration.Core.Communities;
using Npgsql;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// «Сферум» duties: a school's classes and members after each successful roster sync, and its join requests every
/// half hour. A platform refusal that waits for later or for an operator fails the job with the platform's reason.
/// </summary>
public sealed class CommunityJobs(CommunitySync communities, NpgsqlDataSource dataSource, IBackgroundJobClient jobs)
{
    /// <summary>After a school synced: its communities, by the school's id in the source that synced it.</summary>
    [JobDisplayName("Сферум: классы и участники школы {1} ({0})")]
    [AutomaticRetry(Attempts = 3)]
    public async Task ProvisionAsync(string sourceSystem, string schoolSourceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT federal_id FROM identity_map WHERE source_system = $1 AND kind = 'school' AND source_id = $2");
        command.Parameters.Add(new() { Value = sourceSystem });
        command.Parameters.Add(new() { Value = schoolSourceId });
        if (await command.ExecuteScalarAsync(cancellationToken) is Guid schoolId)
        {
            await communities.ProvisionSchoolAsync(schoolId, cancellationToken);
        }
    }

    /// <summary>The recurring pass: one job per school, so a slow platform never holds one worker for all of them.</summary>
    [JobDisplayName("Сферум: заявки на вступление")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    public async Task JoinRequestsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM school ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var schoolId = reader.GetGuid(0);
            jobs.Enqueue<CommunityJobs>(job => job.SchoolJoinRequestsAsync(schoolId, CancellationToken.None));
        }
    }

    [JobDisplayName("Сферум: заявки на вступление в школу {0}")]
    [AutomaticRetry(Attempts = 3)]
    public Task SchoolJoinRequestsAsync(Guid schoolId, CancellationToken cancellationToken) => communities.MatchJoinRequestsAsync(schoolId, cancellationToken);
}
