using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>The real gateway host in memory, pointed at a database of the test's choosing.</summary>
public sealed class GatewayFactory(string connectionString, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Federal", connectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }
}
