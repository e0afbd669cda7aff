using Grpc.Core;
using Grpc.Core.Interceptors;
using MySchool.Integration.Core.Sync;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>
/// A database restarting, refusing connections or out of connection slots is a retryable UNAVAILABLE, never UNKNOWN:
/// each call's transaction rolled back whole, so nothing was written and the caller sends the same call again (a
/// push with the same idempotency key). SOAP answers the same with a Server.Unavailable fault (<c>CodedFaults</c>).
/// </summary>
public sealed class StoreUnavailableInterceptor : Interceptor
{
    public const string Detail = "Хранилище шлюза временно недоступно: ничего не записано, повторите запрос (пакет — с тем же ключом идемпотентности)";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (StoreRetry.IsTransient(exception))
        {
            throw Unavailable();
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (StoreRetry.IsTransient(exception))
        {
            throw Unavailable();
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (StoreRetry.IsTransient(exception))
        {
            throw Unavailable();
        }
    }

    private static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, Detail));
}
