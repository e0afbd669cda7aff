using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// «Родители»: a row links a parent to a child the region's file source already enrolled, found by the child's SNILS
/// in the row's school. The child is listed again as stored, with the parent beside; a complete file removes the
/// listed children's guardians it no longer names.
/// </summary>
public sealed class ParentRows(IReadOnlyDictionary<(string Inn, string Snils), ImportedStudent> children) : IRosterRows
{
    private const string ChildSnils = "СНИЛС ребёнка";

    public RosterParts Completes => RosterParts.Guardians;

    public string Kind => "parent";

    public string SourceId(TemplateRow row) => RosterImport.PersonKey(row);

    /// <summary>A parent is one row per child: the same parent with two children is two rows, not a repeat.</summary>
    public string RowKey(TemplateRow row) => $"{SourceId(row)}→{Child(row)}";

    public SourceRejection? Add(SchoolRecords school, TemplateRow row, string sourceId)
    {
        if (children.GetValueOrDefault((school.School.Inn, Child(row))) is not { } child)
        {
            var snils = Snils.Parse(row[ChildSnils]);
            return snils.Rejection is { } wrong
                ? new SourceRejection(Kind, sourceId, row.Raw(), wrong.Code, $"СНИЛС ребёнка: {wrong.Message}")
                : new SourceRejection(Kind, sourceId, row.Raw(), "import.child",
                    $"Ребёнка со СНИЛС {snils.Require().Masked} нет среди обучающихся школы, загруженных шаблоном «{ImportTemplate.Students.Title}»: сначала загрузите его");
        }

        school.AddClass(child.Class);
        school.AddStudent(new SourceStudent(child.Person, child.Class.SourceId, [new SourceGuardian(RosterImport.Person(row, sourceId), row["Кем приходится"]!)]));
        return null;
    }

    private static string Child(TemplateRow row) => Snils.Parse(row[ChildSnils]) is { IsValid: true } snils ? snils.Require().Canonical : row[ChildSnils] ?? "";
}
