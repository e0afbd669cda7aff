using System.Text.Json;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;
using static MySchool.Integration.Adapters.Nso.EljurJson;

namespace MySchool.Integration.Adapters.Nso;

/// <summary>
/// A school's year from ЭлЖур (nso-eljur.md, «The school year»): periods from <c>getperiods</c>, which answers per
/// student, so one student of each grade is asked; days off from a diary over the whole year, where a day with an
/// <c>alert</c> and a <c>holiday_name</c> is off and consecutive days off of one name are one holiday.
/// </summary>
internal sealed class EljurCalendar(EljurClient client)
{
    public async Task<SourceCalendar?> ReadAsync(IReadOnlyList<SourceClass> classes, IReadOnlyList<SourceStudent> students, CancellationToken cancellationToken)
    {
        var gradeOfClass = classes.ToDictionary(c => c.SourceId, c => ClassName.Parse(c.RawName) is { IsValid: true } name ? name.Value.Grade : (int?)null, StringComparer.Ordinal);
        var askedByGrade = students.Where(s => gradeOfClass.GetValueOrDefault(s.ClassSourceId) is not null)
            .GroupBy(s => gradeOfClass[s.ClassSourceId]!.Value).OrderBy(g => g.Key).Select(g => (Grade: g.Key, Student: g.First().Person.SourceId)).ToList();
        if (classes.Count == 0 || askedByGrade.Count == 0 || FirstYear(classes[0].Year) is not { } firstYear)
        {
            return null; // no student to ask: ЭлЖур answers the calendar only per student
        }

        var rejections = new List<SourceRejection>();
        var periods = await PeriodsAsync(askedByGrade, rejections, cancellationToken);
        var holidays = await HolidaysAsync(askedByGrade[0].Student, new DateOnly(firstYear, 9, 1), new DateOnly(firstYear + 1, 8, 31), cancellationToken);
        return new SourceCalendar(classes[0].Year, null, null, periods, holidays) { Rejections = rejections };
    }

    private async Task<List<SourcePeriod>> PeriodsAsync(List<(int Grade, string Student)> asked, List<SourceRejection> rejections, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("getperiods", new Dictionary<string, string> { ["student"] = string.Join(',', asked.Select(a => a.Student)) }, cancellationToken);
        var gradeOf = asked.ToDictionary(a => a.Student, a => a.Grade, StringComparer.Ordinal);
        var grades = new Dictionary<(string Name, DateOnly Start, DateOnly End), SortedSet<int>>();
        foreach (var student in Entries(result, "students"))
        {
            if (Text(student, "name") is not { } id || !gradeOf.TryGetValue(id, out var grade))
            {
                continue;
            }

            foreach (var period in Entries(student, "periods"))
            {
                var name = Text(period, "name") ?? string.Empty;
                if (!TryDay(Text(period, "start"), out var start) || !TryDay(Text(period, "end"), out var end))
                {
                    rejections.Add(new SourceRejection("period", name, period.GetRawText(), "period.dates", $"Даты периода «{name}» в getperiods не распознаны"));
                    continue;
                }

                (grades.TryGetValue((name, start, end), out var set) ? set : grades[(name, start, end)] = []).Add(grade);
            }
        }

        // A period every asked grade has is the whole school's; otherwise it is bounded by the grades that have it.
        return [.. grades.OrderBy(p => p.Key.Start).ThenBy(p => p.Key.Name, StringComparer.Ordinal).Select(p => p.Value.Count == asked.Count
            ? new SourcePeriod(p.Key.Name, p.Key.Start, p.Key.End)
            : new SourcePeriod(p.Key.Name, p.Key.Start, p.Key.End, p.Value.Min, p.Value.Max))];
    }

    private async Task<List<SourceHoliday>> HolidaysAsync(string student, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("getdiary", new Dictionary<string, string> { ["student"] = student, ["days"] = $"{Day(from)}-{Day(to)}" }, cancellationToken);
        var days = result.TryGetProperty("students", out var students) && students.ValueKind == JsonValueKind.Object && students.TryGetProperty(student, out var diary)
            ? Keyed(diary, "days")
            : [];
        var holidays = new List<SourceHoliday>();
        (string Name, DateOnly Start, DateOnly End)? current = null;
        foreach (var (date, day) in days.Select(d => (Date: TryDay(d.Key, out var date) ? date : (DateOnly?)null, d.Value)).Where(d => d.Date is not null).OrderBy(d => d.Date))
        {
            var name = Text(day, "alert") is "holiday" or "vacation" ? Text(day, "holiday_name")?.Trim() : null;
            if (current is { } open && (name is null || name != open.Name))
            {
                holidays.Add(new SourceHoliday(open.Name, open.Start, open.End));
                current = null;
            }

            if (name is not null)
            {
                current = current is { } run ? run with { End = date!.Value } : (name, date!.Value, date.Value);
            }
        }

        if (current is { } last)
        {
            holidays.Add(new SourceHoliday(last.Name, last.Start, last.End));
        }

        return holidays;
    }

    private static int? FirstYear(string year) => SourceValues.AcademicYear(year) is { IsValid: true } valid ? valid.Value : null;
}
