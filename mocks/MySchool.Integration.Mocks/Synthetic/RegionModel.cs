namespace MySchool.Integration.Mocks.Synthetic;

public enum Sex
{
    Male,
    Female,
}

public sealed record SyntheticMunicipality(string Oktmo, string Name);

public sealed record SyntheticSchool(
    int Id,
    string Inn,
    string Oktmo,
    string Municipality,
    string FullName,
    string ShortName,
    string Director);

public sealed record SyntheticClass(int Id, int SchoolId, int Grade, char Letter)
{
    /// <summary>As the regional systems write it: <c>9И</c> (ЭлЖур) or <c>9и</c> (Сетевой город).</summary>
    public string SourceName(bool lowerCase) => $"{Grade}{(lowerCase ? char.ToLowerInvariant(Letter) : Letter)}";
}

public sealed record PersonName(string LastName, string FirstName, string? MiddleName, Sex Sex)
{
    /// <summary>"Фамилия Имя Отчество", as journals print a teacher or a student.</summary>
    public string Full => $"{LastName} {FirstName} {MiddleName}".TrimEnd();
}

public sealed record SyntheticParent(int Id, PersonName Name, string? Snils, string Relation, long? EsiaOid);

/// <summary>
/// A student; a transfer or an arrival replaces the record, never mutates it. Before <see cref="EnrolledSince"/>
/// the student was in <see cref="FormerClassId"/> (a newcomer was in none), so past journal days stay where they were.
/// </summary>
public sealed record SyntheticStudent(
    int Id,
    int ClassId,
    PersonName Name,
    DateOnly BirthDate,
    string? Snils,
    IReadOnlyList<SyntheticParent> Parents,
    long? EsiaOid,
    DateOnly? EnrolledSince = null,
    int? FormerClassId = null)
{
    public int? ClassOn(DateOnly date) => EnrolledSince is null || date >= EnrolledSince ? ClassId : FormerClassId;
}

/// <summary>A staff member: a teacher (with subjects), an administrator, or both.</summary>
public sealed record SyntheticTeacher(int Id, int SchoolId, PersonName Name, string Snils, string Email, IReadOnlyList<string> Subjects, long EsiaOid, bool IsAdmin = false)
{
    public bool Teaches => Subjects.Count > 0;
}

public sealed record SyntheticPeriod(string Name, string FullName, DateOnly Start, DateOnly End);

public sealed record SyntheticHoliday(string Name, DateOnly Start, DateOnly End);

/// <summary>One timetable slot of a class on a date, or of one of its halves (<see cref="Group"/> 1 or 2; 0: the whole class).</summary>
public sealed record SyntheticLesson(
    long Id,
    int ClassId,
    DateOnly Date,
    int Number,
    TimeOnly Start,
    TimeOnly End,
    string Subject,
    int TeacherId,
    string? Room,
    string Topic,
    string? Homework,
    bool IsControlWork,
    int Group = 0);

public sealed record SyntheticAnnouncement(int Id, int SchoolId, string Title, string Body, DateTimeOffset Posted, string Author);
