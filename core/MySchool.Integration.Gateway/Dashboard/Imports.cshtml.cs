using Microsoft.AspNetCore.Mvc;
using MySchool.Integration.Gateway.Exports;
using MySchool.Integration.Gateway.FileImports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// The template files a region without a journal API fills in (seed 002): what each holds, its columns, and its
/// download as XLSX (instructions and drop-down lists included) or CSV.
/// </summary>
public sealed class ImportsModel : OperatorPage
{
    public static IReadOnlyList<ImportTemplate> Templates => ImportTemplate.All;

    public void OnGet()
    {
    }

    public IActionResult OnGetTemplate(string? code, string? format) =>
        ImportTemplate.Find(code) is not { } template ? Missing("Шаблона")
            : ListExport.IsFormat(format) ? TemplateFiles.Download(template, format!) : UnknownFormat();
}
