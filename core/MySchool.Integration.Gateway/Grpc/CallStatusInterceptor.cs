using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>
/// Exceptions that are not the gateway's bug get their own status instead of UNKNOWN:
/// <list type="bullet">
/// <item>a database restarting, refusing connections or out of connection slots is a retryable UNAVAILABLE: each
/// call's transaction rolled back whole, so nothing was written and the caller sends the same call again (a push
/// with the same idempotency key). SOAP answers the same with a Server.Unavailable fault (<c>CodedFaults</c>);</item>
/// <item>a client-streamed message that is no protobuf message is INVALID_ARGUMENT (a single request message is
/// judged before the handler, by <see cref="MalformedMessageGuard"/>).</item>
/// </list>
/// </summary>
public sealed class CallStatusInterceptor : Interceptor
{
    public const string StoreUnavailable = "Хранилище шлюза временно недоступно: ничего не записано, повторите запрос (пакет — с тем же ключом идемпотентности)";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (StatusOf<TRequest>(exception) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (StatusOf<TRequest>(exception) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (StatusOf<TRequest>(exception) is { } status)
        {
            throw new RpcException(status);
        }
    }

    private static Status? StatusOf<TRequest>(Exception exception) => exception switch
    {
        InvalidProtocolBufferException => new Status(StatusCode.InvalidArgument, MalformedMessageGuard.NotAMessage(typeof(TRequest).Name)),
        _ when StoreRetry.IsTransient(exception) => new Status(StatusCode.Unavailable, StoreUnavailable),
        _ => null,
    };
}
