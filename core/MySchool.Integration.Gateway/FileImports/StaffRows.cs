using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>«Педагоги и администраторы»: a row is a member of a school's staff with their roles and subjects; a complete file removes those it no longer lists.</summary>
public sealed class StaffRows : IRosterRows
{
    public RosterParts Completes => RosterParts.Staff;

    public string Kind => "teacher";

    public string SourceId(TemplateRow row) => RosterImport.PersonKey(row);

    public SourceRejection? Add(SchoolRecords school, TemplateRow row, string sourceId)
    {
        // «педагог и администратор» is both roles; any other value goes to the engine's rule as written.
        var role = row["Роль"]!;
        IReadOnlyList<string> roles = role.Trim().Equals("педагог и администратор", StringComparison.OrdinalIgnoreCase) ? ["педагог", "администратор"] : [role];
        var subjects = row["Предметы"]?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        school.Teachers.Add(new SourceTeacher(RosterImport.Person(row, sourceId), row["Эл. почта"], subjects) { Roles = roles });
        return null;
    }
}
