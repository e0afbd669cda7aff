using System.IO.Compression;
using System.Text;
using MySchool.Integration.Gateway.FileImports;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>Template files as coordinators really fill and save them, read row by row; whole-file refusals named.</summary>
public sealed class ImportFileReaderTests
{
    private const long Limit = 10 * 1024 * 1024;

    private static readonly string[] Headers = [.. ImportTemplate.Students.Columns.Select(c => c.Title)];

    static ImportFileReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void TheStudentsTemplate_HasItsDataSheet_AnInstructionSheetNamingItsVersion_AndDropDownLists_AndReadsBackEmpty()
    {
        var workbook = TemplateFiles.Workbook(ImportTemplate.Students);

        using var zip = new ZipArchive(new MemoryStream(workbook));
        var book = Text(zip, "xl/workbook.xml");
        Assert.Contains("name=\"Обучающиеся\"", book, StringComparison.Ordinal);
        Assert.Contains("name=\"Инструкция\"", book, StringComparison.Ordinal);
        var sheet = Text(zip, "xl/worksheets/sheet1.xml");
        Assert.Contains("sqref=\"G2:G100000\"", sheet, StringComparison.Ordinal); // Пол: м or ж
        Assert.Contains("\"м,ж\"", sheet, StringComparison.Ordinal);
        Assert.True(sheet.IndexOf("dataValidations", StringComparison.Ordinal) > sheet.IndexOf("</x:sheetData>", StringComparison.Ordinal) || sheet.IndexOf("dataValidations", StringComparison.Ordinal) > sheet.IndexOf("</sheetData>", StringComparison.Ordinal));
        Assert.Empty(ImportFileReader.Read(new MemoryStream(workbook), ImportTemplate.Students, Limit));
    }

    [Fact]
    public void AFilledTemplate_ReadsDatesSerialsSnilsAsNumbersFormulasAndSpaces_AsTyped_SkippingEmptyRows()
    {
        // The template as Excel saves it filled: its data sheet with rows, its instruction sheet kept.
        using var filled = TinyWorkbook.Build(
        [
            ("Обучающиеся", [
                Headers,
                [7701234567L, "5А", "Ӧньӧ ", "  Іван", null, new DateCell(40000), "м", 12345678964L],
                [],
                ["7701234567", new FormulaCell("\"5\"&\"Б\"", "5Б"), "Попов", "Пётр", "Ильич", 39000, "м", 1234567L],
                ["0201234567", "5А", "Сидорова", "Анна", null, "01.09.2015", "ж", "123-456-789 64"],
            ], []),
            (ImportTemplate.InstructionSheet, [[ImportTemplate.Students.Marker]], []),
        ]);

        var rows = ImportFileReader.Read(filled, ImportTemplate.Students, Limit).ToList();

        Assert.Equal([2, 4, 5], rows.Select(r => r.Number));
        Assert.Equal(Line("7701234567", "5А", "Ӧньӧ", "Іван", null, "06.07.2009", "м", "12345678964"), Line(rows[0].Values));
        Assert.Equal(Line("7701234567", "5Б", "Попов", "Пётр", "Ильич", "10.10.2006", "м", "00001234567"), Line(rows[1].Values));
        Assert.Equal(Line("0201234567", "5А", "Сидорова", "Анна", null, "01.09.2015", "ж", "123-456-789 64"), Line(rows[2].Values));
    }

    [Fact]
    public void HeadersInAnyOrder_UnderATitle_AndMergedOverTwoRows_AreFound_AndExtraColumnsIgnored()
    {
        // Row 1: a title merged across; rows 2–3: «ФИО» merged over three columns, the others merged down two rows;
        // the class merged down over its students.
        using var file = TinyWorkbook.Build("Лист1",
        [
            ["Список обучающихся школы № 1", null, null, null, null, null, null],
            ["Класс", "ФИО", null, null, "Дата рождения", "ИНН школы", "Примечание"],
            [null, "фамилия", "ИМЯ", "Отчество ", null, null, null],
            ["9Б", "Ёлкина", "Мария", null, "12.03.2011", "7701234567", "переведена"],
            [null, "Ким", "Олег", null, "01.01.2011", "7701234567", null],
        ],
            "A1:G1", "A2:A3", "B2:D2", "E2:E3", "F2:F3", "G2:G3", "A4:A5");

        var rows = ImportFileReader.Read(file, ImportTemplate.Students, Limit).ToList();

        Assert.Equal([4, 5], rows.Select(r => r.Number));
        Assert.Equal(Line("7701234567", "9Б", "Ёлкина", "Мария", null, "12.03.2011", null, null), Line(rows[0].Values));
        Assert.Equal(Line("7701234567", "9Б", "Ким", "Олег", null, "01.01.2011", null, null), Line(rows[1].Values));
    }

