using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;
using MySchool.Integration.Tests.Sync;

namespace MySchool.Integration.Tests.Security;

/// <summary>
/// A vendor pushes SNILS in every form people write them (and one as an idempotency key, one as a person's id); no
/// page an operator opens, no answer and no log line of the gateway process shows any of them in full.
/// </summary>
public class PersonalDataMaskingTests
{
    [Fact]
    public async Task EveryWrittenFormOfASnils_IsMasked_OnEveryPage_InTheAnswer_AndInTheLogs()
    {
        await using var harness = await SyncHarness.StartAsync("nso");
        await using var gateway = await GatewayProcess.StartAsync(harness.Db.ConnectionString, new Dictionary<string, string>
        {
            ["Regions:54:Name"] = "Новосибирская область", // served for pushes only
            ["Regions:54:TimeZone"] = "Asia/Novosibirsk",
            ["Esia:BaseUrl"] = harness.World.Esia.BaseAddress.ToString(),
            [$"Operators:{SiteOnPorts.Operator54}:Regions:0"] = "54",
            ["Logging:LogLevel:Default"] = "Information",
        });
        var snils = Enumerable.Range(0, 7).Select(i => Identifiers.Snils(7_300_100 + i)).ToList();
        var chunk = PushFixture.SampleSchool(7_300_100);
        string[] forms =
        [
            Identifiers.DashedSnils(snils[0]),                                          // accepted
            snils[1],                                                                   // accepted
            $"{snils[2][..3]} {snils[2][3..6]} {snils[2][6..9]} {snils[2][9..]}",       // refused: spaces
            $"{snils[3][..3]}.{snils[3][3..6]}.{snils[3][6..9]}.{snils[3][9..]}",       // refused: dots
            string.Concat(snils[4].Select(d => (char)('٠' + (d - '0')))),               // refused: Arabic-Indic digits
            string.Concat(snils[5].Select(d => (char)('０' + (d - '0')))).Insert(9, "–"), // refused: fullwidth, an en dash
        ];
        for (var i = 0; i < forms.Length; i++)
        {
            chunk.Students[i].Person.Snils = forms[i];
        }

        chunk.Students[2].Person.SourceId = snils[2];                                  // a registry that keys people by SNILS
        chunk.Teachers[0].Person.Snils = Identifiers.DashedSnils(snils[6][..9] + ((int.Parse(snils[6][9..], CultureInfo.InvariantCulture) + 1) % 100).ToString("00", CultureInfo.InvariantCulture));
        var header = PushFixture.Header($"batch-{Identifiers.DashedSnils(snils[0])}");     // a careless vendor's key

        using var channel = await gateway.ChannelAsync();
        var reply = await PushFixture.PushAsync(new VendorExchange.VendorExchangeClient(channel), header, chunk);
        using var session = await EsiaWalk.OperatorSessionAsync(gateway.Http, SiteOnPorts.Operator54);
        var school = await harness.Db.ScalarAsync<Guid>("SELECT id FROM school LIMIT 1");
        var quarantined = await harness.Db.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM quarantine");
        var pages = new[] { "/", "/regions/54", "/quarantine", $"/runs/{reply.RunId}", $"/schools/{school}" }.Concat(quarantined.Select(id => $"/quarantine?id={id}"));
        var texts = new List<(string Where, string Text)> { ("the push's answer", JsonFormatter.Default.Format(reply)) };
        foreach (var page in pages)
        {
            texts.Add((page, await session.GetStringAsync(new Uri(gateway.Http, page))));
        }

        texts.Add(("the logs", string.Join('\n', gateway.Output)));

        Assert.Equal(5, reply.Rejected.Count(r => r.ReasonCode.StartsWith("snils.", StringComparison.Ordinal)));
        Assert.Contains(gateway.Output, line => line.Contains($"batch-***-***-*** {snils[0][9..]}", StringComparison.Ordinal));
        foreach (var (where, text) in texts)
        {
            var digits = AsciiDigits(text);
            foreach (var number in snils)
            {
                Assert.False(FirstNineDigits(number).IsMatch(digits), $"{where} shows SNILS {number[..3]}… in full");
            }
        }
    }

    /// <summary>The first nine digits in order, with up to three non-digits between any two: the SNILS in any of its forms.</summary>
    private static Regex FirstNineDigits(string canonical) => new(string.Join(@"\D{0,3}", canonical[..9].ToCharArray()));

    private static string AsciiDigits(string text)
    {
        var ascii = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            ascii.Append(char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c);
        }

        return ascii.ToString();
    }
}
