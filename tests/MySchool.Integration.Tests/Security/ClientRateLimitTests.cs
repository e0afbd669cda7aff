using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using MySchool.Integration.Protos.Federal.V1;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>
/// One client cannot starve the others: pushes and pulls are limited per client a minute, each surface refusing in
/// its own terms (gRPC RESOURCE_EXHAUSTED, a SOAP Client fault, a FHIR "throttled" outcome) with Retry-After.
/// </summary>
public class ClientRateLimitTests
{
    [Fact]
    public async Task AVendorOverItsPushLimit_IsResourceExhausted_WritesNothing_WhileAnotherVendorStillPushes()
    {
        await using var push = await PushFixture.StartAsync(new Dictionary<string, string> { ["RateLimits:PushPerClientPerMinute"] = "2" });
        var vendor54 = await push.ClientAsync("vendor-54");
        await PushFixture.PushAsync(vendor54, PushFixture.Header("first"), PushFixture.SampleSchool());
        await PushFixture.PushAsync(vendor54, PushFixture.Header("second"), PushFixture.SampleSchool());

        var refused = await Assert.ThrowsAsync<RpcException>(() => PushFixture.PushAsync(vendor54, PushFixture.Header("third"), PushFixture.SampleSchool()));
        var other = await PushFixture.PushAsync(await push.ClientAsync("vendor-11"), PushFixture.KomiHeader("komi-first"), PushFixture.SampleSchool(8_000_100));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("vendor-54", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(int.Parse(refused.Trailers.GetValue("retry-after")!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM push_batch WHERE idempotency_key = 'third'"));
        Assert.False(other.Duplicate);
    }

    [Fact]
    public async Task AVendorOverItsLimitOnSoap_GetsA429ClientFault_WithRetryAfter()
    {
        await using var push = await PushFixture.StartAsync(new Dictionary<string, string> { ["RateLimits:PushPerClientPerMinute"] = "1" });
        var token = await push.Gateway.TokenAsync("vendor-54");
        using var first = await SoapExchangeTests.PostAsync(push, "1.1", token, SoapCorpus.Body("envelope-without-operation"));

        using var second = await SoapExchangeTests.PostAsync(push, "1.1", token, SoapCorpus.Body("envelope-without-operation"));

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("Client.ResourceExhausted", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(second.Headers.RetryAfter);
    }

    [Fact]
    public async Task TheFederalPlatformOverItsPullLimit_IsThrottled_OnRestAndGrpc()
    {
        await using var push = await PushFixture.StartAsync(new Dictionary<string, string> { ["RateLimits:PullPerClientPerMinute"] = "2" });
        var rest = await push.Gateway.CreateClientAsync("federal");
        var grpc = new FederalPull.FederalPullClient(await push.Gateway.ChannelAsync("federal"));
        await grpc.GetChangeVersionsAsync(new ChangeVersionsRequest());
        using var allowed = await rest.GetAsync(new Uri("/Schedule/1000000001?start=2023-11-06&end=2023-11-12", UriKind.Relative));

        using var throttled = await rest.GetAsync(new Uri("/Schedule/1000000001?start=2023-11-06&end=2023-11-12", UriKind.Relative));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await grpc.GetChangeVersionsAsync(new ChangeVersionsRequest()));

        Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        var outcome = (await throttled.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("throttled", outcome["issue"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
    }
}
