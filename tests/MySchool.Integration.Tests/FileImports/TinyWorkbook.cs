using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>A cell Excel stored as a date: its serial number under a date format.</summary>
public sealed record DateCell(double Serial);

/// <summary>A cell holding a formula and the value Excel computed for it when saving.</summary>
public sealed record FormulaCell(string Formula, object Value);

/// <summary>
/// An XLSX written part by part, as Excel saves what people do to a template (formulas with their saved values,
/// dates under a date format, numbers, merged cells, extra sheets), which a library writing clean tables cannot.
/// </summary>
public static class TinyWorkbook
{
    public static MemoryStream Build(IReadOnlyList<(string Name, IReadOnlyList<object?[]> Rows, string[] Merges)> sheets)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
                """ + string.Concat(sheets.Select((_, i) => $"<Override PartName=\"/xl/worksheets/sheet{i + 1}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>")) + "</Types>");
            Part(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Part(zip, "xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
                """ + string.Concat(sheets.Select((s, i) => $"<sheet name=\"{SecurityElement.Escape(s.Name)}\" sheetId=\"{i + 1}\" r:id=\"rId{i + 1}\"/>")) + "</sheets></workbook>");
            Part(zip, "xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                """ + string.Concat(sheets.Select((_, i) => $"<Relationship Id=\"rId{i + 1}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i + 1}.xml\"/>"))
                + $"<Relationship Id=\"rId{sheets.Count + 1}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>");
            // Style 1 is Excel's built-in short date (numFmtId 14).
            Part(zip, "xl/styles.xml", """
                <?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
                <fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>
                <cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>
                """);
            for (var i = 0; i < sheets.Count; i++)
            {
                Part(zip, $"xl/worksheets/sheet{i + 1}.xml", Sheet(sheets[i].Rows, sheets[i].Merges));
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    public static MemoryStream Build(string name, IReadOnlyList<object?[]> rows, params string[] merges) => Build([(name, rows, merges)]);

    private static string Sheet(IReadOnlyList<object?[]> rows, string[] merges)
    {
        var xml = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<row r=\"{r + 1}\">");
            for (var c = 0; c < rows[r].Length; c++)
            {
                xml.Append(Cell($"{MySchool.Integration.Gateway.FileImports.TemplateFiles.Letter(c)}{r + 1}", rows[r][c]));
            }

            xml.Append("</row>");
        }

        xml.Append("</sheetData>");
        if (merges.Length > 0)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<mergeCells count=\"{merges.Length}\">{string.Concat(merges.Select(m => $"<mergeCell ref=\"{m}\"/>"))}</mergeCells>");
        }

        return xml.Append("</worksheet>").ToString();
    }

    private static string Cell(string at, object? value) => value switch
    {
        null => $"<c r=\"{at}\"/>",
        string text => $"<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{SecurityElement.Escape(text)}</t></is></c>",
        DateCell date => $"<c r=\"{at}\" s=\"1\"><v>{date.Serial.ToString(CultureInfo.InvariantCulture)}</v></c>",
        FormulaCell { Value: string text } formula => $"<c r=\"{at}\" t=\"str\"><f>{SecurityElement.Escape(formula.Formula)}</f><v>{SecurityElement.Escape(text)}</v></c>",
        FormulaCell formula => $"<c r=\"{at}\"><f>{SecurityElement.Escape(formula.Formula)}</f><v>{Convert.ToString(formula.Value, CultureInfo.InvariantCulture)}</v></c>",
        _ => $"<c r=\"{at}\"><v>{Convert.ToString(value, CultureInfo.InvariantCulture)}</v></c>",
    };

    private static void Part(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
