namespace MySchool.Integration.Core.Federal;

/// <summary>
/// One kind of row the federal feed serves: its table (aliased <c>t</c>), the joins that lead a row to its region's
/// code, the condition that keeps a region's rows, and the row's JSON.
/// </summary>
internal sealed record FederalKind(string Name, string Table, string Joins, Func<string, string> InRegion, string Json = "to_jsonb(t)")
{
    /// <summary>The row's JSON as text.</summary>
    public string JsonText => $"({Json})::text";

    /// <summary>
    /// A page of the kind's rows with versions in ($1, $2], of the region $4 (every region when null), ordered by
    /// version, $3 rows at most; <paramref name="columns"/> are read from <c>t</c>. It is an ordered scan of the
    /// table's version index that stops at the page's end.
    /// </summary>
    public string Select(string columns) =>
        $"SELECT {columns} FROM {Table} t {Joins} WHERE t.change_version > $1 AND t.change_version <= $2 AND ($4::text IS NULL OR {InRegion("$4")}) ORDER BY t.change_version LIMIT $3";
}

/// <summary>
/// The feed's kinds, parents before children: the order a mirror loads them in. They say per table what the view
/// <c>federal_row</c> says in one union (0019_groups.sql), which stays as the plain statement to query by hand and
/// the tests' oracle. The feed does not page through it: a union's page sorted every row of the kind, its JSON
/// built first, for every page (2–3 s a page of 1,000 marks out of a million, so a million marks took most of an hour).
/// </summary>
internal static class FederalKinds
{
    private const string ViaSchool = "JOIN school_region sr ON sr.school_id = t.school_id";
    private const string ViaYear = "JOIN academic_year y ON y.id = t.academic_year_id JOIN school_region sr ON sr.school_id = y.school_id";
    private const string ViaClass = "JOIN class c ON c.id = t.class_id JOIN school_region sr ON sr.school_id = c.school_id";
    private const string ViaLesson = "JOIN lesson l ON l.id = t.lesson_id JOIN class c ON c.id = l.class_id JOIN school_region sr ON sr.school_id = c.school_id";

    public static readonly IReadOnlyList<FederalKind> All =
    [
        new("region", "region", "", region => $"t.code = {region}"),
        new("municipality", "municipality", "JOIN region r ON r.id = t.region_id", region => $"r.code = {region}"),
        new("school", "school", "JOIN municipality m ON m.id = t.municipality_id JOIN region r ON r.id = m.region_id", region => $"r.code = {region}"),
        Schools("academic_year", ViaSchool),
        Schools("period", ViaYear),
        Schools("holiday", ViaYear),
        Schools("grade_level", ViaYear),
        Schools("class", ViaSchool),
        Schools("class_group", ViaClass),
        new("person", "person", "", region => InSchoolsOf("t.id", region), "to_jsonb(t) - 'search_name'"),
        Schools("enrollment", ViaClass),
        new("guardianship", "guardianship", "", region => InSchoolsOf("t.student_id", region)),
        Schools("staff", ViaSchool),
        Schools("subject", ViaSchool),
        Schools("lesson", ViaClass),
        Schools("homework", ViaLesson),
        Schools("mark", "JOIN subject s ON s.id = t.subject_id JOIN school_region sr ON sr.school_id = s.school_id"),
        Schools("attendance", ViaLesson),
        Schools("event", ViaSchool),
        Schools("group_member", "JOIN class_group g ON g.id = t.group_id JOIN class c ON c.id = g.class_id JOIN school_region sr ON sr.school_id = c.school_id"),
    ];

    public static FederalKind? Find(string name) => All.FirstOrDefault(kind => kind.Name == name);

    /// <summary>A kind that belongs to one school, found through <paramref name="joins"/> ending in <c>sr</c>.</summary>
    private static FederalKind Schools(string name, string joins) => new(name, name, joins, region => $"sr.code = {region}");

    /// <summary>
    /// A person belongs to every region where they study, teach or are a guardian. Their regions are looked up per row
    /// through the indexes, as the view does: an EXISTS here may be planned as a hash of every person of the region,
    /// built again for each page.
    /// </summary>
    private static string InSchoolsOf(string person, string region) =>
        $"{region} = ANY(ARRAY(SELECT sr.code FROM person_school ps JOIN school_region sr ON sr.school_id = ps.school_id WHERE ps.person_id = {person}))";
}
