using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Push;
using MySchool.Integration.Protos.Exchange.V1;

namespace MySchool.Integration.Gateway.Grpc;

/// <summary>Vendors' pushes over gRPC: one client-streamed batch per call, applied once per idempotency key.</summary>
[Authorize(Policy = ExchangeScopes.Push)]
public sealed class VendorExchangeService(VendorPush push) : VendorExchange.VendorExchangeBase
{
    public override async Task<PushReply> Push(IAsyncStreamReader<PushMessage> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.PartCase != PushMessage.PartOneofCase.Header)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Первое сообщение пакета должно быть заголовком (header)"));
        }

        var access = ClientAccess.From(context.GetHttpContext().User);
        var region = await push.AdmitAsync(access, requestStream.Current.Header, cancellationToken);
        var batch = new PushBatchBuilder(requestStream.Current.Header);
        while (await requestStream.MoveNext(cancellationToken))
        {
            if (requestStream.Current.PartCase != PushMessage.PartOneofCase.Records)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Заголовок допустим только в первом сообщении пакета"));
            }

            batch.Add(requestStream.Current.Records);
            if (batch.Count > VendorPush.MaxRecords)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"В пакете больше {VendorPush.MaxRecords} записей: разделите его"));
            }
        }

        return VendorPush.Reply(await push.ApplyAsync(access, region, batch.Build(), cancellationToken));
    }
}
