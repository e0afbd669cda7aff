using System.Net;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>
/// Hostile and careless SOAP bodies are refused by the guard in front of SoapCore with a coded Client fault that
/// echoes nothing of them; without a token the body is not even read.
/// </summary>
public class SoapGuardTests
{
    public static TheoryData<string, string> HostileBodies => new()
    {
        { "nested-100000-levels", "InvalidArgument" },
        { "nested-50-levels", "InvalidArgument" },
        { "billion-laughs", "InvalidArgument" },
        { "internal-dtd-entity", "InvalidArgument" },
        { "text-of-15-mb", "InvalidArgument" },
        { "attribute-of-2-mb", "InvalidArgument" },
        { "malformed-xml", "InvalidArgument" },
        { "empty-body", "InvalidArgument" },
        { "json-body", "InvalidArgument" },
        { "not-an-envelope", "InvalidArgument" },
        { "envelope-without-operation", "InvalidArgument" },
        { "unknown-operation", "Unimplemented" },
        { "operation-in-a-wrong-namespace", "Unimplemented" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task AHostileOrCarelessBody_IsA400ClientFault_ThatEchoesNothing_AndWritesNothing(string name, string subcode)
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await SoapExchangeTests.PostAsync(push, "1.1", await push.Gateway.TokenAsync("vendor-54"), SoapCorpus.Body(name));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"Client.{subcode}", body, StringComparison.Ordinal);
        Assert.True(body.Length < 2_000, $"the fault echoes its input: {body.Length} characters");
        Assert.DoesNotContain("lol", body, StringComparison.Ordinal);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM push_batch"));
    }

    [Fact]
    public async Task AHostileBodyWithoutAToken_IsA401_BeforeItIsRead()
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await SoapExchangeTests.PostAsync(push, "1.1", token: null, SoapCorpus.Body("nested-100000-levels"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Client.Unauthenticated", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalInSoap12_IsASenderFaultInSoap12()
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await SoapExchangeTests.PostAsync(push, "1.2", await push.Gateway.TokenAsync("vendor-54"), SoapCorpus.Body("nested-50-levels").Replace("schemas.xmlsoap.org/soap/envelope/", "www.w3.org/2003/05/soap-envelope", StringComparison.Ordinal));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/soap+xml", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Sender", body, StringComparison.Ordinal);
        Assert.Contains("InvalidArgument", body, StringComparison.Ordinal);
    }
}
