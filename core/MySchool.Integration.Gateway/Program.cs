using MySchool.Integration.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayDefaults();
builder.AddFederalStore();

var app = builder.Build();
await app.MigrateFederalStoreAsync();
app.MapGatewayDefaults();
await app.RunAsync();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
