using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>A row the file's own structure refused before any school saw it (its school is not in the registry, it repeats another).</summary>
public sealed record RowRefusal(int Row, string Code, string Reason);

/// <summary>
/// A file as pushes: a batch per school, exactly as a vendor would push that school's records, so the rows go through
/// the same rules, ownership checks, quarantine and safety brake. <see cref="RowOf"/> leads each record back to its
/// row, for the report.
/// </summary>
public sealed record ImportPlan(int Rows, IReadOnlyList<PushBatch> Batches, IReadOnlyList<RowRefusal> Refused, IReadOnlyDictionary<(string School, string Kind, string SourceId), int> RowOf);

/// <summary>How the rows of one template that names a school by INN become that school's records.</summary>
public interface IRosterRows
{
    /// <summary>The part of the roster a file of this template marked complete lists whole: what it no longer lists ends.</summary>
    RosterParts Completes { get; }

    /// <summary>The kind of record a row is (its quarantine's kind).</summary>
    string Kind { get; }

    /// <summary>The source id of the row's record: what the identity map and the quarantine know it by.</summary>
    string SourceId(TemplateRow row);

    /// <summary>What makes two rows one (the second is refused as a repeat): the record, or a relation between two.</summary>
    string RowKey(TemplateRow row) => SourceId(row);

    /// <summary>Adds the row's records to its school's; a rejection when the row cannot be placed there.</summary>
    SourceRejection? Add(SchoolRecords school, TemplateRow row, string sourceId);
}

/// <summary>One school's records gathered from a file's rows, as its push will carry them.</summary>
public sealed class SchoolRecords(SourceSchool school, Dictionary<(string School, string Kind, string SourceId), int> rowOf)
{
    private readonly Dictionary<string, SourceClass> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceStudent> _students = new(StringComparer.Ordinal);

    public SourceSchool School => school;

    /// <summary>The row being mapped: the first row naming a class is the one its refusal leads back to.</summary>
    public int Row { get; set; }

    public List<SourceTeacher> Teachers { get; } = [];

    public List<SourceRejection> Rejections { get; } = [];

    public void AddClass(SourceClass schoolClass)
    {
        if (_classes.TryAdd(schoolClass.SourceId, schoolClass))
        {
            rowOf.TryAdd((school.SourceId, "class", schoolClass.SourceId), Row);
        }
    }

    /// <summary>A student as listed; listed again (a child of several parents), the guardians are added to the first listing.</summary>
    public void AddStudent(SourceStudent student) => _students[student.Person.SourceId] = _students.TryGetValue(student.Person.SourceId, out var listed)
        ? listed with { Guardians = [.. listed.Guardians, .. student.Guardians] }
        : student;

    public PushBatch Batch(string idempotencyKey, RosterParts complete) =>
        new(idempotencyKey, school, complete, [.. _classes.Values], [.. _students.Values], Teachers, [], [], [], Rejections);
}

/// <summary>Maps the rows of a template that names a school by INN (classes, students, parents, staff) onto a push per school.</summary>
public static class RosterImport
{
    /// <param name="rows">The file's data rows in the template's column order.</param>
    /// <param name="school">The registry's school of an INN in the importing region (null: not there).</param>
    /// <param name="scope">The schools the uploader may load rows into.</param>
    /// <param name="complete">The file lists the template's part of each of its schools whole: what it no longer lists ends (under the safety brake).</param>
    /// <param name="fileKey">The file's content hash: uploading the same file again is answered, not applied twice.</param>
    public static ImportPlan Plan(ImportTemplate template, IRosterRows mapping, IEnumerable<ImportRow> rows, Func<string, RegisteredSchool?> school, ImportScope scope, bool complete, string fileKey)
    {
        var refused = new List<RowRefusal>();
        var rowOf = new Dictionary<(string, string, string), int>();
        var firstRow = new Dictionary<(string, string), int>();
        var count = 0;
        var bySchool = new Dictionary<string, SchoolRecords>(StringComparer.Ordinal);
        foreach (var (number, values) in rows)
        {
            count++;
            var row = new TemplateRow(template, values);
            var inn = row[ImportTemplate.SchoolInn];
            if (inn is null || school(inn) is not { } registered)
            {
                refused.Add(new(number, "import.school", inn is null
                    ? "Не заполнен ИНН школы"
                    : $"Школы с ИНН {SourceText.Excerpt(inn)} нет в реестре региона: сначала загрузите её шаблоном «{ImportTemplate.Schools.Title}»"));
                continue;
            }

            if (!scope.Covers(registered))
            {
                refused.Add(new(number, "import.scope", $"Школа с ИНН {inn} {ImportScope.OutsideReason}"));
                continue;
            }

            var found = registered.School;

            if (!firstRow.TryAdd((found.SourceId, mapping.RowKey(row)), number))
            {
                refused.Add(new(number, "import.duplicate", $"То же самое уже в строке {firstRow[(found.SourceId, mapping.RowKey(row))]}: строка пропущена"));
                continue;
            }

            if (!bySchool.TryGetValue(found.SourceId, out var target))
            {
                target = new SchoolRecords(found, rowOf);
                bySchool[found.SourceId] = target;
            }

            var sourceId = mapping.SourceId(row);
            rowOf.TryAdd((found.SourceId, mapping.Kind, sourceId), number);
            target.Row = number;
            var rejection = row.MissingRequired is { } missing
                ? new SourceRejection(mapping.Kind, sourceId, row.Raw(), "import.required", $"Не заполнен обязательный столбец «{missing.Header}»")
                : mapping.Add(target, row, sourceId);
            if (rejection is not null)
            {
                target.Rejections.Add(rejection);
            }
        }

        var parts = complete ? mapping.Completes : RosterParts.None;
        var batches = bySchool.Values.Select(s => s.Batch($"import:{fileKey}:{s.School.SourceId}", parts)).ToList();
        return new ImportPlan(count, batches, refused, rowOf);
    }

    /// <summary>
    /// A person's identity in the file source: the SNILS when it is valid (it stays when the file is fixed and
    /// uploaded again), otherwise the name and birth date.
    /// </summary>
    public static string PersonKey(TemplateRow row, string snilsHeader = "СНИЛС") => Snils.Parse(row[snilsHeader]) is { IsValid: true } snils
        ? snils.Require().Canonical
        : string.Join('|', row["Фамилия"], row["Имя"], row["Отчество"], row.Optional("Дата рождения")).ToUpperInvariant();

    /// <summary>The person a row names, its values still raw for the engine's rules.</summary>
    public static SourcePerson Person(TemplateRow row, string sourceId, string? gender = null) =>
        new(sourceId, row["Фамилия"]!, row["Имя"]!, row["Отчество"], row.Optional("Дата рождения"), gender, row["СНИЛС"], row.Raw());
}
