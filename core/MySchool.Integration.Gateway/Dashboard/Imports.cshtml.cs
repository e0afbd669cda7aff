using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Exports;
using MySchool.Integration.Gateway.FileImports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// The template files a region without a journal API fills in (seed 002): what each holds, its columns, its download
/// as XLSX (instructions and drop-down lists included) or CSV; and the upload of a filled one, checked first.
/// </summary>
public sealed class ImportsModel(SyncLauncher launcher, RegionCatalog regions, Appointments appointments, FileImport import, ImportUploads uploads) : OperatorPage
{
    public static IReadOnlyList<ImportTemplate> Templates => ImportTemplate.All;

    /// <summary>The regions the viewer may load files into: those they coordinate, and those of their municipalities and schools.</summary>
    public IReadOnlyList<RegionSource> Regions { get; private set; } = [];

    /// <summary>Why the file was refused as a whole.</summary>
    public string? Refusal { get; private set; }

    /// <summary>How many days a kept file lives (<c>Imports:KeepDays</c>).</summary>
    public int KeepDays => (int)uploads.Keep.TotalDays;

    /// <summary>The viewer's latest files and those of their regions: back to a check to apply it, or to a report.</summary>
    public IReadOnlyList<ImportUploadLine> Latest { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadRegionsAsync(cancellationToken);
        Latest = await uploads.LatestAsync(Access.ClientId, [.. launcher.Visible(Access).Select(r => r.Code)], 20, cancellationToken);
    }

    public IActionResult OnGetTemplate(string? code, string? format) =>
        ImportTemplate.Find(code) is not { } template ? Missing("Шаблона")
            : ListExport.IsFormat(format) ? TemplateFiles.Download(template, format!) : UnknownFormat();

    /// <summary>«Проверить»: the file is kept and checked (nothing written); its page shows what applying it would do.</summary>
    public async Task<IActionResult> OnPostCheckAsync(string? region, string? template, IFormFile? file, bool complete, CancellationToken cancellationToken)
    {
        await LoadRegionsAsync(cancellationToken);
        if (Regions.FirstOrDefault(r => r.Code == region) is not { } target)
        {
            return NotHeld();
        }

        if (ImportTemplate.Find(template) is not { } chosen)
        {
            return Missing("Шаблона");
        }

        if (file is null || file.Length == 0 || file.Length > import.MaxBytes)
        {
            return Refused(file is null || file.Length == 0 ? "Выберите файл." : ImportFileReader.TooLarge(import.MaxBytes).Message);
        }

        using var content = new MemoryStream();
        await file.CopyToAsync(content, cancellationToken);
        try
        {
            content.Position = 0;
            var outcome = await import.RunAsync(Access, target, chosen, content, apply: false, complete, cancellationToken);
            var id = await uploads.SaveAsync(target.Code, chosen.Code, Path.GetFileName(file.FileName), content.ToArray(), complete, Access.ClientId, User.Identity?.Name, cancellationToken);
            await uploads.RecordAsync(id, JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web), applied: false, cancellationToken);
            return Redirect($"/imports/{id}");
        }
        catch (ImportFileException refused) when (refused.Code != FileImport.Forbidden)
        {
            return Refused(refused.Message);
        }
        catch (ImportFileException)
        {
            return NotHeld();
        }
    }

    private async Task LoadRegionsAsync(CancellationToken cancellationToken)
    {
        var below = Access.Scope.BelowRegions;
        var places = below.IsEmpty ? [] : await appointments.SchoolsWithinAsync(below, cancellationToken);
        Regions = [.. launcher.Visible(Access).UnionBy(places.Select(p => p.Region).Distinct().Select(regions.Find).OfType<RegionSource>(), r => r.Code)
            .OrderBy(r => r.Code, StringComparer.Ordinal)];
    }

    private PageResult Refused(string reason)
    {
        Refusal = $"Файл не принят: {reason}";
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
