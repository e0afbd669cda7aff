namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>Subjects by grade, lesson rings and the school calendar of 2023/2024.</summary>
public static class Curriculum
{
    public const string Year = "2023/2024";

    private static readonly string[] Primary =
        ["Русский язык", "Литературное чтение", "Математика", "Окружающий мир", "Физическая культура", "Музыка", "Технология"];

    private static readonly string[] Middle =
        ["Русский язык", "Литература", "Математика", "История", "География", "Биология", "Английский язык", "Физическая культура"];

    private static readonly string[] Senior =
        ["Русский язык", "Литература", "Алгебра", "Геометрия", "История", "Обществознание", "Физика", "Химия", "Информатика", "Английский язык", "Биология"];

    public static IReadOnlyList<string> Subjects(int grade, bool komi)
    {
        var subjects = grade <= 4 ? Primary : grade <= 6 ? Middle : Senior;
        return komi && grade <= 9 ? [.. subjects, "Коми язык"] : subjects;
    }

    /// <summary>The subject a class learns in two halves (subgroups), side by side in one slot with two teachers.</summary>
    public const string HalvedSubject = "Английский язык";

    /// <summary>The halves' numbers (a lesson of the whole class has none).</summary>
    public static readonly int[] Halves = [1, 2];

    /// <summary>ЭлЖур's club (an out-of-timetable activity) from grade 5, on Wednesdays, for some of a class.</summary>
    public const string Club = "Робототехника";

    public const int ClubFromGrade = 5;

    public static int LessonsPerDay(int grade) => grade <= 4 ? 4 : grade <= 9 ? 6 : 7;

    /// <summary>Lesson n (1-based) starts at 08:30 plus 55 minutes a lesson and lasts 45.</summary>
    public static (TimeOnly Start, TimeOnly End) Ring(int number)
    {
        var start = new TimeOnly(8, 30).AddMinutes((number - 1) * 55);
        return (start, start.AddMinutes(45));
    }

    /// <summary>
    /// The periods of the year: trimesters in Novosibirsk; in Komi quarters, with halves for grades 10–11
    /// (<see cref="HalvesFrom"/>), as rk-netschool.md says.
    /// </summary>
    public static IReadOnlyList<SyntheticPeriod> Periods(bool komi) => komi
        ? [
            new("1 четверть", "1 четверть", new(2023, 9, 1), new(2023, 10, 27)),
            new("2 четверть", "2 четверть", new(2023, 11, 6), new(2023, 12, 29)),
            new("3 четверть", "3 четверть", new(2024, 1, 9), new(2024, 3, 22)),
            new("4 четверть", "4 четверть", new(2024, 4, 1), new(2024, 5, 24)),
            new("1 полугодие", "1 полугодие", new(2023, 9, 1), new(2023, 12, 29)),
            new("2 полугодие", "2 полугодие", new(2024, 1, 9), new(2024, 5, 24)),
        ]
        : [
            new("I триместр", "1 триместр", new(2023, 9, 1), new(2023, 11, 30)),
            new("II триместр", "2 триместр", new(2023, 12, 1), new(2024, 2, 29)),
            new("III триместр", "3 триместр", new(2024, 3, 1), new(2024, 5, 31)),
        ];

    /// <summary>The first grade that learns by halves where halves are listed beside quarters.</summary>
    public const int HalvesFrom = 10;

    /// <summary>The school year's days off: каникулы and single public holidays.</summary>
    public static readonly IReadOnlyList<SyntheticHoliday> Holidays =
    [
        new("Осенние каникулы", new(2023, 10, 28), new(2023, 11, 5)),
        new("Зимние каникулы", new(2023, 12, 30), new(2024, 1, 8)),
        new("День защитника Отечества", new(2024, 2, 23), new(2024, 2, 23)),
        new("Международный женский день", new(2024, 3, 8), new(2024, 3, 8)),
        new("Весенние каникулы", new(2024, 3, 23), new(2024, 3, 31)),
        new("Праздник Весны и Труда", new(2024, 5, 1), new(2024, 5, 1)),
        new("День Победы", new(2024, 5, 9), new(2024, 5, 9)),
        new("Летние каникулы", new(2024, 5, 25), new(2024, 8, 31)),
    ];

    /// <summary>The Monday of a date's week: both systems page journals by weeks that start on Monday.</summary>
    public static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    public static SyntheticHoliday? HolidayOn(DateOnly date) =>
        Holidays.FirstOrDefault(holiday => date >= holiday.Start && date <= holiday.End);

    public static bool IsSchoolDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && HolidayOn(date) is null;
}
