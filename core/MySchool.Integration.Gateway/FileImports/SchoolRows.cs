using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// «Школы»: a row is a school of the region's registry, or a branch of one (a row naming its head school's KPP). Each
/// school is a push of its own with no records, so the school goes through the rules and ownership checks of any
/// source: a school another region or source holds is refused, never taken over. Schools are only added or updated.
/// </summary>
public static class SchoolRows
{
    /// <param name="registered">The region's head school of an INN, when the registry has it: only an uploader who holds it may change it.</param>
    public static ImportPlan Plan(IEnumerable<ImportRow> rows, Func<string, RegisteredSchool?> registered, ImportScope scope, string fileKey)
    {
        var refused = new List<RowRefusal>();
        var rowOf = new Dictionary<(string, string, string), int>();
        var schools = new List<SourceSchool>();
        var count = 0;
        foreach (var (number, values) in rows)
        {
            count++;
            var row = new TemplateRow(ImportTemplate.Schools, values);
            var branch = row["КПП головной школы"] is not null;
            var missing = row.MissingRequired is { } column ? $"Не заполнен обязательный столбец «{column.Header}»"
                : branch && row["КПП"] is null ? "Не заполнен КПП: у филиала он свой, обязателен"
                : null;
            if (missing is not null)
            {
                refused.Add(new(number, "import.required", missing));
                continue;
            }

            // A municipal coordinator registers schools in their municipalities, and changes only schools they hold.
            if (!scope.CoversOktmo(row["ОКТМО"]!) || (registered(row["ИНН"]!) is { } held && !scope.Covers(held)))
            {
                refused.Add(new(number, "import.scope", $"Школа {ImportScope.OutsideReason}"));
                continue;
            }

            // A head school is known by its INN (as the other templates name it); a branch by its INN and own KPP.
            var inn = row["ИНН"]!;
            var school = new SourceSchool(branch ? $"{inn}/{row["КПП"]}" : inn, inn, row["Полное наименование"]!, row["Краткое наименование"], row["ОКТМО"]!, row["Муниципалитет"]!)
            {
                Kpp = branch ? row["КПП"] : null,
                ParentSourceId = branch ? inn : null,
            };
            if (!rowOf.TryAdd((school.SourceId, "school", school.SourceId), number))
            {
                refused.Add(new(number, "import.duplicate", $"Та же школа уже в строке {rowOf[(school.SourceId, "school", school.SourceId)]}: строка пропущена"));
                continue;
            }

            schools.Add(school);
        }

        // Head schools first: a branch is written under a head school this source has written.
        List<SourceSchool> ordered = [.. schools.OrderBy(s => s.ParentSourceId is not null)];
        var plan = new ImportPlan(count, ordered, _ => ordered.Select(s => new Core.Push.PushBatch($"import:{fileKey}:{s.SourceId}", s, RosterParts.None, [], [], [], [], [], [], [])))
        {
            InOrder = true,
        };
        plan.Refused.AddRange(refused);
        foreach (var (key, row) in rowOf)
        {
            plan.RowOf[key] = row;
        }

        return plan;
    }
}
