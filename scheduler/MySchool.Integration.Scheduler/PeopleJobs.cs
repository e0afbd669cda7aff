using Hangfire;
using MySchool.Integration.Core.People;

namespace MySchool.Integration.Scheduler;

/// <summary>Duties about people: unused teacher invitations expire after their 24 hours (000).</summary>
public sealed class PeopleJobs(TeacherInvitations invitations)
{
    [JobDisplayName("Истечение приглашений педагогов")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task ExpireInvitationsAsync(CancellationToken cancellationToken) => invitations.ExpireAsync(cancellationToken);
}
