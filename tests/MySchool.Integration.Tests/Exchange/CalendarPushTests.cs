using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// A school's year pushed by a vendor (gRPC and SOAP, protocol 1.1): periods and holidays replace the stored ones of
/// that year, a bad one is quarantined while the rest commits, and an older client that sends none changes nothing.
/// </summary>
public class CalendarPushTests
{
    [Fact]
    public async Task APushedCalendar_IsStored_ItsBadRecordsQuarantined_TheRestCommits()
    {
        await using var push = await PushFixture.StartAsync();
        var chunk = PushFixture.SampleSchool();
        chunk.Calendar = Trimesters();
        chunk.Calendar.Periods.Add(new Period { Name = "Модуль 1", StartsOn = "2023-09-01", EndsOn = "2023-10-01" });
        chunk.Calendar.Holidays.Add(new Holiday { Name = "Каникулы", StartsOn = "2023-11-31", EndsOn = "2023-12-02" });

        var reply = await PushFixture.PushAsync(await push.ClientAsync(), PushFixture.Header("calendar-1"), chunk);

        Assert.Equal([("Каникулы", "holiday.dates"), ("Модуль 1", "period.kind")], reply.Rejected.Select(r => (r.SourceId, r.ReasonCode)).Order());
        Assert.Equal("I триместр:trimester:2023-09-01:2023-11-30;II триместр:trimester:2023-12-01:2024-02-29;III триместр:trimester:2024-03-01:2024-05-31",
            await push.Db.ScalarAsync<string>("SELECT string_agg(name || ':' || kind || ':' || starts_on || ':' || ends_on, ';' ORDER BY starts_on) FROM period"));
        Assert.Equal("Зимние каникулы:2023-12-30:2024-01-08;День защитника Отечества:2024-02-23:2024-02-23",
            await push.Db.ScalarAsync<string>("SELECT string_agg(name || ':' || starts_on || ':' || ends_on, ';' ORDER BY starts_on) FROM holiday"));
    }

    [Fact]
    public async Task ALaterCalendar_ReplacesTheYear_AndWhatItDropsLeavesATombstone_ButAPushWithoutOne_ChangesNothing()
    {
        await using var push = await PushFixture.StartAsync();
        var client = await push.ClientAsync();
        var first = PushFixture.SampleSchool();
        first.Calendar = Trimesters();
        await PushFixture.PushAsync(client, PushFixture.Header("calendar-1"), first);
        var halves = new Calendar { AcademicYear = "2023/2024" };
        halves.Periods.Add(new Period { Name = "1 полугодие", StartsOn = "2023-09-01", EndsOn = "2023-12-29", FirstGrade = 10, LastGrade = 11 });
        halves.Periods.Add(new Period { Name = "I триместр", StartsOn = "2023-09-01", EndsOn = "2023-11-30", FirstGrade = 1, LastGrade = 9 });
        halves.Holidays.Add(new Holiday { Name = "Зимние каникулы", StartsOn = "2023-12-30", EndsOn = "2024-01-09" });

        await PushFixture.PushAsync(client, PushFixture.Header("calendar-2"), new RecordChunk { Calendar = halves });
        const string CalendarVersion = "SELECT greatest((SELECT max(change_version) FROM period), (SELECT max(change_version) FROM holiday))";
        var version = await push.Db.ScalarAsync<long>(CalendarVersion);
        var old = await PushFixture.PushAsync(client, PushFixture.Header("old-client"), PushFixture.SampleSchool());

        Assert.Equal("1 полугодие:10-11;I триместр:1-9",
            await push.Db.ScalarAsync<string>("SELECT string_agg(name || ':' || first_grade || '-' || last_grade, ';' ORDER BY name) FROM period"));
        Assert.Equal("2024-01-09", await push.Db.ScalarAsync<string>("SELECT ends_on::text FROM holiday"));
        Assert.Equal(["period:II триместр", "period:III триместр", "holiday:2024-02-23"],
            await TombstonesAsync(push));
        Assert.Equal((0L, 0L, 0L), (old.Inserted, old.Updated, old.Deleted));
        Assert.Equal(version, await push.Db.ScalarAsync<long>(CalendarVersion));
    }

    [Fact]
    public async Task ARawSoapEnvelope_CarriesTheCalendar()
    {
        await using var push = await PushFixture.StartAsync();

        using var response = await SoapExchangeTests.PostAsync(push, "1.1", await push.Gateway.TokenAsync("vendor-54"), SoapCorpus.Envelope("1.1", """
            <request>
              <IdempotencyKey>soap-calendar</IdempotencyKey><RegionCode>54</RegionCode>
              <School><SourceId>raw-school</SourceId><Inn>5401000078</Inn><FullName>Школа № 1</FullName><Oktmo>50701000001</Oktmo><Municipality>город Новосибирск</Municipality></School>
              <Calendar><AcademicYear>2023/2024</AcademicYear>
                <Periods><Period><Name>1 четверть</Name><StartsOn>2023-09-01</StartsOn><EndsOn>2023-10-27</EndsOn></Period></Periods>
                <Holidays><Holiday><Name>Осенние каникулы</Name><StartsOn>2023-10-28</StartsOn><EndsOn>2023-11-05</EndsOn></Holiday></Holidays>
              </Calendar>
            </request>
            """));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("1 четверть:quarter:", await push.Db.ScalarAsync<string>("SELECT name || ':' || kind || ':' || coalesce(first_grade::text, '') FROM period"));
        Assert.Equal("Осенние каникулы", await push.Db.ScalarAsync<string>("SELECT name FROM holiday"));
    }

    private static Calendar Trimesters()
    {
        var calendar = new Calendar { AcademicYear = "2023/2024" };
        calendar.Periods.Add(new Period { Name = "I триместр", StartsOn = "2023-09-01", EndsOn = "2023-11-30" });
        calendar.Periods.Add(new Period { Name = "II триместр", StartsOn = "2023-12-01", EndsOn = "2024-02-29" });
        calendar.Periods.Add(new Period { Name = "III триместр", StartsOn = "2024-03-01", EndsOn = "2024-05-31" });
        calendar.Holidays.Add(new Holiday { Name = "Зимние каникулы", StartsOn = "2023-12-30", EndsOn = "2024-01-08" });
        calendar.Holidays.Add(new Holiday { Name = "День защитника Отечества", StartsOn = "2024-02-23", EndsOn = "2024-02-23" });
        return calendar;
    }

    private static async Task<List<string>> TombstonesAsync(PushFixture push)
    {
        var rows = new List<string>();
        await using var command = push.Db.CreateCommand("SELECT kind || ':' || coalesce(natural_key ->> 'name', natural_key ->> 'starts_on') FROM tombstone WHERE kind IN ('period', 'holiday') ORDER BY change_version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
