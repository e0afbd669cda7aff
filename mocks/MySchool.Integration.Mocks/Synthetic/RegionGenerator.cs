namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>Builds the roster of a <see cref="RegionSpec"/>: municipalities, schools, classes, people.</summary>
internal sealed class RegionGenerator(RegionSpec spec)
{
    private static readonly char[] Letters = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'И', 'К', 'Л', 'М', 'Н'];

    private static readonly string[] NsoMunicipalities =
        ["г. Новосибирск", "г. Бердск", "Искитимский район", "Новосибирский район", "Колыванский район", "г. Обь"];

    private static readonly string[] KomiMunicipalities =
        ["г. Сыктывкар", "Сыктывдинский район", "г. Ухта", "г. Воркута", "Усть-Вымский район", "Корткеросский район"];

    private int _nextPerson;

    private int _nextStudent;

    public SyntheticRegion Generate()
    {
        var region = new SyntheticRegion(spec);
        var municipalityNames = spec.IsKomi ? KomiMunicipalities : NsoMunicipalities;
        var oktmoPrefix = spec.IsKomi ? "87" : "50";
        var schoolNumber = 0;
        for (var m = 0; m < spec.Municipalities; m++)
        {
            var name = m < municipalityNames.Length ? municipalityNames[m] : $"Муниципальный округ № {m + 1}";
            var municipality = new SyntheticMunicipality($"{oktmoPrefix}{701 + m:D3}000", name);
            region.Municipalities.Add(municipality);
            for (var s = 0; s < spec.SchoolsPerMunicipality; s++)
            {
                AddSchool(region, municipality, ++schoolNumber);
            }
        }

        return region;
    }

    private void AddSchool(SyntheticRegion region, SyntheticMunicipality municipality, int number)
    {
        var id = 1000 + number;
        var kind = number % 3 == 0 ? "автономное" : "бюджетное";
        var school = new SyntheticSchool(
            id,
            Identifiers.Inn(number == 1 && spec.FirstSchoolInnOfRegion is { } other ? other : spec.RegionCode, number),
            municipality.Oktmo,
            municipality.Name,
            $"Муниципальное {kind} общеобразовательное учреждение «Средняя общеобразовательная школа № {number}» ({municipality.Name})",
            $"М{(kind == "бюджетное" ? "Б" : "А")}ОУ СОШ № {number}",
            NewName(id, 0, PickSurname(id, 0)).Full);
        region.Schools.Add(school);

        var teachers = AddTeachers(region, school);
        for (var grade = spec.FirstGrade; grade <= spec.LastGrade; grade++)
        {
            for (var c = 0; c < spec.ClassesPerGrade; c++)
            {
                var schoolClass = new SyntheticClass((id * 100) + (grade * Letters.Length) + c, id, grade, Letters[c % Letters.Length]);
                region.AddClass(schoolClass, TeachersBySubject(teachers, schoolClass));
                SyntheticStudent? first = null;
                for (var i = 0; i < spec.StudentsPerClass; i++)
                {
                    var student = NewStudent(schoolClass);
                    if (i == 1 && grade == spec.FirstGrade && c == 0 && spec.SnilsTwinInEachSchool && first?.Snils is { } shared)
                    {
                        student = student with { Snils = shared };
                    }

                    first ??= student;
                    region.AddStudent(student);
                }
            }
        }

        for (var a = 0; a < 3; a++)
        {
            region.Announcements.Add(new SyntheticAnnouncement(
                (id * 10) + a,
                id,
                a == 0 ? "Родительское собрание" : $"Объявление № {a}",
                $"<p>Уважаемые родители! Собрание {a + 1}-го числа в актовом зале.</p>",
                new DateTimeOffset(spec.FirstWeek.ToDateTime(new TimeOnly(9, 51, 45)), TimeSpan.Zero).AddDays(a),
                school.Director));
        }
    }

    private List<SyntheticTeacher> AddTeachers(SyntheticRegion region, SyntheticSchool school)
    {
        var subjects = Enumerable.Range(spec.FirstGrade, spec.LastGrade - spec.FirstGrade + 1)
            .SelectMany(grade => Curriculum.Subjects(grade, spec.IsKomi)).Distinct().ToList();
        var perSubject = Math.Max(1, (spec.ClassesPerGrade * (spec.LastGrade - spec.FirstGrade + 1)) / 8);
        var teachers = new List<SyntheticTeacher>();
        foreach (var subject in subjects)
        {
            for (var i = 0; i < perSubject; i++)
            {
                var personId = ++_nextPerson;
                var name = NewName(personId, 1, PickSurname(personId, 1));
                teachers.Add(new SyntheticTeacher(
                    900_000 + personId,
                    school.Id,
                    name,
                    Identifiers.Snils(spec.SnilsSerial(personId)),
                    $"teacher{900_000 + personId}@school{school.Id}.edu.ru",
                    [subject],
                    EsiaOid(personId)));
            }
        }

        // Administrators: the first teacher is also one; a full school (a class of every grade) has an administrator who
        // does not teach besides, so big schools have two and small ones one.
        teachers[0] = teachers[0] with { IsAdmin = true };
        if (subjects.Contains(Curriculum.HalvedSubject) && teachers.Count(t => t.Subjects[0] == Curriculum.HalvedSubject) == 1)
        {
            // The halves of a class learn English at the same time: a school needs a second teacher of it. Numbered
            // apart from everyone else (700 000 + the school's number), so nobody generated after shifts.
            var personId = 700_000 + school.Id - 1000;
            teachers.Add(new SyntheticTeacher(900_000 + personId, school.Id, NewName(personId, 1, PickSurname(personId, 1)), Identifiers.Snils(spec.SnilsSerial(personId)),
                $"teacher{900_000 + personId}@school{school.Id}.edu.ru", [Curriculum.HalvedSubject], EsiaOid(personId)));
        }

        region.Teachers.AddRange(teachers);
        if (spec.ClassesPerGrade * (spec.LastGrade - spec.FirstGrade + 1) >= BigSchoolClasses)
        {
            var personId = ++_nextPerson;
            region.Teachers.Add(new SyntheticTeacher(900_000 + personId, school.Id, NewName(personId, 1, PickSurname(personId, 1)), Identifiers.Snils(spec.SnilsSerial(personId)),
                $"admin{900_000 + personId}@school{school.Id}.edu.ru", [], EsiaOid(personId), IsAdmin: true));
        }

        return teachers;
    }

    /// <summary>A school with this many classes or more is a big one: it gets a second administrator.</summary>
    public const int BigSchoolClasses = 11;

    /// <summary>Each subject's teachers for a class, the class's own first: a second one teaches the second half.</summary>
    private static Dictionary<string, int[]> TeachersBySubject(List<SyntheticTeacher> teachers, SyntheticClass schoolClass) =>
        teachers.Where(teacher => teacher.Teaches).GroupBy(teacher => teacher.Subjects[0]).ToDictionary(group => group.Key, group =>
        {
            var ids = group.Select(teacher => teacher.Id).ToArray();
            return ids.Skip(schoolClass.Id % ids.Length).Concat(ids.Take(schoolClass.Id % ids.Length)).ToArray();
        });

    private SyntheticStudent NewStudent(SyntheticClass schoolClass)
    {
        var personId = ++_nextPerson;
        var migrant = _nextStudent++;
        var family = PickSurname(personId, 2);
        var name = NewName(personId, 2, family);
        var yearOfBirth = 2023 - 6 - schoolClass.Grade;
        var birthDate = new DateOnly(yearOfBirth, 9, 1).AddDays(Deterministic.Below(365, spec.Seed, personId, 3));
        if (migrant < spec.MigrantStudents)
        {
            // The same child in every region that has migrants: identity from the migrant's number alone.
            (name, birthDate) = Migrant(migrant);
            birthDate = spec.MigrantsBornAYearLater ? birthDate.AddYears(1) : birthDate;
        }

        var ageOnFirstWeek = spec.FirstWeek.Year - birthDate.Year - (spec.FirstWeek.DayOfYear < birthDate.DayOfYear ? 1 : 0);
        // Over 14 most have their own confirmed account; younger ones only when a parent made one.
        var hasAccount = Deterministic.Below(100, spec.Seed, personId, 4) < (ageOnFirstWeek >= 14 ? 95 : 50);
        var parents = new List<SyntheticParent>();
        var parentCount = 1 + Deterministic.Below(2, spec.Seed, personId, 5);
        for (var p = 0; p < parentCount; p++)
        {
            var parentId = ++_nextPerson;
            var mother = p == 0;
            var parentName = NewName(parentId, 6, family, mother ? Sex.Female : Sex.Male);
            parents.Add(new SyntheticParent(
                2_000_000 + parentId,
                parentName,
                MaybeSnils(parentId),
                mother ? "мать" : "отец",
                Deterministic.Below(10, spec.Seed, parentId, 7) < 9 ? EsiaOid(parentId) : null));
        }

        return new SyntheticStudent(
            1_000_000 + personId,
            schoolClass.Id,
            name,
            birthDate,
            migrant < spec.MigrantStudents ? Identifiers.Snils(990_000_000L + migrant) : MaybeSnils(personId),
            parents,
            hasAccount ? EsiaOid(personId) : null);
    }

    /// <summary>A migrant child's name and birth date, the same whichever region generates them.</summary>
    private static (PersonName Name, DateOnly BirthDate) Migrant(int number)
    {
        var female = Deterministic.Below(2, 0, number, 21) == 0;
        var surname = Deterministic.Pick(Names.RussianSurnames, 0, number, 22);
        var name = new PersonName(female ? Names.FeminineSurname(surname) : surname,
            Deterministic.Pick(female ? Names.FemaleNames : Names.MaleNames, 0, number, 23),
            Names.Patronymic(Deterministic.Pick(Names.PatronymicRoots, 0, number, 24), female),
            female ? Sex.Female : Sex.Male);
        return (name, new DateOnly(2009, 1, 1).AddDays(Deterministic.Below(365, 0, number, 25)));
    }

    /// <summary>ESIA oids per region (1 540 000 000 + n in region 54), clear of each other and of the fixed operators.</summary>
    private long EsiaOid(int personId) => 1_000_000_000L + (long.Parse(spec.RegionCode, System.Globalization.CultureInfo.InvariantCulture) * 10_000_000L) + personId;

    private string? MaybeSnils(int personId) =>
        Deterministic.Below(1000, spec.Seed, personId, 8) < spec.MissingSnilsPerMille ? null : Identifiers.Snils(spec.SnilsSerial(personId));

    private string PickSurname(int personId, int salt)
    {
        var komi = spec.IsKomi && Deterministic.Below(2, spec.Seed, personId, salt + 11) == 0;
        return Deterministic.Pick(komi ? Names.KomiSurnames : Names.RussianSurnames, spec.Seed, personId, salt + 12);
    }

    /// <summary>A name from the banks; <paramref name="surname"/> is the family's masculine form.</summary>
    private PersonName NewName(int personId, int salt, string surname, Sex? sex = null)
    {
        var actualSex = sex ?? (Deterministic.Below(2, spec.Seed, personId, salt) == 0 ? Sex.Male : Sex.Female);
        var female = actualSex == Sex.Female;
        var komi = spec.IsKomi && Deterministic.Below(3, spec.Seed, personId, salt + 10) == 0;
        var firstNames = (komi, female) switch
        {
            (true, true) => Names.KomiFemaleNames,
            (true, false) => Names.KomiMaleNames,
            (false, true) => Names.FemaleNames,
            (false, false) => Names.MaleNames,
        };
        // A few people have no patronymic: the contracts allow a missing middle name.
        var middle = Deterministic.Below(50, spec.Seed, personId, salt + 13) == 0
            ? null
            : Names.Patronymic(Deterministic.Pick(Names.PatronymicRoots, spec.Seed, personId, salt + 14), female);
        return new PersonName(
            female ? Names.FeminineSurname(surname) : surname,
            Deterministic.Pick(firstNames, spec.Seed, personId, salt + 15),
            middle,
            actualSex);
    }

}
