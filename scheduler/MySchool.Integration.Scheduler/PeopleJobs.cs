using Hangfire;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Sync;
using Npgsql;

namespace MySchool.Integration.Scheduler;

/// <summary>
/// Duties about people: unused teacher invitations expire after their 24 hours (000); at the start of the school
/// year, no later than 10 September, every school's students move up a grade (003); every night registry people
/// are linked to their ESIA accounts by SNILS.
/// </summary>
public sealed class PeopleJobs(TeacherInvitations invitations, YearRollover rollover, AccountLinking linking, RegionCatalog regions, NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Lookups a night: at ESIA's likely 50 ms a call, four at a time, about 45 minutes; a first pass over a region takes a few nights.</summary>
    public const int LinksPerNight = 200_000;

    [JobDisplayName("Истечение приглашений педагогов")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task ExpireInvitationsAsync(CancellationToken cancellationToken) => invitations.ExpireAsync(cancellationToken);

    [JobDisplayName("Связывание людей реестра с ЕСИА по СНИЛС")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task LinkEsiaAccountsAsync(CancellationToken cancellationToken) => linking.LinkAsync(LinksPerNight, cancellationToken);

    /// <summary>Daily: a school of a region configured for it, whose own date is 1–10 September, rolls into the new year (again: no change).</summary>
    [JobDisplayName("Переход обучающихся в следующий класс")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public async Task RollOverYearAsync(CancellationToken cancellationToken)
    {
        var schools = new List<(Guid Id, string Zone)>();
        await using (var command = dataSource.CreateCommand("SELECT s.id, s.time_zone FROM school s JOIN school_region r ON r.school_id = s.id WHERE r.code = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = regions.Regions.Where(region => region.YearRollover).Select(region => region.Code).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                schools.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        foreach (var (id, zone) in schools)
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime);
            if (YearRollover.DueYear(today) is { } year)
            {
                await rollover.RollOverAsync(id, year, cancellationToken);
            }
        }
    }
}
