using System.Text.Json;
using MySchool.Integration.Core.Rules;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// The rules of a school's year: a storable name, dates in order and inside the year, a period's kind readable from
/// its name, one period of a name and one holiday of a first day. A refused period or holiday is quarantined and
/// the rest of the calendar stands; a year that cannot be read refuses the whole calendar.
/// </summary>
public static class CalendarCheck
{
    public static CheckedCalendar? Check(SourceCalendar calendar, List<QuarantinedRecord> quarantine)
    {
        quarantine.AddRange(calendar.Rejections.Select(r => new QuarantinedRecord(r.Kind, r.SourceId, r.RawPayload, new Rejection(r.ReasonCode, r.Reason))));
        var year = SourceValues.AcademicYear(calendar.Year);
        var (starts, ends) = year.IsValid ? (calendar.Starts ?? new DateOnly(year.Value, 9, 1), calendar.Ends ?? new DateOnly(year.Value + 1, 8, 31)) : default;
        if ((year.Rejection ?? YearDates(starts, ends, year.Value)) is { } refused)
        {
            quarantine.Add(new QuarantinedRecord("calendar", calendar.Year, JsonSerializer.Serialize(calendar), refused));
            return null;
        }

        var periods = new List<CheckedPeriod>();
        foreach (var period in calendar.Periods)
        {
            var kind = SourceValues.PeriodKind(period.Name);
            var rejection = SourceText.First(
                SourceText.Line("название периода", period.Name),
                string.IsNullOrWhiteSpace(period.Name) ? new Rejection("period.name", "Не указано название периода") : null,
                kind.Rejection,
                Dates("period", "Период", period.Start, period.End, starts, ends),
                Grades(period.FirstGrade, period.LastGrade),
                periods.Any(p => p.Name == period.Name.Trim()) ? new Rejection("period.duplicate", "Период с этим названием уже есть в календаре: принят первый") : null);
            if (rejection is null)
            {
                periods.Add(new CheckedPeriod(period.Name.Trim(), kind.Value!, period.Start, period.End, period.FirstGrade, period.LastGrade));
            }
            else
            {
                quarantine.Add(new QuarantinedRecord("period", period.Name, JsonSerializer.Serialize(period), rejection));
            }
        }

        var holidays = new List<CheckedHoliday>();
        foreach (var holiday in calendar.Holidays)
        {
            var rejection = SourceText.First(
                SourceText.Line("название каникул", holiday.Name),
                string.IsNullOrWhiteSpace(holiday.Name) ? new Rejection("holiday.name", "Не указано название каникул или выходного дня") : null,
                Dates("holiday", "Каникулы", holiday.Start, holiday.End, starts, ends),
                holidays.Any(h => h.Start == holiday.Start) ? new Rejection("holiday.duplicate", "Каникулы с этим первым днём уже есть в календаре: приняты первые") : null);
            if (rejection is null)
            {
                holidays.Add(new CheckedHoliday(holiday.Name.Trim(), holiday.Start, holiday.End));
            }
            else
            {
                quarantine.Add(new QuarantinedRecord("holiday", holiday.Name, JsonSerializer.Serialize(holiday), rejection));
            }
        }

        return new CheckedCalendar(calendar.Year.Trim(), starts, ends, periods, holidays);
    }

    /// <summary>The year's own dates: in order, and the year they name (2023/2024 runs within 2023 and 2024).</summary>
    private static Rejection? YearDates(DateOnly starts, DateOnly ends, int firstYear) =>
        ends > starts && starts.Year == firstYear && ends.Year == firstYear + 1
            ? null
            : new Rejection("calendar.dates", $"Даты учебного года {starts:dd.MM.yyyy}–{ends:dd.MM.yyyy} не соответствуют году {firstYear}/{firstYear + 1}");

    private static Rejection? Dates(string kind, string what, DateOnly start, DateOnly end, DateOnly yearStarts, DateOnly yearEnds) =>
        end < start ? new Rejection($"{kind}.dates", $"{what}: конец ({end:dd.MM.yyyy}) раньше начала ({start:dd.MM.yyyy})")
        : start < yearStarts || end > yearEnds ? new Rejection($"{kind}.outside-year", $"{what} {start:dd.MM.yyyy}–{end:dd.MM.yyyy} выходят за учебный год {yearStarts:dd.MM.yyyy}–{yearEnds:dd.MM.yyyy}")
        : null;

    private static Rejection? Grades(int? first, int? last) =>
        (first, last) is (null, null) || (first is >= 1 and <= 11 && last is >= 1 and <= 11 && first <= last)
            ? null
            : new Rejection("period.grades", $"Параллели периода {first}–{last} вне 1–11 или не по порядку");
}
