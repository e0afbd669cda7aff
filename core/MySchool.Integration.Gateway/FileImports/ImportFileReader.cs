using System.Globalization;
using System.Text;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using Sylvan.Data.Csv;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>Why a file was refused as a whole, for the coordinator: a code and a Russian sentence saying what to do.</summary>
public sealed class ImportFileException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>A data row of a file: its number as a spreadsheet shows it, and its cells in the template's column order (blank as null).</summary>
public sealed record ImportRow(int Number, string?[] Values);

/// <summary>
/// Reads a filled template as people really save it: XLSX (dates as dates, serial numbers or text; SNILS and INN that
/// lost their leading zeros as numbers; formulas by their values; merged header cells; a title above the headers;
/// empty rows) or CSV (UTF-8 with or without a BOM, or Windows-1251; comma or semicolon). Headers are found by name,
/// in any order. A file of another template or version, missing required columns, password-protected, corrupt or over
/// the size limit is refused as a whole (<see cref="ImportFileException"/>); rows stream, the file is never held in
/// memory.
/// </summary>
public static class ImportFileReader
{
    /// <summary>How far down a title and headers may reach before the data.</summary>
    private const int HeaderSearchRows = 10;

    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];

    // Compound file: an XLSX with a password (Excel encrypts it into one) or an old XLS.
    private static readonly byte[] CompoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    static ImportFileReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Checks the file and its headers now and returns its data rows, read as they are enumerated. The stream must be
    /// seekable and stay open while the rows are read.
    /// </summary>
    public static IEnumerable<ImportRow> Read(Stream file, ImportTemplate template, long maxBytes)
    {
        if (file.Length > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        if (file.Length == 0)
        {
            throw new ImportFileException("import.empty", "Файл пуст.");
        }

        Span<byte> head = stackalloc byte[8];
        file.Position = 0;
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == head.Length && head.SequenceEqual(CompoundFile))
        {
            throw new ImportFileException("import.encrypted", "Файл защищён паролем или сохранён в старом формате XLS: снимите пароль и сохраните его как XLSX или CSV.");
        }

        var rows = read >= Zip.Length && head[..Zip.Length].SequenceEqual(Zip) ? WorkbookRows(file, template) : TextRows(file);
        return Rows(rows.GetEnumerator(), template);
    }

    private static IEnumerable<ImportRow> Rows(IEnumerator<object?[]> source, ImportTemplate template)
    {
        var (map, header, pending) = Headers(source, template);
        return Data(source, pending, map, header, template);
    }

    /// <summary>The data rows: those read past the header while looking for it, then the rest as they stream.</summary>
    private static IEnumerable<ImportRow> Data(IEnumerator<object?[]> source, List<object?[]> pending, int[] map, int number, ImportTemplate template)
    {
        foreach (var row in pending.Concat(Remaining(source)))
        {
            number++;
            if (Values(row, map, template) is { } values)
            {
                yield return new ImportRow(number, values);
            }
        }
    }

    private static IEnumerable<object?[]> Remaining(IEnumerator<object?[]> source)
    {
        using (source)
        {
            while (Next(source))
            {
                yield return source.Current;
            }
        }
    }

    /// <summary>A row's cells in the template's order; null for an empty row.</summary>
    private static string?[]? Values(object?[] row, int[] map, ImportTemplate template)
    {
        var values = new string?[template.Columns.Count];
        for (var cell = 0; cell < map.Length && cell < row.Length; cell++)
        {
            if (map[cell] >= 0)
            {
                values[map[cell]] = Cell(row[cell], template.Columns[map[cell]]);
            }
        }

        return values.Any(v => v is not null) ? values : null;
    }

    /// <summary>
    /// Finds the header row among the first rows: the one naming most of the template's columns. A column named only
    /// in a row above it (a header merged down over two rows) counts too. Returns which template
    /// column each cell holds (-1: none), the header row's number, and the rows read past it.
    /// </summary>
    private static (int[] Map, int Number, List<object?[]> Pending) Headers(IEnumerator<object?[]> source, ImportTemplate template)
    {
        var seen = new List<object?[]>();
        var matched = new List<int[]>(); // per row read: which template column each cell names (-1: none)
        while (seen.Count < HeaderSearchRows && Next(source))
        {
            seen.Add(source.Current);
            matched.Add(Matches(source.Current, template));
            if (matched[^1].Count(c => c >= 0) == template.Columns.Count)
            {
                break; // every column found: the data follow
            }
        }

        // The header row is the first that, with the rows above it, names the most columns.
        var named = new HashSet<int>();
        var (best, most) = (-1, 0);
        for (var row = 0; row < seen.Count; row++)
        {
            named.UnionWith(matched[row].Where(c => c >= 0));
            (best, most) = named.Count > most ? (row, named.Count) : (best, most);
        }

        var width = seen.Count == 0 ? 0 : seen.Max(r => r.Length);
        var map = Enumerable.Repeat(-1, width).ToArray();
        for (var row = best; row >= 0; row--)
        {
            for (var cell = 0; cell < matched[row].Length; cell++)
            {
                if (map[cell] < 0 && matched[row][cell] >= 0 && !map.Contains(matched[row][cell]))
                {
                    map[cell] = matched[row][cell];
                }
            }
        }

        var missing = template.Columns.Where((c, i) => c.Required && !map.Contains(i)).Select(c => $"«{c.Header}»").ToList();
        if (missing.Count > 0)
        {
            var other = ImportTemplate.All.FirstOrDefault(t => t != template && seen.Any(r => t.Columns.Where(c => c.Required).All(c => r.Any(cell => Same(cell, c.Header)))));
            throw other is not null
                ? AnotherTemplate(other, template)
                : new ImportFileException("import.columns", $"В файле нет обязательных столбцов: {string.Join(", ", missing)}. Возьмите заголовки из шаблона «{template.Title}».");
        }

        return (map, best + 1, seen.Skip(best + 1).ToList());
    }

    /// <summary>A file over the limit, refused before it is read (or, by a caller, before it is even kept).</summary>
    public static ImportFileException TooLarge(long maxBytes) =>
        new("import.size", $"Файл больше {maxBytes / (1024 * 1024)} МБ: разделите его на части и загрузите каждую отдельно.");

    private static ImportFileException AnotherTemplate(ImportTemplate found, ImportTemplate expected) => new("import.template",
        $"Это файл шаблона «{found.Title}», а загружается шаблон «{expected.Title}»: выберите шаблон «{found.Title}» или возьмите файл нужного шаблона.");

    private static int[] Matches(object?[] row, ImportTemplate template) =>
        [.. row.Select(cell => Enumerable.Range(0, template.Columns.Count).FirstOrDefault(i => Same(cell, template.Columns[i].Header), -1))];

    /// <summary>A header as people retype it: any case, ё or е, spaces doubled or trailing, the asterisk of a required column.</summary>
    private static bool Same(object? cell, string header) => cell is string text && Normal(text) == Normal(header);

    private static string Normal(string text) =>
        string.Join(' ', text.Replace("*", "", StringComparison.Ordinal).Replace('ё', 'е').Replace('Ё', 'Е').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static bool Next(IEnumerator<object?[]> source)
    {
        try
        {
            return source.MoveNext();
        }
        catch (Exception failure) when (failure is not ImportFileException)
        {
            throw new ImportFileException("import.corrupt", "Файл повреждён или не является таблицей XLSX или CSV: откройте его в Excel и сохраните заново.", failure);
        }
    }

    /// <summary>A cell as text the rules read: numbers and dates a spreadsheet made of it turned back into what was typed.</summary>
    private static string? Cell(object? value, TemplateColumn column)
    {
        var text = value switch
        {
            null => null,
            DateTime date => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            double or float or decimal or int or long when column.Kind == CellKind.Date => DateTime.FromOADate(Convert.ToDouble(value, CultureInfo.InvariantCulture)).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            double or float or decimal or int or long => Convert.ToDecimal(value, CultureInfo.InvariantCulture) is var number && number == decimal.Truncate(number) && number >= 0
                ? number.ToString("0", CultureInfo.InvariantCulture).PadLeft(column.Kind == CellKind.Digits ? column.Width : 0, '0')
                : Convert.ToString(value, CultureInfo.InvariantCulture),
            bool flag => flag ? "да" : "нет",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static IEnumerable<object?[]> WorkbookRows(Stream file, ImportTemplate template)
    {
        List<string> sheets;
        try
        {
            sheets = MiniExcel.GetSheetNames(file);
        }
        catch (Exception failure)
        {
            throw new ImportFileException("import.corrupt", "Файл повреждён или не является книгой XLSX: откройте его в Excel и сохраните заново.", failure);
        }

        CheckMarker(file, sheets, template);
        var other = ImportTemplate.All.FirstOrDefault(t => t != template && sheets.Contains(t.Title) && !sheets.Contains(template.Title));
        if (other is not null)
        {
            throw AnotherTemplate(other, template);
        }

        var sheet = sheets.Contains(template.Title) ? template.Title : sheets[0];
        file.Position = 0;
        var configuration = new OpenXmlConfiguration { FillMergedCells = true };
        return MiniExcel.Query(file, useHeaderRow: false, sheetName: sheet, excelType: ExcelType.XLSX, configuration: configuration)
            .Select(row => ((IDictionary<string, object?>)row).Values.ToArray());
    }

    /// <summary>The instruction sheet names the template and its version: another one's, or an old version, is refused by name.</summary>
    private static void CheckMarker(Stream file, List<string> sheets, ImportTemplate template)
    {
        if (!sheets.Contains(ImportTemplate.InstructionSheet))
        {
            return; // a file typed from scratch: its headers decide
        }

        file.Position = 0;
        var first = MiniExcel.Query(file, useHeaderRow: false, sheetName: ImportTemplate.InstructionSheet, excelType: ExcelType.XLSX).FirstOrDefault() as IDictionary<string, object?>;
        var marker = first?.Values.FirstOrDefault() as string;
        if (marker is null || marker == template.Marker)
        {
            return;
        }

        if (ImportTemplate.All.FirstOrDefault(t => marker.StartsWith($"Шаблон «{t.Title}»", StringComparison.Ordinal)) is { } named && named != template)
        {
            throw AnotherTemplate(named, template);
        }

        if (marker.StartsWith($"Шаблон «{template.Title}»", StringComparison.Ordinal))
        {
            throw new ImportFileException("import.version", $"Файл сделан по другой версии шаблона («{marker}»): скачайте шаблон версии {template.Version} и перенесите в него данные.");
        }
    }

    private static IEnumerable<object?[]> TextRows(Stream file)
    {
        var (encoding, delimiter) = Sniff(file);
        file.Position = 0;
        using var text = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var reader = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false, Delimiter = delimiter, BufferSize = 1 << 16 });
        while (reader.Read())
        {
            var row = new object?[reader.RowFieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.GetString(i);
            }

            yield return row;
        }
    }

    /// <summary>
    /// The encoding and separator of a CSV from its first 64 KB: a BOM or valid UTF-8 is UTF-8, anything else is
    /// Windows-1251 (Russian Excel's «CSV (разделители — запятые)»); the separator is the one the first line has more of.
    /// </summary>
    private static (Encoding Encoding, char Delimiter) Sniff(Stream file)
    {
        var buffer = new byte[64 * 1024];
        file.Position = 0;
        var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (buffer.AsSpan(0, Math.Min(length, 4096)).Contains((byte)0))
        {
            throw new ImportFileException("import.corrupt", "Файл не является таблицей XLSX или текстом CSV: сохраните его из Excel как XLSX или CSV.");
        }

        var sample = buffer.AsSpan(0, length);
        if (length == buffer.Length)
        {
            // Do not judge a character cut at the sample's end.
            var end = length;
            while (end > length - 4 && end > 0 && (sample[end - 1] & 0xC0) == 0x80)
            {
                end--;
            }

            sample = sample[..Math.Max(0, end - 1)];
        }

        Encoding encoding;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(sample);
            encoding = new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            encoding = Encoding.GetEncoding(1251);
        }

        var firstLine = encoding.GetString(sample).Split('\n', 2)[0];
        return (encoding, firstLine.Count(c => c == ';') >= firstLine.Count(c => c == ',') ? ';' : ',');
    }
}
