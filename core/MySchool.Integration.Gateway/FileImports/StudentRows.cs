using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>«Обучающиеся»: a row is a student in a class of the current school year; a complete file ends the enrollments it no longer lists.</summary>
public sealed class StudentRows(string academicYear) : IRosterRows
{
    public RosterParts Completes => RosterParts.Enrollments;

    public string Kind => "student";

    public string SourceId(TemplateRow row) => RosterImport.PersonKey(row);

    public SourceRejection? Add(SchoolRecords school, TemplateRow row, string sourceId)
    {
        // The class as the file names it (5А, 5 «А»); its name is checked by the engine's rule like any source's.
        var classId = ClassRows.ClassId(row["Класс"]!);
        school.AddClass(new SourceClass(classId, row["Класс"]!, academicYear));
        school.AddStudent(new SourceStudent(RosterImport.Person(row, sourceId, Gender(row["Пол"])), classId, []));
        return null;
    }

    /// <summary>The template's м and ж as the engine's M and F; anything else goes on as written, for the rule to refuse.</summary>
    private static string? Gender(string? value) => value?.ToLowerInvariant() switch
    {
        "м" or "муж" or "мужской" => "M",
        "ж" or "жен" or "женский" => "F",
        _ => value,
    };
}
