namespace MySchool.Integration.Core.Federal;

/// <summary>Which of a class's lessons a student had: the whole class's, and of a group's, their own groups' only.</summary>
internal static class GroupLessons
{
    /// <summary>A condition on lesson <c>l</c> for the student given by <paramref name="student"/> (a column or a parameter).</summary>
    public static string OwnedBy(string student) =>
        $"(l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member gm WHERE gm.group_id = l.group_id AND gm.student_id = {student}))";
}
