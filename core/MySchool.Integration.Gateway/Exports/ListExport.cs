using System.Data;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using MiniExcelLibs;
using Sylvan.Data.Csv;

namespace MySchool.Integration.Gateway.Exports;

/// <summary>
/// A dashboard list as an operator downloads it, with the columns and words the page shows: CSV (UTF-8 with a BOM and
/// semicolons, as Excel set to Russian opens it) or XLSX. Counts stay numbers, so a spreadsheet can sum them; a text
/// that a spreadsheet would run as a formula (=, +, -, @ first) is written with a leading apostrophe.
/// </summary>
public sealed record ListExport(string FileName, IReadOnlyList<string> Headers, IReadOnlyList<object?[]> Rows)
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";

    public static bool IsFormat(string? format) => format is Csv or Xlsx;

    public FileContentResult ToFile(string format)
    {
        var table = ToTable();
        using var buffer = new MemoryStream();
        if (format == Xlsx)
        {
            MiniExcel.SaveAs(buffer, table, sheetName: "Список", excelType: ExcelType.XLSX);
            return new(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") { FileDownloadName = $"{FileName}.xlsx" };
        }

        using (var text = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        using (var writer = CsvDataWriter.Create(text, new CsvDataWriterOptions { Delimiter = ';', NewLine = "\r\n" }))
        {
            writer.Write(table.CreateDataReader());
        }

        return new(buffer.ToArray(), "text/csv; charset=utf-8") { FileDownloadName = $"{FileName}.csv" };
    }

    private DataTable ToTable()
    {
        var table = new DataTable();
        for (var column = 0; column < Headers.Count; column++)
        {
            var numbers = Rows.All(row => row[column] is null or long or int);
            table.Columns.Add(Headers[column], numbers ? typeof(long) : typeof(string));
        }

        foreach (var row in Rows)
        {
            table.Rows.Add([.. row.Select(value => value switch
            {
                null => DBNull.Value,
                long or int => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
                _ => (object)Defused(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
            })]);
        }

        return table;
    }

    /// <summary>CSV injection: a cell a spreadsheet would evaluate is kept as text.</summary>
    private static string Defused(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
