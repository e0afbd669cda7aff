using MySchool.Integration.Core.Sync;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>A student a source enrolled, as that source would list them again: the person and their class.</summary>
public sealed record ImportedStudent(SourcePerson Person, SourceClass Class);

/// <summary>A school of the registry: its federal id, and its header as a file source would send it.</summary>
public sealed record RegisteredSchool(Guid Id, SourceSchool School);

/// <summary>The schools of a region as the registry holds them, by INN: what a file naming schools by INN refers to.</summary>
public sealed class SchoolRegistry(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The region's head schools (not branches) as a source would send them, keyed by INN, which is also their id in
    /// a file's source (a file does not know another source's ids), with their federal ids.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RegisteredSchool>> HeadSchoolsAsync(string regionCode, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, """
            SELECT s.inn, s.full_name, s.short_name, s.oktmo, m.name, s.id
            FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id
            WHERE r.code = $1 AND s.parent_school_id IS NULL ORDER BY s.inn, s.kpp NULLS FIRST
            """, r => new RegisteredSchool(r.GetGuid(5), new SourceSchool(r.GetString(0), r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4))),
            cancellationToken, regionCode))
        .DistinctBy(s => s.School.Inn).ToDictionary(s => s.School.Inn, StringComparer.Ordinal);

    /// <summary>
    /// The students <paramref name="sourceSystem"/> enrolled in the schools of <paramref name="inns"/> (head schools)
    /// and knows by their SNILS, keyed by school INN and SNILS: whom a parents file may name. Listed as the store holds
    /// them, so listing them again changes nothing of theirs.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Inn, string Snils), ImportedStudent>> EnrolledBySnilsAsync(string sourceSystem, string[] inns, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, """
            SELECT s.inn, p.snils::text, m.source_id, p.last_name, p.first_name, p.middle_name, to_char(p.birth_date, 'YYYY-MM-DD'), p.gender::text,
                   cm.source_id, c.grade || c.letter, y.name
            FROM identity_map m JOIN person p ON p.id = m.federal_id
            JOIN enrollment e ON e.student_id = p.id AND e.ends_on IS NULL
            JOIN class c ON c.id = e.class_id JOIN grade_level g ON g.id = c.grade_level_id JOIN academic_year y ON y.id = g.academic_year_id
            JOIN identity_map cm ON cm.federal_id = c.id AND cm.source_system = m.source_system AND cm.kind = 'class'
            JOIN school s ON s.id = c.school_id
            WHERE m.source_system = $1 AND m.kind = 'student' AND s.inn = ANY($2) AND s.parent_school_id IS NULL AND p.snils IS NOT NULL
            """, r => (Key: (r.GetString(0), r.GetString(1)), Student: new ImportedStudent(
                new SourcePerson(r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                    r.IsDBNull(7) ? null : r.GetString(7), r.GetString(1), "{}"),
                new SourceClass(r.GetString(8), r.GetString(9), r.GetString(10)))),
            cancellationToken, sourceSystem, inns))
        .DistinctBy(s => s.Key).ToDictionary(s => s.Key, s => s.Student);
}
