using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// The schools of a region or a municipality, with how far behind each is: found by a part of the name or the INN,
/// listed by name or the most behind first, and downloadable with the same columns.
/// </summary>
public sealed record SchoolsTable(string Region, IReadOnlyList<SchoolStatus> Schools, DateTimeOffset Now, bool ShowMunicipality = false)
{
    /// <summary>The schools a search keeps, in the order asked: by lag (never synced, then the longest behind) or as read.</summary>
    public static List<SchoolStatus> Find(IEnumerable<SchoolStatus> schools, string? search, bool byLag)
    {
        var text = search?.Trim();
        var found = string.IsNullOrEmpty(text) ? schools
            : schools.Where(s => s.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || s.Inn.StartsWith(text, StringComparison.Ordinal));
        return byLag ? [.. found.OrderBy(s => s.LastSuccess is not null).ThenBy(s => s.LastSuccess)] : [.. found];
    }

    public ListExport Export(string fileName) => new(fileName,
        ["Школа", "ИНН", "Муниципалитет", "Классов", "Обучающихся", "Последняя успешная", "Отставание", "В карантине"],
        [.. Schools.Select(s => new object?[]
        {
            OperatorPage.SchoolName(s.Name), s.Inn, s.Municipality, s.Classes, s.Students, OperatorPage.When(s.LastSuccess), OperatorPage.Lag(s.LastSuccess, Now), s.Quarantined,
        })]);
}
