using MySchool.Integration.Gateway.Family;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Dashboard;

/// <summary>The operators' dashboard: Razor Pages under this folder, every one behind an operator's ESIA session.</summary>
public static class DashboardHosting
{
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
        app.MapGet("/dashboard.css", () => Results.Text(Css, "text/css; charset=utf-8")).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    // Small enough to keep with the pages; served by the app itself so it ships wherever the binary goes.
    private const string Css = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1c2430; background: #f6f7f9; }
        header { display: flex; gap: 2em; align-items: center; padding: .6em 1.5em; background: #0d4cd3; color: #fff; }
        header a { color: #fff; text-decoration: none; margin-right: 1em; } .brand { font-weight: 600; } .who { margin-left: auto; }
        main { padding: 1em 1.5em; } h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
        table { border-collapse: collapse; background: #fff; width: 100%; } th, td { padding: .35em .6em; border-bottom: 1px solid #e3e6eb; text-align: left; }
        th { background: #eef1f5; font-weight: 600; } tr.bad td { background: #fde8e8; } tr.warn td { background: #fff6e0; }
        .tiles { display: flex; gap: 1em; } .tiles div { background: #fff; padding: .8em 1.2em; border-radius: 6px; } .tiles b { font-size: 1.4em; display: block; }
        .chart { width: 100%; max-width: 760px; background: #fff; } .chart .rows { fill: #0d4cd3; } .chart .failures { fill: #d33; } .chart text { font-size: 11px; fill: #555; }
        .bar { background: #e3e6eb; height: 14px; border-radius: 7px; max-width: 600px; } .bar div { background: #0d4cd3; height: 100%; border-radius: 7px; transition: width .5s; }
        .error, .problem { color: #b00020; } pre { background: #fff; padding: 1em; overflow: auto; } button { padding: .4em 1em; }
        .notice { max-width: 40em; margin: 4em auto; background: #fff; padding: 2em; border-radius: 8px; }
        """;
}
