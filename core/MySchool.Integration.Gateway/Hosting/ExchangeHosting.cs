using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Grpc;
using MySchool.Integration.Gateway.Push;
using MySchool.Integration.Gateway.Rest;
using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Protos.Federal.V1;

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>The exchange endpoints: the token server, gRPC and SOAP for vendors, gRPC and REST for the federal platform, OpenAPI.</summary>
public static class ExchangeHosting
{
    /// <summary>gRPC's own default, set on purpose: a client splits a batch into messages under it.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    public static WebApplicationBuilder AddExchange(this WebApplicationBuilder builder)
    {
        builder.AddExchangeAuth();
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageBytes;
            options.MaxSendMessageSize = MaxMessageBytes;
            options.Interceptors.Add<Grpc.CallStatusInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks(); // serves the host's health checks (the database) as grpc.health.v1
        builder.Services.AddGrpcReflection();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<VendorPush>();
        builder.Services.AddSingleton<ScheduleAnswers>();
        builder.Services.AddHostedService<ScheduleSignalsListener>();
        builder.Services.AddSingleton<Api.SyncLauncher>();
        builder.Services.AddSingleton<FileImports.FileImport>();
        builder.Services.AddSingleton<FileImports.ImportRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FileImports.ImportRunner>());
        builder.Services.AddSingleton(new Core.Store.ImportRetention(TimeSpan.FromDays(builder.Configuration.GetValue("Imports:KeepDays", 30.0))));
        builder.Services.AddSoapExchange();
        return builder;
    }

    public static WebApplication MapExchange(this WebApplication app)
    {
        app.UseMalformedMessageGuard(FederalPull.Descriptor, VendorExchange.Descriptor);
        app.MapGrpcService<FederalPullService>();
        app.MapGrpcService<VendorExchangeService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapFederalRestApi();
        app.UseSoapExchange();
        app.MapOpenApi();
        return app;
    }
}
