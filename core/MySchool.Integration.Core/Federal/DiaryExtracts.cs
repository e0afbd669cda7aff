using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Federal;

/// <summary>An extract of a student's e-diary over a period: who, where, and the lessons with marks, absences and homework.</summary>
public sealed record DiaryExtract(string StudentName, DateOnly From, DateOnly To, StudentSchedule Schedule);

/// <summary>
/// The e-diary extract a parent may ask for in writing, at least every 14 days (seed 004): issued by a school's
/// administrator for a student of the school, or downloaded by a parent for their own child. Every extract issued is
/// audited with who asked, for whom and for which period.
/// </summary>
public sealed class DiaryExtracts(NpgsqlDataSource dataSource, ScheduleReader schedules, AuditLog audit)
{
    /// <summary>The period an extract covers unless asked otherwise: the last 14 days.</summary>
    public const int DefaultDays = 14;

    /// <summary>The longest period one extract covers: a school year.</summary>
    public const int MaxDays = 366;

    /// <summary>The extract, audited; null when the person is no student.</summary>
    public async Task<DiaryExtract?> IssueAsync(string actor, Guid student, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var names = await ListAsync(dataSource, """
            SELECT concat_ws(' ', last_name, first_name, middle_name) FROM person p WHERE p.id = $1 AND EXISTS (SELECT 1 FROM enrollment e WHERE e.student_id = p.id)
            """, reader => reader.GetString(0), cancellationToken, student);
        if (names is not [var name])
        {
            return null;
        }

        var schedule = await schedules.ReadAsync(student, from, to, cancellationToken);
        await audit.RecordAsync(actor, "extract.issued", null, new { student, from, to }, cancellationToken);
        return new DiaryExtract(name, from, to, schedule);
    }

    /// <summary>Whether the student is (or was this year) enrolled in a class of the school.</summary>
    public async Task<bool> IsStudentOfAsync(Guid student, Guid school, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, "SELECT 1 FROM enrollment e JOIN class c ON c.id = e.class_id WHERE e.student_id = $1 AND c.school_id = $2 LIMIT 1",
            reader => reader.GetInt32(0), cancellationToken, student, school)).Count > 0;

    /// <summary>The students a parent (by ESIA oid) is the registry's legal representative of.</summary>
    public Task<List<(Guid Id, string Name)>> ChildrenOfAsync(long parentOid, CancellationToken cancellationToken) =>
        ListAsync(dataSource, """
            SELECT s.id, concat_ws(' ', s.last_name, s.first_name, s.middle_name) FROM person p
            JOIN guardianship g ON g.parent_id = p.id JOIN person s ON s.id = g.student_id
            WHERE p.esia_oid = $1 ORDER BY 2, 1
            """, reader => (reader.GetGuid(0), reader.GetString(1)), cancellationToken, parentOid);

    /// <summary>The period asked for, or the last 14 days; null when it is not a period (reversed, or over a year).</summary>
    public static (DateOnly From, DateOnly To)? Period(DateOnly? from, DateOnly? to, DateOnly today)
    {
        var end = to ?? today;
        var start = from ?? end.AddDays(-(DefaultDays - 1));
        return start > end || end.DayNumber - start.DayNumber >= MaxDays ? null : (start, end);
    }
}