    [Theory]
    [InlineData("utf-8-bom", ';')]
    [InlineData("utf-8", ',')]
    [InlineData("windows-1251", ';')]
    [InlineData("windows-1251", ',')]
    public void ACsv_InTheEncodingsAndSeparatorsRussianExcelWrites_IsReadTheSame(string encoding, char separator)
    {
        var text = string.Join("\r\n",
            string.Join(separator, Headers),
            string.Join(separator, "7701234567", "10Б", "Ёжиков", "Семён", "\"Кузьмич" + separator + " мл.\"", "01.02.2010", "м", "123-456-789 64"),
            string.Join(separator, Enumerable.Repeat("", Headers.Length)),
            string.Join(separator, "7701234567", "10Б", "Щукина ", "Элла", "", "3.4.2010", "ж", "")) + "\r\n";
        var bytes = encoding switch
        {
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            "utf-8" => Encoding.UTF8.GetBytes(text),
            _ => Encoding.GetEncoding(1251).GetBytes(text),
        };

        var rows = ImportFileReader.Read(new MemoryStream(bytes), ImportTemplate.Students, Limit).ToList();

        Assert.Equal([2, 4], rows.Select(r => r.Number));
        Assert.Equal(Line("7701234567", "10Б", "Ёжиков", "Семён", $"Кузьмич{separator} мл.", "01.02.2010", "м", "123-456-789 64"), Line(rows[0].Values));
        Assert.Equal(Line("7701234567", "10Б", "Щукина", "Элла", null, "3.4.2010", "ж", null), Line(rows[1].Values));
    }

    [Fact]
    public void AFileOfAnotherTemplate_IsRefused_NamingBoth()
    {
        var parents = new MemoryStream(TemplateFiles.Workbook(ImportTemplate.Parents));
        var csv = new MemoryStream(Encoding.UTF8.GetBytes(string.Join(';', ImportTemplate.Staff.Columns.Select(c => c.Title)) + "\r\n"));

        var fromXlsx = Assert.Throws<ImportFileException>(() => ImportFileReader.Read(parents, ImportTemplate.Students, Limit));
        var fromCsv = Assert.Throws<ImportFileException>(() => ImportFileReader.Read(csv, ImportTemplate.Students, Limit));

        Assert.Equal(("import.template", "import.template"), (fromXlsx.Code, fromCsv.Code));
        Assert.StartsWith("Это файл шаблона «Родители», а загружается шаблон «Обучающиеся»", fromXlsx.Message, StringComparison.Ordinal);
        Assert.StartsWith("Это файл шаблона «Педагоги и администраторы»", fromCsv.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOldVersionOfTheTemplate_IsRefused_AskingForTheCurrentOne()
    {
        using var old = TinyWorkbook.Build([("Обучающиеся", [Headers], []), (ImportTemplate.InstructionSheet, [["Шаблон «Обучающиеся», версия 0"]], [])]);

        var refusal = Assert.Throws<ImportFileException>(() => ImportFileReader.Read(old, ImportTemplate.Students, Limit));

        Assert.Equal("import.version", refusal.Code);
        Assert.Contains("скачайте шаблон версии 1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredColumns_AreRefused_NamingEachOne()
    {
        var csv = new MemoryStream(Encoding.UTF8.GetBytes("ИНН школы;Класс;Фамилия;Отчество\r\n7701234567;5А;Иванов;Иванович\r\n"));

        var refusal = Assert.Throws<ImportFileException>(() => ImportFileReader.Read(csv, ImportTemplate.Students, Limit));

        Assert.Equal("import.columns", refusal.Code);
        Assert.Equal("В файле нет обязательных столбцов: «Имя», «Дата рождения». Возьмите заголовки из шаблона «Обучающиеся».", refusal.Message);
    }

    [Fact]
    public void APasswordProtectedWorkbook_ACorruptOne_ABinaryFile_AndOneOverTheLimit_AreRefusedEachWithItsReason()
    {
        // Excel saves a workbook with a password as an encrypted compound file, as old XLS files are.
        byte[] encrypted = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504]];
        byte[] corrupt = [0x50, 0x4B, 0x03, 0x04, .. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))];
        byte[] binary = [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x00, 0x0D];
        var big = new MemoryStream(new byte[1024]);

        Assert.Equal("import.encrypted", Assert.Throws<ImportFileException>(() => ImportFileReader.Read(new MemoryStream(encrypted), ImportTemplate.Students, Limit)).Code);
        Assert.Equal("import.corrupt", Assert.Throws<ImportFileException>(() => ImportFileReader.Read(new MemoryStream(corrupt), ImportTemplate.Students, Limit)).Code);
        Assert.Equal("import.corrupt", Assert.Throws<ImportFileException>(() => ImportFileReader.Read(new MemoryStream(binary), ImportTemplate.Students, Limit)).Code);
        Assert.Equal("import.size", Assert.Throws<ImportFileException>(() => ImportFileReader.Read(big, ImportTemplate.Students, 1000)).Code);
    }

    /// <summary>A row's cells on one line, a blank one shown as ∅: a failure shows the whole row.</summary>
    private static string Line(params string?[] cells) => string.Join(" | ", cells.Select(c => c ?? "∅"));

    private static string Text(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }
}
