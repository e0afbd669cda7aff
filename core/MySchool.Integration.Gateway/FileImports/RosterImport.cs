using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>A row the file's own structure refused before any school saw it (its school is not in the registry, it repeats another).</summary>
public sealed record RowRefusal(int Row, string Code, string Reason);

/// <summary>
/// A file as pushes: a batch per school, exactly as a vendor would push that school's records, so the rows go through
/// the same rules, ownership checks, quarantine and safety brake. <see cref="Schools"/> are known before any batch is
/// made; <see cref="Batches"/> are made as they are enumerated, each as soon as its school's last row is read, so only
/// the schools whose rows are still to come are held, never the whole file. <see cref="Refused"/> and
/// <see cref="RowOf"/> (each record's row, for the report) are complete once the batches have been enumerated.
/// </summary>
public sealed class ImportPlan
{
    /// <param name="batches">Makes the batches, lazily, writing the plan's refusals and rows as it goes.</param>
    public ImportPlan(int rows, IReadOnlyList<SourceSchool> schools, Func<ImportPlan, IEnumerable<PushBatch>> batches)
    {
        Rows = rows;
        Schools = schools;
        Batches = batches(this);
    }

    public int Rows { get; }

    public IReadOnlyList<SourceSchool> Schools { get; }

    public IEnumerable<PushBatch> Batches { get; }

    /// <summary>A batch may need the ones before it written (a branch its head school): they are written one at a time, in order.</summary>
    public bool InOrder { get; init; }

    public List<RowRefusal> Refused { get; } = [];

    public Dictionary<(string School, string Kind, string SourceId), int> RowOf { get; } = [];
}

/// <summary>A file's first pass: its rows, the schools they name (in the file's order) and each school's rows.</summary>
public sealed class FileCensus
{
    public int Rows { get; set; }

    public List<SourceSchool> Schools { get; } = [];

    public Dictionary<string, int> RowsOf { get; } = new(StringComparer.Ordinal);
}

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
    /// <summary>Each record's row in the file, shared by the file's schools.</summary>
    public Dictionary<(string School, string Kind, string SourceId), int> RowOf => rowOf;

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
    /// <summary>
    /// The first pass: how many rows each school of the file has (the schools in the order the file names them), so
    /// that the second can let a school go as soon as its last row is read, and the rows in all.
    /// </summary>
    public static FileCensus Census(ImportTemplate template, IEnumerable<ImportRow> rows, Func<string, RegisteredSchool?> school, ImportScope scope)
    {
        var census = new FileCensus();
        foreach (var (_, values) in rows)
        {
            census.Rows++;
            if (Resolve(new TemplateRow(template, values), school, scope) is not { } found)
            {
                continue;
            }

            if (census.RowsOf.TryAdd(found.SourceId, 1))
            {
                census.Schools.Add(found);
            }
            else
            {
                census.RowsOf[found.SourceId]++;
            }
        }

        return census;
    }

    /// <param name="census">The file's first pass (<see cref="Census"/>).</param>
    /// <param name="rows">Reads the file's data rows in the template's column order, from the start.</param>
    /// <param name="school">The registry's school of an INN in the importing region (null: not there).</param>
    /// <param name="scope">The schools the uploader may load rows into.</param>
    /// <param name="complete">The file lists the template's part of each of its schools whole: what it no longer lists ends (under the safety brake).</param>
    /// <param name="fileKey">The file's content hash: uploading the same file again is answered, not applied twice.</param>
    public static ImportPlan Plan(ImportTemplate template, IRosterRows mapping, FileCensus census, Func<IEnumerable<ImportRow>> rows, Func<string, RegisteredSchool?> school,
        ImportScope scope, bool complete, string fileKey)
    {
        var parts = complete ? mapping.Completes : RosterParts.None;
        var remaining = new Dictionary<string, int>(census.RowsOf, StringComparer.Ordinal);
        return new ImportPlan(census.Rows, census.Schools, plan => Batches(plan, template, mapping, rows, school, scope, remaining, parts, fileKey));
    }

    private static IEnumerable<PushBatch> Batches(ImportPlan plan, ImportTemplate template, IRosterRows mapping, Func<IEnumerable<ImportRow>> rows,
        Func<string, RegisteredSchool?> school, ImportScope scope, Dictionary<string, int> remaining, RosterParts complete, string fileKey)
    {
        var firstRow = new Dictionary<(string, string), int>();
        var open = new Dictionary<string, SchoolRecords>(StringComparer.Ordinal);
        foreach (var (number, values) in rows())
        {
            var row = new TemplateRow(template, values);
            if (Resolve(row, school, scope) is not { } found)
            {
                plan.Refused.Add(Unresolved(number, row, school));
                continue;
            }

            if (!open.TryGetValue(found.SourceId, out var target))
            {
                target = new SchoolRecords(found, plan.RowOf);
                open[found.SourceId] = target;
            }

            if (!firstRow.TryAdd((found.SourceId, mapping.RowKey(row)), number))
            {
                plan.Refused.Add(new(number, "import.duplicate", $"То же самое уже в строке {firstRow[(found.SourceId, mapping.RowKey(row))]}: строка пропущена"));
            }
            else
            {
                Map(mapping, target, row, number);
            }

            if (--remaining[found.SourceId] == 0)
            {
                open.Remove(found.SourceId);
                yield return target.Batch($"import:{fileKey}:{found.SourceId}", complete);
            }
        }
    }

    private static void Map(IRosterRows mapping, SchoolRecords target, TemplateRow row, int number)
    {
        var sourceId = mapping.SourceId(row);
        target.RowOf.TryAdd((target.School.SourceId, mapping.Kind, sourceId), number);
        target.Row = number;
        var rejection = row.MissingRequired is { } missing
            ? new SourceRejection(mapping.Kind, sourceId, row.Raw(), "import.required", $"Не заполнен обязательный столбец «{missing.Header}»")
            : mapping.Add(target, row, sourceId);
        if (rejection is not null)
        {
            target.Rejections.Add(rejection);
        }
    }

    /// <summary>The row's school, when the registry has it and the uploader may load it.</summary>
    private static SourceSchool? Resolve(TemplateRow row, Func<string, RegisteredSchool?> school, ImportScope scope) =>
        row[ImportTemplate.SchoolInn] is { } inn && school(inn) is { } registered && scope.Covers(registered) ? registered.School : null;

    private static RowRefusal Unresolved(int number, TemplateRow row, Func<string, RegisteredSchool?> school) => row[ImportTemplate.SchoolInn] switch
    {
        null => new(number, "import.school", "Не заполнен ИНН школы"),
        var inn when school(inn) is null => new(number, "import.school",
            $"Школы с ИНН {SourceText.Excerpt(inn)} нет в реестре региона: сначала загрузите её шаблоном «{ImportTemplate.Schools.Title}»"),
        var inn => new(number, "import.scope", $"Школа с ИНН {inn} {ImportScope.OutsideReason}"),
    };
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
