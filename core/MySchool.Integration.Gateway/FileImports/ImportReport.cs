using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>
/// The file's rows as uploaded, under the template's own headers, with the outcome beside each: accepted, or refused
/// and why. The reader ignores the extra columns, so the coordinator fixes the refused rows in this very file and
/// uploads it again.
/// </summary>
public static class ImportReport
{
    public static ListExport For(ImportTemplate template, Stream file, ImportOutcome outcome, long maxBytes)
    {
        var problems = outcome.Refused.Concat(outcome.Schools.SelectMany(s => s.Refused))
            .GroupBy(p => p.Row).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(p => p.Reason).Distinct()));
        var rows = ImportFileReader.Read(file, template, maxBytes)
            .Select(row => (object?[])[.. row.Values, problems.ContainsKey(row.Number) ? "отклонена" : "принята", problems.GetValueOrDefault(row.Number), row.Number])
            .ToList();
        return new ListExport($"report-{template.Code}", [.. template.Columns.Select(c => c.Title), "Итог", "Причина", "Строка в загруженном файле"], rows);
    }
}
