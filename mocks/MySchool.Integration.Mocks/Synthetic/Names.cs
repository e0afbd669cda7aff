namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>
/// Name banks for synthetic people. Komi names carry the letters ӧ and і (and one Latin ö, as some Komi texts
/// write it) so the gateway's byte-exact round trip is exercised on every sync of region 11.
/// </summary>
internal static class Names
{
    public static readonly string[] RussianSurnames =
    [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
    ];

    public static readonly string[] KomiSurnames =
    [
        "Канев", "Истомин", "Лыткин", "Напалков", "Размыслов", "Туркин", "Вокуев", "Чупров", "Ладанов", "Кипрушев",
        "Габов", "Мартюшев", "Мӧдлапӧв", "Вӧрӧбьёв", "Сӧмин", "Пӧлин", "Mödlapöv",
    ];

    public static readonly string[] MaleNames =
    [
        "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил",
        "Никита", "Матвей", "Роман", "Егор", "Иван", "Тимофей", "Фёдор", "Даниил",
    ];

    public static readonly string[] FemaleNames =
    [
        "Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Наталья", "Марина", "Полина", "Дарья", "Алёна",
        "Ксения", "Елизавета", "Софья", "Варвара", "Ульяна", "Вероника",
    ];

    public static readonly string[] KomiMaleNames = ["Ӧльӧксан", "Ӧндрей", "Іван", "Вӧлӧдь", "Педӧр"];

    public static readonly string[] KomiFemaleNames = ["Ӧльга", "Маӧ", "Іра", "Дарӧ", "Ӧнь"];

    /// <summary>Patronymic roots: the father's name in the genitive-like stem used by both forms.</summary>
    public static readonly string[] PatronymicRoots =
    [
        "Александров", "Дмитриев", "Сергеев", "Андреев", "Алексеев", "Михайлов", "Иванов", "Петров", "Николаев", "Владимиров",
    ];

    /// <summary>Russian surnames in -ов/-ев/-ин take -а for women; others (and the Latin Komi spelling) are left alone.</summary>
    public static string FeminineSurname(string surname) =>
        surname.EndsWith("ов", StringComparison.Ordinal) || surname.EndsWith("ев", StringComparison.Ordinal)
        || surname.EndsWith("ёв", StringComparison.Ordinal) || surname.EndsWith("ин", StringComparison.Ordinal)
        || surname.EndsWith("ӧв", StringComparison.Ordinal)
            ? surname + "а"
            : surname;

    public static string Patronymic(string root, bool female) => root + (female ? "на" : "ич");
}
