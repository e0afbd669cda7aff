using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>The real gateway host in memory, pointed at a database of the test's choosing.</summary>
public sealed class GatewayFactory(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Federal", connectionString);
        builder.UseEnvironment("Testing");
    }
}
