using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Gateway.Exports;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A page listing schools (a region's, a municipality's): found by name or INN (<c>q</c>), the most behind first (<c>sort=lag</c>), downloadable as found.</summary>
public abstract class SchoolsPage : OperatorPage
{
    [BindProperty(Name = "q", SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(Name = "sort", SupportsGet = true)]
    public string? Sort { get; set; }

    public bool ByLag => Sort == "lag";

    /// <summary>The schools as the page shows them after <paramref name="shown"/> (its refusal, when it refused), in the format asked.</summary>
    protected static IActionResult Download(IActionResult shown, string? format, Func<ListExport> export) =>
        shown is not PageResult ? shown
            : ListExport.IsFormat(format) ? export().ToFile(format!) : UnknownFormat();
}
