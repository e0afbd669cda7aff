using System.ServiceModel;
using Grpc.Core;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Isolation;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>While the store cannot write (a restart, a serialization race), a push is a retryable refusal and writes nothing.</summary>
public class StoreUnavailableTests
{
    [Fact]
    public async Task APushTheStoreCannotTakeNow_IsUnavailable_OverGrpc_AndAServerUnavailableFault_OverSoap_AndWritesNothing()
    {
        await using var push = await PushFixture.StartAsync();
        await push.Db.ExecuteAsync("""
            CREATE FUNCTION busy_store() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'busy' USING ERRCODE = '40001'; END $$;
            CREATE TRIGGER busy_store BEFORE INSERT ON school FOR EACH ROW EXECUTE FUNCTION busy_store();
            """);

        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("busy"), PushFixture.SampleSchool()));
        var soap = await push.SoapClientAsync();
        var fault = await Assert.ThrowsAsync<FaultException>(() => Task.Run(() => soap.Push(ProtoToSoap.ToRequest(PushFixture.Header("busy-soap"), PushFixture.SampleSchool()))));

        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Equal("Server.Unavailable", fault.Code.Name);
        Assert.Contains("повторите", fault.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM person"));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM push_batch"));
    }
}
