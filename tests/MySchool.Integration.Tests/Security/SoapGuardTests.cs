using System.Net;
using System.Text;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Security;

/// <summary>
/// Hostile and careless SOAP bodies are refused by the guard in front of SoapCore with a coded Client fault that
/// echoes nothing of them; without a token the body is not even read.
/// </summary>
public class SoapGuardTests(SharedPush shared) : IClassFixture<SharedPush>
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
        var push = shared.Push;

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
        var push = shared.Push;

        using var response = await SoapExchangeTests.PostAsync(push, "1.1", token: null, SoapCorpus.Body("nested-100000-levels"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Client.Unauthenticated", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalInSoap12_IsASenderFaultInSoap12()
    {
        var push = shared.Push;

        using var response = await SoapExchangeTests.PostAsync(push, "1.2", await push.Gateway.TokenAsync("vendor-54"), SoapCorpus.Body("nested-50-levels").Replace("schemas.xmlsoap.org/soap/envelope/", "www.w3.org/2003/05/soap-envelope", StringComparison.Ordinal));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/soap+xml", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Sender", body, StringComparison.Ordinal);
        Assert.Contains("InvalidArgument", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidBody_OfUnknownLength_AndLargerThanTheGuardsFirstBuffer_ReachesSoapCoreWhole()
    {
        await using var push = await PushFixture.StartAsync();
        var students = string.Concat(Enumerable.Range(1, 400).Select(i => $"<Student><Person><SourceId>s-{i}</SourceId><LastName>Ӧньӧ-{i}</LastName><FirstName>Іван</FirstName></Person><ClassSourceId>c-1</ClassSourceId></Student>"));
        var envelope = SoapCorpus.Envelope("1.1", $"""
            <request><IdempotencyKey>long-1</IdempotencyKey><RegionCode>54</RegionCode>
              <School><SourceId>long-school</SourceId><Inn>5401000078</Inn><FullName>Школа № 1</FullName><Oktmo>50701000001</Oktmo><Municipality>город Новосибирск</Municipality></School>
              <Classes><Class><SourceId>c-1</SourceId><Name>10А</Name><AcademicYear>2023/2024</AcademicYear></Class></Classes>
              <Students>{students}</Students>
            </request>
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/soap/exchange", UriKind.Relative)) { Content = new UnknownLengthContent(envelope) };
        request.Headers.Add("SOAPAction", $"\"{SoapCorpus.Namespace}/JournalExchange/Push\"");
        request.Headers.Authorization = new("Bearer", await push.Gateway.TokenAsync("vendor-54"));

        using var response = await push.Gateway.CreateClient().SendAsync(request);

        Assert.True(Encoding.UTF8.GetByteCount(envelope) > 32 * 1024);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(400L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    public async Task ABodyWithoutASoapContentType_IsA415ClientFault(string? contentType)
    {
        var push = shared.Push;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/soap/exchange", UriKind.Relative)) { Content = new UnknownLengthContent(SoapCorpus.Body("nested-50-levels"), contentType) };
        request.Headers.Authorization = new("Bearer", await push.Gateway.TokenAsync("vendor-54"));

        using var response = await push.Gateway.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Client.InvalidArgument", body, StringComparison.Ordinal);
        Assert.Contains("text/xml", body, StringComparison.Ordinal);
    }

    /// <summary>A body sent without Content-Length, as a streaming client sends it.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly string _text;

        public UnknownLengthContent(string text, string? contentType = "text/xml; charset=utf-8")
        {
            _text = text;
            Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(Encoding.UTF8.GetBytes(_text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
