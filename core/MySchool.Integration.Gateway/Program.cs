using MySchool.Integration.Adapters.Esia;
using MySchool.Integration.Adapters.Mail;
using MySchool.Integration.Adapters.Nso;
using MySchool.Integration.Adapters.Rk;
using MySchool.Integration.Adapters.Sferum;
using MySchool.Integration.Gateway.Api;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Dashboard;
using MySchool.Integration.Gateway.Extracts;
using MySchool.Integration.Gateway.Family;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Gateway.Hosting;
using MySchool.Integration.Gateway.Operators;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayDefaults();
builder.AddFederalStore();
builder.AddSync();
builder.AddExchange();
builder.AddOperators();
builder.AddFamilies();
builder.AddDashboard();
builder.Services.AddNsoAdapter();
builder.Services.AddRkAdapter();
builder.Services.AddSferum(builder.Configuration);
builder.Services.AddEsia(builder.Configuration);
builder.Services.AddMail(builder.Configuration);

var app = builder.Build();
await app.MigrateFederalStoreAsync();
await app.SeedAppointmentsAsync();
app.MapGatewayDefaults();
app.UseExchangeAuth();
app.MapExchange();
app.MapDashboard();
app.MapSync();
app.MapSyncApi();
app.MapInvitationApi();
app.MapDiaryExtracts();
app.MapSchoolOwnershipApi();
app.MapImportApi();
await app.RunAsync();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
