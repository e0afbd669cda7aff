using Grpc.Core;

namespace MySchool.Integration.Protos.Exchange.V1;

/// <summary>The client side of a push, as a vendor writes it: the header first, then the records, then the answer.</summary>
public static class VendorExchangeClientExtensions
{
    public static async Task<PushReply> PushBatchAsync(
        this VendorExchange.VendorExchangeClient client, BatchHeader header, IEnumerable<RecordChunk> chunks, DateTime deadline, CancellationToken cancellationToken = default)
    {
        using var call = client.Push(deadline: deadline, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new PushMessage { Header = header }, cancellationToken);
        foreach (var chunk in chunks)
        {
            await call.RequestStream.WriteAsync(new PushMessage { Records = chunk }, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }
}
