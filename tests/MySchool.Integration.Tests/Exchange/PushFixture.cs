using System.ServiceModel;
using Grpc.Core;
using MySchool.Integration.Gateway.Soap;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Protos.Exchange.V1;
using MySchool.Integration.Testing;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Exchange;

/// <summary>
/// A gateway that serves regions 54 and 11 for pushes only (no adapter pulls them), on a fresh database, and a
/// sample school of the shape vendors push: two classes, students with guardians, a teacher, a week of lessons and marks.
/// </summary>
public sealed class PushFixture : IAsyncDisposable
{
    public const string SchoolId = "school-77";

    private PushFixture(NpgsqlDataSource db, GatewayFactory gateway)
    {
        Db = db;
        Gateway = gateway;
    }

    public NpgsqlDataSource Db { get; }

    public GatewayFactory Gateway { get; }

    public static async Task<PushFixture> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var connectionString = await (await PostgresCluster.SharedAsync()).CreateMigratedDatabaseAsync("push");
        var settings = new Dictionary<string, string>
        {
            ["Regions:54:Name"] = "Новосибирская область",
            ["Regions:54:TimeZone"] = "Asia/Novosibirsk",
            ["Regions:11:Name"] = "Республика Коми",
            ["Regions:11:TimeZone"] = "Europe/Moscow",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return new PushFixture(NpgsqlDataSource.Create(connectionString), new GatewayFactory(connectionString, settings));
    }

    public async Task<VendorExchange.VendorExchangeClient> ClientAsync(string clientId = "vendor-54") =>
        new(await Gateway.ChannelAsync(clientId));

    /// <summary>A System.ServiceModel client of the SOAP endpoint, with the client's bearer token.</summary>
    public async Task<IJournalExchange> SoapClientAsync(string clientId = "vendor-54")
    {
        var factory = new ChannelFactory<IJournalExchange>(
            new BasicHttpBinding { MaxReceivedMessageSize = 16 * 1024 * 1024 },
            new EndpointAddress(new Uri(Gateway.Server.BaseAddress, "soap/exchange")));
        factory.Endpoint.EndpointBehaviors.Add(new InMemoryTransport(Gateway.Server.CreateHandler(), await Gateway.TokenAsync(clientId)));
        return factory.CreateChannel();
    }

    /// <summary>Sends a batch as vendors do: the header, then the records in chunks.</summary>
    public static Task<PushReply> PushAsync(VendorExchange.VendorExchangeClient client, BatchHeader header, params RecordChunk[] chunks) =>
        client.PushBatchAsync(header, chunks, DateTime.UtcNow.AddMinutes(2));

    public static BatchHeader Header(string key, string region = "54", bool completeRoster = false) => new()
    {
        IdempotencyKey = key,
        RegionCode = region,
        CompleteRoster = completeRoster,
        School = new School
        {
            SourceId = SchoolId,
            Inn = Identifiers.Inn(region, 77),
            FullName = "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 77»",
            ShortName = "Школа № 77",
            Oktmo = "50701000001",
            Municipality = "город Новосибирск",
        },
    };

    public const string KomiSchool = "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 77» г. Сыктывкара";

    public const string KomiShortName = "МБОУ «СОШ № 77» г. Сыктывкара";

    /// <summary>A header of region 11's school № 77 (its own INN, OKTMO and names), as a Komi vendor pushes it.</summary>
    public static BatchHeader KomiHeader(string key)
    {
        var header = Header(key, region: "11");
        header.School.FullName = KomiSchool;
        header.School.ShortName = KomiShortName;
        header.School.Oktmo = "87701000001";
        header.School.Municipality = "город Сыктывкар";
        return header;
    }

    /// <summary>Two classes of three students each (a Komi name among them), a teacher, lessons on 6–7 November 2023, two marks per lesson.</summary>
    /// <param name="snilsSerial">The first student's SNILS serial: schools pushed side by side take their own people.</param>
    public static RecordChunk SampleSchool(int snilsSerial = 7_000_100)
    {
        var chunk = new RecordChunk();
        chunk.Classes.Add(new SchoolClass { SourceId = "c-9a", Name = "9А", AcademicYear = "2023/2024" });
        chunk.Classes.Add(new SchoolClass { SourceId = "c-9b", Name = "9 «Б»", AcademicYear = "2023/2024" });
        chunk.Teachers.Add(new Teacher { Person = new Person { SourceId = "t-1", LastName = "Попова", FirstName = "Анна", MiddleName = "Ивановна", Snils = Identifiers.Snils(7_000_001) }, Subjects = { "Алгебра" } });
        for (var i = 0; i < 6; i++)
        {
            var student = new Student
            {
                Person = new Person
                {
                    SourceId = $"s-{i}",
                    LastName = i == 0 ? "Ӧньӧ" : $"Иванов{i}",
                    FirstName = i == 0 ? "Іван" : "Пётр",
                    BirthDate = "2009-03-1" + i,
                    Gender = "M",
                    Snils = Identifiers.DashedSnils(Identifiers.Snils(snilsSerial + i)),
                },
                ClassSourceId = i < 3 ? "c-9a" : "c-9b",
            };
            student.Guardians.Add(new Guardian { Person = new Person { SourceId = $"p-{i}", LastName = "Иванова", FirstName = "Мария" }, Relation = "мать" });
            chunk.Students.Add(student);
        }

        foreach (var (day, classId) in new[] { ("2023-11-06", "c-9a"), ("2023-11-07", "c-9a"), ("2023-11-06", "c-9b") })
        {
            chunk.Lessons.Add(new Lesson
            {
                ClassSourceId = classId,
                Date = day,
                Number = 1,
                Start = "08:30",
                End = "09:15",
                Subject = "Алгебра",
                Room = "214",
                TeacherSourceId = "t-1",
                Topic = "Квадратные уравнения",
                Homework = { new Homework { SourceKey = $"hw-{classId}-{day}", Text = "№ 245, 247" } },
            });
            foreach (var student in chunk.Students.Where(s => s.ClassSourceId == classId).Take(2))
            {
                chunk.Marks.Add(Mark($"m-{student.Person.SourceId}-{day}", student.Person.SourceId, classId, day, "5"));
            }
        }

        chunk.Attendance.Add(new Attendance { StudentSourceId = "s-2", ClassSourceId = "c-9a", LessonDate = "2023-11-06", LessonNumber = 1, Code = "н" });
        return chunk;
    }

    public static Mark Mark(string id, string student, string classId, string day, string value) => new()
    {
        SourceId = id,
        StudentSourceId = student,
        ClassSourceId = classId,
        LessonDate = day,
        LessonNumber = 1,
        Subject = "Алгебра",
        Value = value,
        Date = day,
        Weight = 1,
    };

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Db.DisposeAsync();
    }
}
