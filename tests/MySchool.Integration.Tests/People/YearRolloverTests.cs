using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.People;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Scheduler;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.People;

/// <summary>The start of the school year (003): everyone moves up a grade in the same letter, 11th-graders leave.</summary>
public class YearRolloverTests
{
    [Theory]
    [InlineData("2024-09-01", "2024/2025")]
    [InlineData("2024-09-10", "2024/2025")]
    [InlineData("2024-09-11", null)]
    [InlineData("2024-08-31", null)]
    [InlineData("2025-01-15", null)]
    public void TheRollover_IsDueFromTheFirstToTheTenthOfSeptember(string today, string? year) =>
        Assert.Equal(year, YearRollover.DueYear(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    public async Task TheNightlyJob_RollsOverOnlyTheRegionsConfiguredForIt(bool configured, long schoolsRolled)
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await harness.SyncAsync();
        var time = new ManualTime();
        time.Advance(new DateTimeOffset(2024, 9, 5, 0, 0, 0, TimeSpan.Zero) - time.GetUtcNow()); // 5 September 2024
        var settings = SyncApiTests.RegionSettings(harness);
        settings["Regions:54:YearRollover"] = configured ? "true" : "false";
        await using var gateway = new GatewayFactory(harness.Db.ConnectionString, settings, time);

        await gateway.Services.GetRequiredService<PeopleJobs>().RollOverYearAsync(default);

        Assert.Equal(schoolsRolled, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM academic_year WHERE name = '2024/2025'"));
    }

    [Fact]
    public async Task Rollover_MovesEveryoneUpAGradeInTheSameLetter_AndEleventhGradersLeave_OnceOnly()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await harness.SyncAsync();
        // The small region has grades 8 and 9: make its 8th grade the 11th, so both paths occur.
        await harness.Db.ExecuteAsync("UPDATE grade_level SET grade = 11 WHERE grade = 8");
        await harness.Db.ExecuteAsync("UPDATE class SET grade = 11 WHERE grade = 8");
        var school = await harness.Db.ScalarAsync<Guid>("SELECT id FROM school ORDER BY inn LIMIT 1");
        var ninthGrader = await harness.Db.ScalarAsync<Guid>("""
            SELECT e.student_id FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND c.grade = 9 AND c.letter = 'А' AND e.ends_on IS NULL LIMIT 1
            """, school);
        var rollover = new YearRollover(harness.Db, new AuditLog(harness.Db));

        var first = await rollover.RollOverAsync(school, "2024/2025", default);
        var again = await rollover.RollOverAsync(school, "2024/2025", default);

        Assert.Equal(new RolloverResult("2024/2025", 2, 24, 24), first);
        Assert.Equal(new RolloverResult("2024/2025", 0, 0, 0), again);
        Assert.Equal("10 А 2024-09-01", await harness.Db.ScalarAsync<string>("""
            SELECT c.grade || ' ' || c.letter || ' ' || e.starts_on FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = $1 AND e.ends_on IS NULL
            """, ninthGrader));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id WHERE c.school_id = $1 AND c.grade = 11 AND e.ends_on IS NULL
            """, school));
        Assert.Equal(0L, await harness.Db.ScalarAsync<long>("SELECT count(*) FROM class WHERE grade = 12"));
    }
}
