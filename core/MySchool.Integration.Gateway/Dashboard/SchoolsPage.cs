using Microsoft.AspNetCore.Mvc;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>A page listing schools (a region's, a municipality's): found by name or INN (<c>q</c>), the most behind first (<c>sort=lag</c>), downloadable as found.</summary>
public abstract class SchoolsPage : OperatorPage
{
    [BindProperty(Name = "q", SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(Name = "sort", SupportsGet = true)]
    public string? Sort { get; set; }

    public bool ByLag => Sort == "lag";
}
