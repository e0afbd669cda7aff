using Grpc.Core;

namespace MySchool.Integration.Protos.Exchange.V1;

/// <summary>The client side of a push, as a vendor writes it: the header first, then the records, then the answer.</summary>
public static class VendorExchangeClientExtensions
{
    public static async Task<PushReply> PushBatchAsync(
        this VendorExchange.VendorExchangeClient client, BatchHeader header, IEnumerable<RecordChunk> chunks, DateTime deadline, CancellationToken cancellationToken = default)
    {
        using var call = client.Push(deadline: deadline, cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new PushMessage { Header = header }, cancellationToken);
            foreach (var chunk in chunks)
            {
                await call.RequestStream.WriteAsync(new PushMessage { Records = chunk }, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception writing) when (writing is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // The server may answer before it has read everything (no token, wrong region): a write then fails with
            // whatever the transport saw, and the server's own status is in the response.
        }

        return await call;
    }
}
