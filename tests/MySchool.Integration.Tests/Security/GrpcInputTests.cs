using Grpc.Core;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>gRPC input a careless or hostile client sends: bytes that are no message, header fields that are no values.</summary>
public class GrpcInputTests(SharedPush shared) : IClassFixture<SharedPush>
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    [Fact]
    public async Task BytesThatAreNoProtobufMessage_AreInvalidArgument_AndNothingIsWritten()
    {
        var push = shared.Push;
        var channel = await push.Gateway.ChannelAsync("vendor-54");
        var method = new Method<byte[], byte[]>(MethodType.ClientStreaming, VendorExchange.Descriptor.FullName, "Push", Raw, Raw);
        using var call = channel.CreateCallInvoker().AsyncClientStreamingCall(method, null, new CallOptions());
        await call.RequestStream.WriteAsync([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        await call.RequestStream.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("PushMessage", error.Status.Detail);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Theory]
    [InlineData("header.idempotency_key", "")]
    [InlineData("header.region_code", "Новосибирская")]
    [InlineData("header.school.source_id", "")]
    [InlineData("header.school.inn", "5401000000")]
    [InlineData("header.school.inn", "54О1000078")] // a Cyrillic О among the digits
    [InlineData("header.school.oktmo", "5070")]
    public async Task AHeaderFieldThatIsNoValue_IsInvalidArgument_NamingTheField(string field, string value)
    {
        var push = shared.Push;
        var header = PushFixture.Header("header-probe");
        switch (field)
        {
            case "header.idempotency_key": header.IdempotencyKey = value; break;
            case "header.region_code": header.RegionCode = value; break;
            case "header.school.source_id": header.School.SourceId = value; break;
            case "header.school.inn": header.School.Inn = value; break;
            default: header.School.Oktmo = value; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PushFixture.PushAsync(await push.ClientAsync(), header, PushFixture.SampleSchool()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ": ", error.Status.Detail);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school"));
    }

    [Theory]
    [InlineData("GetChangeVersions", MethodType.Unary)]
    [InlineData("ReadRows", MethodType.ServerStreaming)]
    public async Task BytesThatAreNoProtobufMessage_AreInvalidArgument_OnThePull(string name, MethodType type)
    {
        var push = shared.Push;
        var invoker = (await push.Gateway.ChannelAsync("federal")).CreateCallInvoker();
        var method = new Method<byte[], byte[]>(type, Protos.Federal.V1.FederalPull.Descriptor.FullName, name, Raw, Raw);
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            if (type == MethodType.Unary)
            {
                await invoker.AsyncUnaryCall(method, null, new CallOptions(), garbage);
            }
            else
            {
                using var call = invoker.AsyncServerStreamingCall(method, null, new CallOptions(), garbage);
                await call.ResponseStream.MoveNext(CancellationToken.None);
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
