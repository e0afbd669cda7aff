using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>«Классы»: a row is a class of a school year, named by its parallel and letter. Classes are only added: a class never ends by a file.</summary>
public sealed class ClassRows : IRosterRows
{
    public RosterParts Completes => RosterParts.None;

    public string Kind => "class";

    public string SourceId(TemplateRow row) => ClassId(Name(row));

    public SourceRejection? Add(SchoolRecords school, TemplateRow row, string sourceId)
    {
        school.AddClass(new SourceClass(sourceId, Name(row), row["Учебный год"]!));
        return null;
    }

    private static string Name(TemplateRow row) => $"{row["Параллель"]}{row["Литера"]}";

    /// <summary>
    /// A class's id in the file source: its parallel and letter as the rule reads them (5 «А» and 5а are 5А), so the
    /// classes and students templates name one class alike; a name the rule refuses stays as written, to be refused.
    /// </summary>
    public static string ClassId(string name) => ClassName.Parse(name) is { IsValid: true } parsed ? $"{parsed.Require().Grade}{parsed.Require().Letter}" : name;
}
