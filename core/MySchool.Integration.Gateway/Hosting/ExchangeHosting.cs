using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Grpc;
using MySchool.Integration.Gateway.Rest;

namespace MySchool.Integration.Gateway.Hosting;

/// <summary>The exchange endpoints: the token server, gRPC for vendors and the federal platform, REST and OpenAPI.</summary>
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
        });
        builder.Services.AddGrpcHealthChecks().AddCheck<Health.DatabaseHealthCheck>("grpc-database");
        builder.Services.AddGrpcReflection();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapExchange(this WebApplication app)
    {
        app.MapGrpcService<FederalPullService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapFederalRestApi();
        app.MapOpenApi();
        return app;
    }
}
