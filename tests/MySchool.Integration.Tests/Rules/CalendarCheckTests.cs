using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Tests.Rules;

/// <summary>The calendar's rules: each refused period or holiday is quarantined with its code, the rest stands.</summary>
public class CalendarCheckTests
{
    private static readonly SourcePeriod Good = new("1 четверть", new(2023, 9, 1), new(2023, 10, 27));

    [Theory]
    [InlineData("2 четверть", "quarter")]
    [InlineData("I триместр", "trimester")]
    [InlineData("1 Полугодие", "half")]
    [InlineData("Учебный год", "year")]
    public void PeriodKind_IsReadFromTheName(string name, string kind)
    {
        Assert.Equal(kind, SourceValues.PeriodKind(name).Require());
    }

    [Theory]
    [MemberData(nameof(RefusedPeriods))]
    public void ARefusedPeriod_IsQuarantinedWithItsCode_TheRestOfTheCalendarStands(SourcePeriod period, string code)
    {
        var quarantine = new List<QuarantinedRecord>();

        var calendar = CalendarCheck.Check(new SourceCalendar("2023/2024", null, null, [Good, period], []), quarantine);

        Assert.Equal([Good.Name], calendar!.Periods.Select(p => p.Name));
        Assert.Equal(code, Assert.Single(quarantine).Reason.Code);
    }

    public static TheoryData<SourcePeriod, string> RefusedPeriods => new()
    {
        { new SourcePeriod("Модуль 1", new(2023, 9, 1), new(2023, 10, 1)), "period.kind" },
        { new SourcePeriod("2 четверть", new(2023, 12, 29), new(2023, 11, 6)), "period.dates" },
        { new SourcePeriod("2 четверть", new(2023, 8, 20), new(2023, 10, 1)), "period.outside-year" },
        { new SourcePeriod("2 четверть", new(2023, 11, 6), new(2024, 9, 30)), "period.outside-year" },
        { new SourcePeriod("1 четверть", new(2023, 9, 1), new(2023, 10, 27)), "period.duplicate" },
        { new SourcePeriod("1 полугодие", new(2023, 9, 1), new(2023, 12, 29), 10, 12), "period.grades" },
        { new SourcePeriod("1 полугодие", new(2023, 9, 1), new(2023, 12, 29), 11, 10), "period.grades" },
        { new SourcePeriod(" ", new(2023, 9, 1), new(2023, 12, 29)), "period.name" },
        { new SourcePeriod("2 четверть\u0000", new(2023, 11, 6), new(2023, 12, 29)), "text.invalid-character" },
    };

    [Theory]
    [InlineData("2023-12-30", "2023-12-29", "holiday.dates")]
    [InlineData("2024-08-30", "2024-09-02", "holiday.outside-year")]
    [InlineData("2023-10-28", "2023-11-05", "holiday.duplicate")]
    public void ARefusedHoliday_IsQuarantinedWithItsCode(string start, string end, string code)
    {
        var quarantine = new List<QuarantinedRecord>();
        var autumn = new SourceHoliday("Осенние каникулы", new(2023, 10, 28), new(2023, 11, 5));

        var calendar = CalendarCheck.Check(new SourceCalendar("2023/2024", null, null, [], [autumn, new SourceHoliday("Каникулы", DateOnly.Parse(start), DateOnly.Parse(end))]), quarantine);

        Assert.Equal([autumn.Name], calendar!.Holidays.Select(h => h.Name));
        Assert.Equal(code, Assert.Single(quarantine).Reason.Code);
    }

    [Theory]
    [InlineData("2023-2024", null, null, "class.year")]
    [InlineData("2023/2024", "2024-09-01", "2025-05-31", "calendar.dates")]
    public void AYearThatCannotBeRead_RefusesTheWholeCalendar(string year, string? starts, string? ends, string code)
    {
        var quarantine = new List<QuarantinedRecord>();

        var calendar = CalendarCheck.Check(new SourceCalendar(year, starts is null ? null : DateOnly.Parse(starts), ends is null ? null : DateOnly.Parse(ends), [Good], []), quarantine);

        Assert.Null(calendar);
        Assert.Equal(code, Assert.Single(quarantine).Reason.Code);
    }

    [Fact]
    public void WithoutYearDates_TheYearRunsFromTheFirstOfSeptemberToTheLastOfAugust()
    {
        var calendar = CalendarCheck.Check(new SourceCalendar("2023/2024", null, null, [], []), []);

        Assert.Equal((new DateOnly(2023, 9, 1), new DateOnly(2024, 8, 31)), (calendar!.Starts, calendar.Ends));
    }
}
