using System.Net;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.Text;
using System.Xml.Linq;
using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// The SOAP endpoint: its WSDL, a System.ServiceModel client, raw SOAP 1.1 and 1.2 envelopes as non-.NET stacks
/// send them, coded faults, and XML hardening (no DTDs, no external entities, bounded size).
/// </summary>
public class SoapExchangeTests
{
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";

    [Fact]
    public async Task TheWsdl_AnswersWithoutAToken_AndDefinesEveryTypeItUses()
    {
        await using var push = await PushFixture.StartAsync();

        var wsdl = XDocument.Parse(await push.Gateway.CreateClient().GetStringAsync(new Uri("/soap/exchange?wsdl", UriKind.Relative)));

        Assert.Equal(SoapNames.Namespace, wsdl.Root!.Attribute("targetNamespace")!.Value);
        Assert.Equal(["GetStudentJournal", "Push"], wsdl.Descendants(Wsdl + "portType").Elements(Wsdl + "operation").Select(o => o.Attribute("name")!.Value).Order());
        // Every type an element or field names is defined in the schema (the DataContractSerializer trap: ArrayOfX never defined).
        var defined = wsdl.Descendants(Xsd + "complexType").Concat(wsdl.Descendants(Xsd + "simpleType")).Select(t => t.Attribute("name")?.Value).OfType<string>().ToHashSet();
        var used = wsdl.Descendants(Xsd + "element").Select(e => e.Attribute("type")?.Value).OfType<string>()
            .Where(t => !t.StartsWith("xs:", StringComparison.Ordinal) && !t.StartsWith("xsd:", StringComparison.Ordinal) && !t.StartsWith("s:", StringComparison.Ordinal))
            .Select(t => t[(t.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        Assert.All(used, type => Assert.Contains(type, defined));
    }

    [Fact]
    public async Task AServiceModelClient_Pushes_ThenReadsTheStudentsJournal()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.SoapClientAsync();

        var result = await Task.Run(() => client.Push(SampleRequest("soap-1")));
        var again = await Task.Run(() => client.Push(SampleRequest("soap-1")));
        var journal = await Task.Run(() => client.GetStudentJournal(new JournalQuery { RegionCode = "54", StudentSourceId = "s-0", Start = "2023-11-06", End = "2023-11-12" }));

        Assert.False(result.Duplicate);
        Assert.True(result.Inserted > 0);
        Assert.Single(result.Rejected);
        Assert.Equal("mark.out-of-scale", result.Rejected[0].ReasonCode);
        Assert.True(again.Duplicate);
        Assert.Equal(2, journal.Lessons.Count);
        Assert.All(journal.Lessons, lesson => Assert.EndsWith("+07:00", lesson.Start, StringComparison.Ordinal));
        Assert.Equal(["5", "5"], journal.Lessons.SelectMany(l => l.Marks).Select(m => m.Code));
        Assert.Equal("Ӧньӧ", await push.Db.ScalarAsync<string>("SELECT p.last_name FROM person p JOIN identity_map m ON m.federal_id = p.id WHERE m.source_id = 's-0'"));
    }

    [Fact]
    public async Task AClientBuiltFromTheServedWsdl_Pushes_ThenReadsTheStudentsJournal()
    {
        await using var push = await PushFixture.StartAsync();
        var wsdl = XDocument.Parse(await push.Gateway.CreateClient().GetStringAsync(new Uri("/soap/exchange?wsdl", UriKind.Relative)));
        using var client = new WsdlClient(wsdl, push.Gateway.Server.CreateHandler(), await push.Gateway.TokenAsync("vendor-54"));
        XElement Mark(string day, string value) => client.Element("Mark",
            client.Element("SourceId", $"m-{day}-{value}"), client.Element("StudentSourceId", "s-0"), client.Element("ClassSourceId", "c-9a"),
            client.Element("LessonDate", day), client.Element("LessonNumber", 1), client.Element("Subject", "Алгебра"), client.Element("Value", value),
            client.Element("Date", day), client.Element("Weight", 1), client.Element("IsDebt", false));
        XElement Lesson(string day) => client.Element("Lesson",
            client.Element("ClassSourceId", "c-9a"), client.Element("Date", day), client.Element("Number", 1), client.Element("Start", "08:30"),
            client.Element("End", "09:15"), client.Element("Subject", "Алгебра"));

        var pushed = client.Call("Push", client.Element("Push", client.Element("request",
            client.Element("IdempotencyKey", "wsdl-1"),
            client.Element("RegionCode", "54"),
            client.Element("CompleteRoster", false),
            client.Element("School", client.Element("SourceId", PushFixture.SchoolId), client.Element("Inn", "5401000078"), client.Element("FullName", "Школа № 77"),
                client.Element("Oktmo", "50701000001"), client.Element("Municipality", "город Новосибирск")),
            client.Element("Classes", client.Element("Class", client.Element("SourceId", "c-9a"), client.Element("Name", "9А"), client.Element("AcademicYear", "2023/2024"))),
            client.Element("Students", client.Element("Student",
                client.Element("Person", client.Element("SourceId", "s-0"), client.Element("LastName", "Ӧньӧ"), client.Element("FirstName", "Іван")),
                client.Element("ClassSourceId", "c-9a"))),
            client.Element("Lessons", Lesson("2023-11-06"), Lesson("2023-11-07")),
            client.Element("Marks", Mark("2023-11-06", "5"), Mark("2023-11-07", "4+"), Mark("2023-11-07", "7")))));
        var journal = client.Call("GetStudentJournal", client.Element("GetStudentJournal", client.Element("query",
            client.Element("RegionCode", "54"), client.Element("StudentSourceId", "s-0"), client.Element("Start", "2023-11-06"), client.Element("End", "2023-11-12"))));

        var result = pushed.Element(client.Namespace + "PushResult")!;
        Assert.Equal("false", result.Element(client.Namespace + "Duplicate")!.Value);
        Assert.Equal("mark.out-of-scale", result.Descendants(client.Namespace + "ReasonCode").Single().Value);
        Assert.Equal(["5", "4+"], journal.Descendants(client.Namespace + "Code").Select(code => code.Value));
        Assert.All(journal.Descendants(client.Namespace + "Start"), start => Assert.EndsWith("+07:00", start.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServiceModelClient_PushingIntoAForeignRegion_GetsAPermissionDeniedFault()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.SoapClientAsync("vendor-11");

        var fault = await Assert.ThrowsAsync<FaultException>(() => Task.Run(() => client.Push(SampleRequest("foreign"))));

        Assert.Equal("Client.PermissionDenied", fault.Code.Name);
        Assert.Contains("54", fault.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action = 'push.denied'"));
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("1.2")]
    public async Task ARawEnvelope_WithoutAToken_IsA401UnauthenticatedFault(string version)
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await PostAsync(push, version, token: null, SoapCorpus.Envelope(version, "<PushRequest><IdempotencyKey>k</IdempotencyKey></PushRequest>"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Unauthenticated", body, StringComparison.Ordinal);
        Assert.Contains("токен", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("1.2")]
    public async Task ARawEnvelope_WithAToken_Pushes(string version)
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await PostAsync(push, version, await push.Gateway.TokenAsync("vendor-54"), SoapCorpus.Envelope(version, """
            <request>
              <IdempotencyKey>raw-1</IdempotencyKey><RegionCode>54</RegionCode>
              <School><SourceId>raw-school</SourceId><Inn>5401000078</Inn><FullName>Школа № 1</FullName><Oktmo>50701000001</Oktmo><Municipality>город Новосибирск</Municipality></School>
              <Classes><Class><SourceId>c-1</SourceId><Name>10А</Name><AcademicYear>2023/2024</AcademicYear></Class></Classes>
            </request>
            """));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("raw-1", body, StringComparison.Ordinal);
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM class WHERE grade = 10 AND letter = 'А'"));
    }

    [Theory]
    [InlineData("""<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>""", "&x;")]
    [InlineData("""<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>""", "&c;")]
    public async Task ADtd_ExternalEntityOrEntityExpansion_IsRefused_AndNothingIsRead(string doctype, string reference)
    {
        await using var push = await PushFixture.StartAsync();
        var envelope = doctype + SoapCorpus.Envelope("1.1", $"<request><IdempotencyKey>{reference}</IdempotencyKey><RegionCode>54</RegionCode></request>");

        using var response = await PostAsync(push, "1.1", await push.Gateway.TokenAsync("vendor-54"), envelope);

        var body = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaa", body, StringComparison.Ordinal);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM push_batch"));
    }

    [Fact]
    public async Task ARequestOverTheSizeLimit_Is413_AClientResourceExhaustedFault()
    {
        await using var push = await PushFixture.StartAsync();
        var envelope = SoapCorpus.Envelope("1.1", $"<request><IdempotencyKey>big</IdempotencyKey><DeletedMarks>{string.Concat(Enumerable.Repeat("<string>m-000000000000</string>", 700_000))}</DeletedMarks></request>");

        using var response = await PostAsync(push, "1.1", await push.Gateway.TokenAsync("vendor-54"), envelope);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Client.ResourceExhausted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static PushRequest SampleRequest(string key)
    {
        var request = new PushRequest
        {
            IdempotencyKey = key,
            RegionCode = "54",
            School = new SoapSchool { SourceId = PushFixture.SchoolId, Inn = "5401000078", FullName = "Школа № 77", Oktmo = "50701000001", Municipality = "город Новосибирск" },
            Classes = [new SoapClass { SourceId = "c-9a", Name = "9А", AcademicYear = "2023/2024" }],
            Students = [new SoapStudent { Person = new SoapPerson { SourceId = "s-0", LastName = "Ӧньӧ", FirstName = "Іван" }, ClassSourceId = "c-9a" }],
            Lessons =
            [
                new SoapLesson { ClassSourceId = "c-9a", Date = "2023-11-06", Number = 1, Start = "08:30", End = "09:15", Subject = "Алгебра" },
                new SoapLesson { ClassSourceId = "c-9a", Date = "2023-11-07", Number = 1, Start = "08:30", End = "09:15", Subject = "Алгебра" },
            ],
        };
        foreach (var (day, value) in new[] { ("2023-11-06", "5"), ("2023-11-07", "5"), ("2023-11-07", "7") })
        {
            request.Marks.Add(new SoapMark { SourceId = $"m-{day}-{value}", StudentSourceId = "s-0", ClassSourceId = "c-9a", LessonDate = day, LessonNumber = 1, Subject = "Алгебра", Value = value, Date = day, Weight = 1 });
        }

        return request;
    }

    /// <summary>A ChannelFactory client whose HTTP goes to the in-memory gateway, with the bearer token on every call.</summary>
    public static async Task<HttpResponseMessage> PostAsync(PushFixture push, string version, string? token, string envelope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/soap/exchange", UriKind.Relative))
        {
            Content = new StringContent(envelope, Encoding.UTF8, version == "1.1" ? "text/xml" : "application/soap+xml"),
        };
        if (version == "1.1")
        {
            request.Headers.Add("SOAPAction", $"\"{SoapNames.Namespace}/JournalExchange/Push\"");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await push.Gateway.CreateClient().SendAsync(request);
    }

}
