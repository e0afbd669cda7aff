using System.Reflection;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Text;
using System.Xml;
using Grpc.Core;
using MySchool.Integration.Core.Sync;
using SoapCore;
using SoapCore.Extensibility;

namespace MySchool.Integration.Gateway.Soap;

/// <summary>
/// SOAP faults a program can act on: the refusal's status name (InvalidArgument, PermissionDenied, …) as a subcode
/// of Client (Sender) or Server (Receiver), the reason in Russian. Anything unexpected is a plain Server fault that
/// says nothing of the exception: its message stays in the gateway's logs.
/// </summary>
public sealed partial class CodedFaults(ILogger<CodedFaults> logger) : IFaultExceptionTransformer
{
    public Message ProvideFault(Exception exception, MessageVersion messageVersion, Message requestMessage, ConcurrentXmlNamespaceLookup xmlNamespaceLookup)
    {
        while (exception is TargetInvocationException or AggregateException && exception.InnerException is not null)
        {
            exception = exception.InnerException!;
        }

        var (sender, subcode, reason) = exception switch
        {
            RpcException rpc => (rpc.StatusCode is not (StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable), rpc.StatusCode.ToString(), rpc.Status.Detail),
            _ when StoreRetry.IsTransient(exception) => (false, nameof(StatusCode.Unavailable), Grpc.CallStatusInterceptor.StoreUnavailable),
            _ => Unexpected(exception),
        };
        return FaultMessage(messageVersion, sender, subcode, reason);
    }

    /// <summary>
    /// A fault answered before SoapCore has the call (<see cref="SoapGuard"/>), in the version the Content-Type names
    /// (application/soap+xml is SOAP 1.2), with an HTTP status that says whose mistake it is.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, string subcode, string reason)
    {
        var soap12 = context.Request.ContentType?.StartsWith("application/soap+xml", StringComparison.OrdinalIgnoreCase) == true;
        var version = soap12 ? SoapHosting.Soap12 : MessageVersion.Soap11;
        using var buffer = new MemoryStream();
        using (var writer = XmlDictionaryWriter.CreateTextWriter(buffer, new UTF8Encoding(false), ownsStream: false))
        {
            FaultMessage(version, status < 500, subcode, reason).WriteMessage(writer); // synchronous: into memory
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static Message FaultMessage(MessageVersion version, bool sender, string subcode, string reason)
    {
        var fault = new FaultException(new FaultReason(new FaultReasonText(reason, "ru")), Code(version, sender, subcode), null).CreateMessageFault();
        return Message.CreateMessage(version, null, new MessageFaultBodyWriter(fault, version));
    }

    /// <summary>SOAP 1.1 writes the subcode into the code (Client.PermissionDenied); SOAP 1.2 nests it under Sender.</summary>
    private static FaultCode Code(MessageVersion version, bool sender, string subcode) => version.Envelope == EnvelopeVersion.Soap11
        ? new FaultCode($"{(sender ? "Client" : "Server")}.{subcode}", Soap11Envelope)
        : new FaultCode(sender ? "Sender" : "Receiver", Soap12Envelope, new FaultCode(subcode, SoapNames.Namespace));

    internal const string Soap11Envelope = "http://schemas.xmlsoap.org/soap/envelope/";
    internal const string Soap12Envelope = "http://www.w3.org/2003/05/soap-envelope";

    private (bool, string, string) Unexpected(Exception exception)
    {
        LogUnexpected(exception);
        return (false, "Internal", "Внутренняя ошибка шлюза; запрос можно повторить позже");
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "SOAP call failed")]
    private partial void LogUnexpected(Exception exception);
}
