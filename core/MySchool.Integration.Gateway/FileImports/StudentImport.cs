using System.Text.Json;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>A row the file's own structure refused before any school saw it (its school is not in the registry, it repeats another).</summary>
public sealed record RowRefusal(int Row, string Code, string Reason);

/// <summary>
/// A students file as pushes: a batch per school, exactly as a vendor would push that school's roster, so the rows go
/// through the same rules, ownership checks, quarantine and safety brake. <see cref="RowOf"/> leads each record back
/// to its row, for the report.
/// </summary>
public sealed record ImportPlan(int Rows, IReadOnlyList<PushBatch> Batches, IReadOnlyList<RowRefusal> Refused, IReadOnlyDictionary<(string School, string Kind, string SourceId), int> RowOf);

/// <summary>Maps the rows of the «Обучающиеся» template onto pushes, one per school the rows name by INN.</summary>
public static class StudentImport
{
    private const int Inn = 0, Class = 1, LastName = 2, FirstName = 3, MiddleName = 4, BirthDate = 5, GenderColumn = 6, SnilsColumn = 7;

    /// <param name="rows">The file's data rows in the students template's column order.</param>
    /// <param name="school">The registry's school of an INN in the importing region (null: not there).</param>
    /// <param name="academicYear">The year the file's classes are in (<c>2026/2027</c>).</param>
    /// <param name="completeRoster">The file lists each of its schools' students in full: those not in it leave (under the safety brake).</param>
    /// <param name="fileKey">The file's content hash: uploading the same file again is answered, not applied twice.</param>
    public static ImportPlan Plan(IEnumerable<ImportRow> rows, Func<string, SourceSchool?> school, string academicYear, bool completeRoster, string fileKey)
    {
        var columns = ImportTemplate.Students.Columns;
        var refused = new List<RowRefusal>();
        var rowOf = new Dictionary<(string, string, string), int>();
        var count = 0;
        var bySchool = new Dictionary<string, (SourceSchool School, Dictionary<string, SourceClass> Classes, List<SourceStudent> Students, List<SourceRejection> Rejections)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            count++;
            var inn = row.Values[Inn];
            if (inn is null || school(inn) is not { } found)
            {
                refused.Add(new(row.Number, "import.school", inn is null
                    ? "Не заполнен ИНН школы"
                    : $"Школы с ИНН {SourceText.Excerpt(inn)} нет в реестре региона: сначала загрузите её шаблоном «Школы»"));
                continue;
            }

            if (!bySchool.TryGetValue(found.SourceId, out var target))
            {
                target = (found, new(StringComparer.Ordinal), [], []);
                bySchool[found.SourceId] = target;
            }

            var raw = JsonSerializer.Serialize(columns.Select((c, i) => (c.Header, row.Values[i])).Where(p => p.Item2 is not null).ToDictionary(p => p.Header, p => p.Item2));
            var sourceId = StudentKey(row.Values);
            if (rowOf.TryGetValue((found.SourceId, "student", sourceId), out var first))
            {
                refused.Add(new(row.Number, "import.duplicate", $"Тот же обучающийся уже в строке {first}: строка пропущена"));
                continue;
            }

            rowOf[(found.SourceId, "student", sourceId)] = row.Number;
            if (columns.Select((c, i) => (c, i)).FirstOrDefault(p => p.c.Required && row.Values[p.i] is null) is { c: { } missing })
            {
                target.Rejections.Add(new SourceRejection("student", sourceId, raw, "import.required", $"Не заполнен обязательный столбец «{missing.Header}»"));
                continue;
            }

            // The class as the file names it; its name is checked by the engine's rule like any source's.
            var classId = ClassName.Parse(row.Values[Class]) is { IsValid: true } parsed ? $"{parsed.Require().Grade}{parsed.Require().Letter}" : row.Values[Class]!;
            target.Classes.TryAdd(classId, new SourceClass(classId, row.Values[Class]!, academicYear));
            rowOf.TryAdd((found.SourceId, "class", classId), row.Number);
            var person = new SourcePerson(sourceId, row.Values[LastName]!, row.Values[FirstName]!, row.Values[MiddleName], row.Values[BirthDate], Gender(row.Values[GenderColumn]), row.Values[SnilsColumn], raw);
            target.Students.Add(new SourceStudent(person, classId, []));
        }

        var batches = bySchool.Values.Select(s => new PushBatch($"import:{fileKey}:{s.School.SourceId}", s.School, completeRoster, [.. s.Classes.Values], s.Students, [], [], [], [], s.Rejections)).ToList();
        return new ImportPlan(count, batches, refused, rowOf);
    }

    /// <summary>
    /// A student's identity in the import source: the SNILS when it is valid (it stays when the file is fixed and
    /// uploaded again), otherwise the name and birth date.
    /// </summary>
    private static string StudentKey(string?[] values) => Snils.Parse(values[SnilsColumn]) is { IsValid: true } snils
        ? snils.Require().Canonical
        : string.Join('|', values[LastName], values[FirstName], values[MiddleName], values[BirthDate]).ToUpperInvariant();

    /// <summary>The template's м and ж as the engine's M and F; anything else goes on as written, for the rule to refuse.</summary>
    private static string? Gender(string? value) => value?.ToLowerInvariant() switch
    {
        "м" or "муж" or "мужской" => "M",
        "ж" or "жен" or "женский" => "F",
        _ => value,
    };
}
