namespace MySchool.Integration.Gateway.FileImports;

/// <summary>How a cell's value is read from a spreadsheet that may have turned it into a number or a date.</summary>
public enum CellKind
{
    Text,

    /// <summary>A date: an Excel date or serial number becomes ДД.ММ.ГГГГ; text is kept for the rules to check.</summary>
    Date,

    /// <summary>Digits a spreadsheet stored as a number, losing leading zeros (SNILS, INN, KPP): padded back to the width.</summary>
    Digits,
}

/// <summary>A column of a template: its Russian header, whether a row needs it, a hint for the instruction sheet, and the values it allows.</summary>
public sealed record TemplateColumn(string Header, bool Required, string Hint, CellKind Kind = CellKind.Text, int Width = 0, IReadOnlyList<string>? Choices = null)
{
    /// <summary>The header as the template writes it: a required column is marked with an asterisk.</summary>
    public string Title => Required ? $"{Header}*" : Header;
}

/// <summary>
/// A template file a region without a journal API fills in (seed 002: the school registry, classes and people are
/// loaded from templates). Its <see cref="Version"/> changes whenever its columns do, so an old file is recognised
/// and refused with the reason rather than read wrongly.
/// </summary>
public sealed record ImportTemplate(string Code, string Title, int Version, string Purpose, IReadOnlyList<TemplateColumn> Columns)
{
    public const string InstructionSheet = "Инструкция";

    /// <summary>The column by which every template but «Школы» names its row's school.</summary>
    public const string SchoolInn = "ИНН школы";

    public static readonly ImportTemplate Schools = new("schools", "Школы", 1, "реестр школ региона: по строке на школу или филиал",
    [
        new("Полное наименование", true, "как в ЕГРЮЛ, полностью"),
        new("Краткое наименование", false, "как в ЕГРЮЛ"),
        new("ИНН", true, "10 цифр; у филиала — ИНН головной школы", CellKind.Digits, 10),
        new("КПП", false, "9 цифр; обязателен для филиала", CellKind.Digits, 9),
        new("ОКТМО", true, "8 или 11 цифр", CellKind.Digits, 8),
        new("Муниципалитет", true, "название муниципального образования"),
        new("КПП головной школы", false, "только для филиала: КПП школы, филиалом которой он является", CellKind.Digits, 9),
    ]);

    public static readonly ImportTemplate Classes = new("classes", "Классы", 1, "классы школ: по строке на класс",
    [
        new(SchoolInn, true, "10 цифр", CellKind.Digits, 10),
        new("Параллель", true, "число от 1 до 11", Choices: [.. Enumerable.Range(1, 11).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        new("Литера", true, "буква класса: А, Б, В…"),
        new("Учебный год", true, "например 2026/2027"),
    ]);

    public static readonly ImportTemplate Students = new("students", "Обучающиеся", 1, "обучающиеся по классам: по строке на обучающегося",
    [
        new(SchoolInn, true, "10 цифр", CellKind.Digits, 10),
        new("Класс", true, "параллель и литера: 5А, 10Б"),
        new("Фамилия", true, "как в документе, с буквами ё, ӧ, і"),
        new("Имя", true, "как в документе"),
        new("Отчество", false, "если есть"),
        new("Дата рождения", true, "ДД.ММ.ГГГГ", CellKind.Date),
        new("Пол", false, "м или ж", Choices: ["м", "ж"]),
        new("СНИЛС", false, "11 цифр, можно с дефисами и пробелом: 123-456-789 64", CellKind.Digits, 11),
    ]);

    public static readonly ImportTemplate Parents = new("parents", "Родители", 1, "родители и законные представители: по строке на связь с ребёнком",
    [
        new(SchoolInn, true, "школа ребёнка, 10 цифр", CellKind.Digits, 10),
        new("СНИЛС ребёнка", true, "11 цифр: по нему находится ребёнок из шаблона «Обучающиеся»", CellKind.Digits, 11),
        new("Фамилия", true, "родителя"),
        new("Имя", true, "родителя"),
        new("Отчество", false, "если есть"),
        new("Дата рождения", false, "ДД.ММ.ГГГГ", CellKind.Date),
        new("СНИЛС", false, "родителя, 11 цифр", CellKind.Digits, 11),
        new("Кем приходится", true, "мать, отец или законный представитель", Choices: ["мать", "отец", "законный представитель"]),
    ]);

    public static readonly ImportTemplate Staff = new("staff", "Педагоги и администраторы", 1, "работники школ: по строке на человека",
    [
        new(SchoolInn, true, "10 цифр", CellKind.Digits, 10),
        new("Фамилия", true, "как в документе"),
        new("Имя", true, "как в документе"),
        new("Отчество", false, "если есть"),
        new("СНИЛС", true, "11 цифр", CellKind.Digits, 11),
        new("Эл. почта", false, "для приглашения в «Мою школу»"),
        new("Роль", true, "педагог, администратор или педагог и администратор", Choices: ["педагог", "администратор", "педагог и администратор"]),
        new("Предметы", false, "через точку с запятой: Математика; Физика"),
    ]);

    public static readonly IReadOnlyList<ImportTemplate> All = [Schools, Classes, Students, Parents, Staff];

    public static ImportTemplate? Find(string? code) => All.FirstOrDefault(t => t.Code == code);

    /// <summary>The marker the instruction sheet opens with: it names the template and its version.</summary>
    public string Marker => $"Шаблон «{Title}», версия {Version}";

    /// <summary>The position of a column in a row read from this template.</summary>
    public int IndexOf(string header)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Header == header)
            {
                return i;
            }
        }

        throw new ArgumentException($"The template {Code} has no column {header}.", nameof(header));
    }
}

/// <summary>A row's cells named by the template's headers, so a mapping reads «Фамилия», not a column number.</summary>
public sealed record TemplateRow(ImportTemplate Template, string?[] Values)
{
    public string? this[string header] => Values[Template.IndexOf(header)];

    /// <summary>A column some templates have and others not (a birth date): blank where the template has none.</summary>
    public string? Optional(string header) => Template.Columns.Any(c => c.Header == header) ? this[header] : null;

    /// <summary>The first required column left blank, if any.</summary>
    public TemplateColumn? MissingRequired => Template.Columns.Where((column, i) => column.Required && Values[i] is null).FirstOrDefault();

    /// <summary>The row as the coordinator typed it, by header: what the quarantine keeps of a refused row.</summary>
    public string Raw() => System.Text.Json.JsonSerializer.Serialize(Template.Columns.Select((c, i) => (c.Header, Value: Values[i])).Where(p => p.Value is not null).ToDictionary(p => p.Header, p => p.Value));
}
