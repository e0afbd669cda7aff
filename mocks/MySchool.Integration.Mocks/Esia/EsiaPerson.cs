using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Esia;

/// <summary>An account in the mock ESIA. <see cref="Trusted"/> false is an unconfirmed account (is_tru absent).</summary>
public sealed record EsiaPerson(
    long Oid,
    PersonName Name,
    DateOnly? BirthDate,
    string? Snils,
    bool Trusted,
    string Email,
    string Role,
    IReadOnlyList<EsiaKid> Kids);

/// <summary>A child in a parent's account; without an ESIA login of their own, <see cref="Oid"/> is null.</summary>
public sealed record EsiaKid(long Id, long? Oid, PersonName Name, DateOnly BirthDate, string? Snils);

/// <summary>
/// Everyone the mock ESIA knows: fixed operators for the dashboard, and the people of the synthetic regions who
/// have accounts (parents with their children, students, teachers).
/// </summary>
public sealed class EsiaDirectory
{
    private readonly Dictionary<long, EsiaPerson> _people = [];

    /// <summary>SNILS to oid: a lookup by SNILS must not scan a region's worth of people.</summary>
    private readonly Dictionary<string, long> _bySnils = new(StringComparer.Ordinal);

    public EsiaDirectory(IEnumerable<SyntheticRegion> regions)
    {
        Add(new EsiaPerson(1_000_000_154, new("Оператор", "Регион", "Пятьдесятчетвёртый", Sex.Female), new(1985, 5, 26), "11223344595", true, "operator54@myschool.test", "оператор региона 54", []));
        Add(new EsiaPerson(1_000_000_111, new("Оператор", "Коми", "Одиннадцатый", Sex.Male), new(1980, 1, 15), null, true, "operator11@myschool.test", "оператор региона 11", []));
        Add(new EsiaPerson(1_000_000_100, new("Оператор", "Федеральный", null, Sex.Male), new(1975, 3, 3), null, true, "federal@myschool.test", "федеральный оператор", []));
        Add(new EsiaPerson(1_000_000_999, new("Безролев", "Пётр", "Петрович", Sex.Male), new(1990, 9, 9), null, true, "norole@myschool.test", "без ролей", []));
        // Appointed in the dashboard, found there by SNILS (issue 18).
        Add(new EsiaPerson(1_000_000_201, new("Координаторова", "Мария", "Ивановна", Sex.Female), new(1982, 4, 12), "11223344696", true, "municipal@myschool.test", "муниципальный координатор", []));
        Add(new EsiaPerson(1_000_000_301, new("Администраторов", "Олег", "Сергеевич", Sex.Male), new(1979, 11, 2), "11223344797", true, "schooladmin@myschool.test", "администратор школы", []));
        foreach (var region in regions)
        {
            AddRegion(region);
        }
    }

    public IEnumerable<EsiaPerson> People => _people.Values;

    public EsiaPerson? Find(long oid) => _people.GetValueOrDefault(oid);

    public EsiaPerson? FindBySnils(string canonical) => _bySnils.TryGetValue(canonical, out var oid) ? Find(oid) : null;

    private void Add(EsiaPerson person)
    {
        if (_people.TryAdd(person.Oid, person) && person.Snils is not null)
        {
            _bySnils.TryAdd(person.Snils, person.Oid);
        }
    }

    private void AddRegion(SyntheticRegion region)
    {
        var code = region.Spec.RegionCode;
        foreach (var teacher in region.Teachers)
        {
            Add(new EsiaPerson(teacher.EsiaOid, teacher.Name, null, teacher.Snils, true, teacher.Email, $"учитель ({code})", []));
        }

        foreach (var student in region.Students)
        {
            var kid = new EsiaKid(student.Id, student.EsiaOid, student.Name, student.BirthDate, student.Snils);
            if (student.EsiaOid is { } studentOid)
            {
                var age = region.JournalStart.Year - student.BirthDate.Year;
                // A child's account made by a parent is not confirmed; over 14 it is, as seed 001 requires.
                Add(new EsiaPerson(studentOid, student.Name, student.BirthDate, student.Snils, age >= 14, $"s{student.Id}@mail.test", $"обучающийся ({code})", []));
            }

            foreach (var parent in student.Parents.Where(parent => parent.EsiaOid is not null))
            {
                var existing = Find(parent.EsiaOid!.Value);
                var kids = existing is null ? [kid] : existing.Kids.Append(kid).ToList();
                var account = new EsiaPerson(parent.EsiaOid.Value, parent.Name, null, parent.Snils, true, $"p{parent.Id}@mail.test", $"родитель ({code})", kids);
                if (existing is null)
                {
                    Add(account);
                }
                else
                {
                    _people[account.Oid] = account; // one more child in the same account
                }
            }
        }
    }
}
