using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Xml;
using Microsoft.AspNetCore.Http.Features;
using SoapCore;
using SoapCore.Extensibility;

namespace MySchool.Integration.Gateway.Soap;

/// <summary>
/// The SOAP endpoint, hardened: a request size limit, then <see cref="SoapGuard"/> (the token before the body, the
/// body read and bounded by a streaming reader of our own before SoapCore sees it), reader quotas for SoapCore as a
/// second line, coded faults.
/// </summary>
public static class SoapHosting
{
    public const string Path = "/soap/exchange";

    /// <summary>A batch of a few thousand marks is well under it; bigger batches go over gRPC.</summary>
    public const long MaxRequestBytes = 16 * 1024 * 1024;

    /// <summary>SOAP 1.2 as served here: no WS-Addressing headers (the token is in the HTTP header).</summary>
    internal static readonly MessageVersion Soap12 = MessageVersion.CreateVersion(EnvelopeVersion.Soap12, AddressingVersion.None);

    public static IServiceCollection AddSoapExchange(this IServiceCollection services)
    {
        services.AddSoapCore();
        services.AddHttpContextAccessor();
        services.AddScoped<IJournalExchange, JournalExchangeService>();
        services.AddSingleton<IFaultExceptionTransformer, CodedFaults>();
        return services;
    }

    /// <summary>A body over <see cref="MaxRequestBytes"/>, by its Content-Length or as it streams.</summary>
    public static Task RefuseTooLargeAsync(HttpContext context) => CodedFaults.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "ResourceExhausted",
        $"Запрос больше {MaxRequestBytes / 1024 / 1024} МБ: разделите пакет или передайте его по gRPC");

    public static IApplicationBuilder UseSoapExchange(this IApplicationBuilder app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), soap => soap.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBytes)
            {
                await RefuseTooLargeAsync(context);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBytes;
            }

            await next(context);
        }).UseMiddleware<SoapGuard>());
        var quotas = new XmlDictionaryReaderQuotas
        {
            MaxDepth = 32,
            MaxStringContentLength = 1024 * 1024,
            MaxArrayLength = (int)MaxRequestBytes,
            MaxBytesPerRead = 64 * 1024,
            MaxNameTableCharCount = 64 * 1024,
        };
        app.UseSoapEndpoint<IJournalExchange>(options =>
        {
            options.Path = Path;
            options.SoapSerializer = SoapSerializer.XmlSerializer;
            options.EncoderOptions =
            [
                new SoapEncoderOptions { MessageVersion = MessageVersion.Soap11, ReaderQuotas = quotas },
                new SoapEncoderOptions { MessageVersion = Soap12, ReaderQuotas = quotas },
            ];
        });
        return app;
    }
}
