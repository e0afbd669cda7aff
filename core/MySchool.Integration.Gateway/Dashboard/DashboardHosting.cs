using MySchool.Integration.Gateway.Family;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>The operators' dashboard: Razor Pages under this folder, every one behind an operator's ESIA session.</summary>
public static class DashboardHosting
{
    private const string AssetsPath = "/assets/";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        // Russian text as itself, not as &#x…; entities: smaller pages, and readable to any client.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorPages(options =>
        {
            // Two audiences, a folder each: operators (Dashboard/) and families (Family/).
            options.RootDirectory = "/";
            options.Conventions.AuthorizeFolder("/Dashboard", OperatorHosting.OperatorPolicy);
            options.Conventions.AuthorizeFolder("/Family", FamilyHosting.Policy);
        });
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapOperatorLogin();
        MapAssets(app);
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// The pages' stylesheet and scripts, embedded in the assembly so they ship wherever the binary goes. Scripts live
    /// here and never inline in a page: the Content-Security-Policy allows scripts of this site only.
    /// </summary>
    private static void MapAssets(WebApplication app)
    {
        var assembly = typeof(DashboardHosting).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(AssetsPath, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var content = new byte[stream.Length];
            stream.ReadExactly(content);
            var type = Path.GetExtension(name) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "text/css; charset=utf-8",
            };
            app.MapGet(name, () => Results.Bytes(content, type)).AllowAnonymous();
            if (name == AssetsPath + "favicon.svg")
            {
                // Browsers ask for /favicon.ico whatever a page links: the same icon, rather than a 404 on every page.
                app.MapGet("/favicon.ico", () => Results.Bytes(content, type)).AllowAnonymous();
            }
        }
    }
}
