using Microsoft.AspNetCore.Mvc;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>
/// A searchable list page (run history, audit): filters in the query string, fifty rows to a page (<c>p</c>), the
/// Moscow days it covers, and a download of everything the filters select.
/// </summary>
public abstract class ListPage : OperatorPage
{
    public const int PageSize = 50;

    /// <summary>A download holds at most this many rows: a spreadsheet, not a dump of the table.</summary>
    public const int ExportLimit = 10_000;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    // "page" is Razor Pages' own route value.
    [BindProperty(Name = "p", SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    public long Total { get; protected set; }

    public long Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    protected int Offset => (Math.Max(1, PageNumber) - 1) * PageSize;

    /// <summary>What a row is, in the three forms a count needs (1 запуск, 2 запуска, 5 запусков).</summary>
    public abstract (string One, string Few, string Many) RowNoun { get; }

    /// <summary>The page's own address, without a query.</summary>
    protected abstract string Path { get; }

    /// <summary>The filters besides the days, as the query string names them.</summary>
    protected abstract IEnumerable<(string Name, string? Value)> Filters { get; }

    /// <summary>This page's address with the same filters and another page number (or a download's format).</summary>
    public string Link(int page, string? format = null)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        (string Name, string? Value)[] all =
        [
            .. Filters,
            ("from", From?.ToString("yyyy-MM-dd", invariant)),
            ("to", To?.ToString("yyyy-MM-dd", invariant)),
            ("p", format is null && page > 1 ? page.ToString(invariant) : null),
            ("handler", format is null ? null : "Export"),
            ("format", format),
        ];
        var query = QueryString.Create(all.Where(pair => !string.IsNullOrWhiteSpace(pair.Value)).Select(pair => new KeyValuePair<string, string?>(pair.Name, pair.Value)));
        return Path + query.ToUriComponent();
    }
}
