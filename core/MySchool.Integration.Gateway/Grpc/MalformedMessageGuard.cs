using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>
/// Bytes that are no protobuf message of the method's request type are the client's mistake, INVALID_ARGUMENT.
/// grpc-dotnet parses a unary or server-streaming request before any interceptor runs and answers a parse failure
/// UNKNOWN, so this middleware (after authorization: strangers are refused first) parses that single message once
/// itself and answers INVALID_ARGUMENT (<see cref="TrailersOnly"/>). A client stream's messages are parsed inside the handler,
/// where <see cref="CallStatusInterceptor"/> sees them.
/// </summary>
public static class MalformedMessageGuard
{
    private const int FrameHeaderBytes = 5;

    public static IApplicationBuilder UseMalformedMessageGuard(this IApplicationBuilder app, params Google.Protobuf.Reflection.ServiceDescriptor[] services)
    {
        var requestTypes = services
            .SelectMany(service => service.Methods)
            .Where(method => !method.IsClientStreaming)
            .ToDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => method.InputType, StringComparer.Ordinal); // as routed: /package.Service/Method

        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
                && requestTypes.TryGetValue(grpc.Method.FullName, out var requestType)
                && await ParsesAsync(context, requestType) is false)
            {
                TrailersOnly.Refuse(context.Response, StatusCode.InvalidArgument, NotAMessage(requestType.Name));
                return;
            }

            await next(context);
        });
    }

    /// <summary>Reads the one framed message, parses it, and puts the bytes back for grpc-dotnet; null when it cannot judge.</summary>
    private static async Task<bool?> ParsesAsync(HttpContext context, MessageDescriptor requestType)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted); // under the host's message size limit (Kestrel's body limit)
        body.Position = 0;
        context.Request.Body = body;
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (bytes.Length < FrameHeaderBytes || bytes.Span[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(bytes.Span[1..]) != bytes.Length - FrameHeaderBytes)
        {
            return null; // compressed, truncated or several frames: grpc-dotnet's own framing errors say what is wrong
        }

        try
        {
            requestType.Parser.ParseFrom(bytes.Span[FrameHeaderBytes..]);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    public static string NotAMessage(string requestType) => $"Сообщение вызова не разбирается как {requestType} (protobuf): сверьте версию .proto";
}
