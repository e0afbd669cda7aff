using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using MiniExcelLibs;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// A template as a coordinator downloads it: XLSX with the data sheet (headers only, required ones marked with an
/// asterisk, drop-down lists where a column allows only some values) and a sheet of instructions in Russian; or CSV
/// with the headers alone, as Russian Excel opens it.
/// </summary>
public static class TemplateFiles
{
    /// <summary>Rows the drop-down lists cover: far more than a school's roster.</summary>
    private const int ValidatedRows = 100_000;

    public static FileContentResult Download(ImportTemplate template, string format) => format == ListExport.Xlsx
        ? new(Workbook(template), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") { FileDownloadName = $"template-{template.Code}-v{template.Version}.xlsx" }
        : new ListExport($"template-{template.Code}-v{template.Version}", [.. template.Columns.Select(c => c.Title)], []).ToFile(ListExport.Csv);

    public static byte[] Workbook(ImportTemplate template)
    {
        var header = template.Columns.Select((c, i) => (Letter(i), c.Title)).ToDictionary(p => p.Item1, p => (object)p.Title);
        List<Dictionary<string, object>> instructions =
        [
            Row(template.Marker),
            Row($"Назначение: {template.Purpose}."),
            Row("Заполните лист «" + template.Title + "» со второй строки, по строке на запись; столбцы со звёздочкой обязательны."),
            Row("Не меняйте заголовки и не удаляйте этот лист: по нему шлюз узнаёт шаблон и его версию."),
            Row("Сначала нажмите «Проверить»: шлюз покажет, что будет добавлено и изменено, и причину каждой отклонённой строки."),
            Row(""),
            Row("Столбец", "Обязательный", "Как заполнять", "Допустимые значения"),
            .. template.Columns.Select(c => Row(c.Header, c.Required ? "да" : "нет", c.Hint, c.Choices is null ? "" : string.Join(", ", c.Choices))),
        ];
        var sheets = new Dictionary<string, object> { [template.Title] = new[] { header }, [ImportTemplate.InstructionSheet] = instructions };
        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, sheets, printHeader: false, excelType: ExcelType.XLSX);
        return WithDropDowns(buffer.ToArray(), template);
    }

    /// <summary>An instruction row: up to four cells, the rest left out (MiniExcel writes the keys it is given).</summary>
    private static Dictionary<string, object> Row(params string[] cells) => cells.Select((text, i) => (Letter(i), text)).ToDictionary(p => p.Item1, p => (object)p.text);

    /// <summary>
    /// Adds Excel's list validation to the data sheet's columns that allow only some values (MiniExcel writes no
    /// validation): a drop-down in Excel, a hint in other editors, and the gateway checks the values anyway.
    /// </summary>
    private static byte[] WithDropDowns(byte[] workbook, ImportTemplate template)
    {
        var lists = template.Columns.Select((c, i) => (c.Choices, Letter(i))).Where(p => p.Choices is not null).ToList();
        if (lists.Count == 0)
        {
            return workbook;
        }

        using var buffer = new MemoryStream();
        buffer.Write(workbook);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("xl/worksheets/sheet1.xml") ?? throw new InvalidOperationException("MiniExcel wrote no first sheet");
            string sheet;
            using (var reader = new StreamReader(entry.Open()))
            {
                sheet = reader.ReadToEnd();
            }

            var validations = new StringBuilder($"<x:dataValidations count=\"{lists.Count}\">");
            foreach (var (choices, letter) in lists)
            {
                var quoted = System.Security.SecurityElement.Escape(string.Join(",", choices!));
                validations.Append($"<x:dataValidation type=\"list\" allowBlank=\"1\" showErrorMessage=\"1\" errorTitle=\"Недопустимое значение\" error=\"Выберите значение из списка\" sqref=\"{letter}2:{letter}{ValidatedRows}\"><x:formula1>\"{quoted}\"</x:formula1></x:dataValidation>");
            }

            validations.Append("</x:dataValidations>");
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open(), new UTF8Encoding(false));
            writer.Write(Insert(sheet, validations.ToString()));
        }

        return buffer.ToArray();
    }

    /// <summary>Validations go where the schema orders them: before the first of the elements that must follow them.</summary>
    private static string Insert(string sheet, string validations)
    {
        string[] following = ["hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "drawing", "legacyDrawing", "tableParts", "extLst"];
        var prefix = sheet.Contains("<x:sheetData", StringComparison.Ordinal) ? "x:" : "";
        if (prefix.Length == 0)
        {
            validations = validations.Replace("<x:", "<", StringComparison.Ordinal).Replace("</x:", "</", StringComparison.Ordinal);
        }

        var at = following.Select(name => sheet.IndexOf($"<{prefix}{name}", StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(sheet.LastIndexOf($"</{prefix}worksheet>", StringComparison.Ordinal)).Min();
        return sheet.Insert(at, validations);
    }

    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : Letter((index / 26) - 1) + (char)('A' + (index % 26));
}
