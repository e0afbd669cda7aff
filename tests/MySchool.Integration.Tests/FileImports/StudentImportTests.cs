using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>A students file applied as a push per school: the rules, quarantine and idempotency of pushes, each refusal led back to its row.</summary>
public sealed class StudentImportTests
{
    [Fact]
    public async Task AStudentsFile_IsAPushPerSchool_ItsBadRowsAreQuarantinedOrRefusedByRow_AndTheSameFileAgainIsAnswered()
    {
        await using var push = await PushFixture.StartAsync();
        var school = RegistrySchool.Of(78);
        var inn = school.Inn;
        var snils = Identifiers.DashedSnils(Identifiers.Snils(7_801));
        var file = string.Join("\r\n",
            "ИНН школы;Класс;Фамилия;Имя;Отчество;Дата рождения;Пол;СНИЛС",
            $"{inn};5А;Ӧньӧ;Іван;;06.07.2015;м;{snils}",
            $"{inn};5 «А»;Попов;Пётр;Ильич;10.10.2015;м;",
            $"{inn};5Б;Сидорова;;;01.09.2015;ж;",
            $"{inn};5А;Ӧньӧ;Іван;;06.07.2015;м;{snils}",
            "5400000000;5А;Ким;Олег;;01.01.2015;м;",
            $"{inn};5Б;Ёлкина;Мария;;31.02.2015;ж;");
        IEnumerable<ImportRow> Rows() => ImportFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(file)), ImportTemplate.Students, 1 << 20);

        RegisteredSchool? Registered(string found) => found == inn ? new RegisteredSchool(Guid.NewGuid(), school) : null;
        var census = RosterImport.Census(ImportTemplate.Students, Rows(), Registered, ImportScope.Region);
        var plan = RosterImport.Plan(ImportTemplate.Students, new StudentRows("2026/2027"), census, Rows, Registered, ImportScope.Region, complete: false, fileKey: "file-1");

        var batch = Assert.Single(plan.Batches.ToList());
        Assert.Equal([(5, "import.duplicate"), (6, "import.school")], plan.Refused.Select(r => (r.Row, r.Code)));
        var ingest = push.Gateway.Services.GetRequiredService<PushIngest>();
        var region = push.Gateway.Services.GetRequiredService<RegionCatalog>().Find("54")!;
        var client = new PushClient("esia:1000000154", "import:54");
        var outcome = await ingest.ApplyAsync(client, region, batch, CancellationToken.None);

        // The row without a first name and the impossible birth date are quarantined, each led back to its row.
        var refusedRows = outcome.Rejected.Select(r => (plan.RowOf[(inn, r.Kind, r.SourceId!)], r.ReasonCode)).OrderBy(r => r.Item1).ToList();
        Assert.Equal(4, refusedRows[0].Item1);
        Assert.Equal("import.required", refusedRows[0].ReasonCode);
        Assert.Equal(7, refusedRows[1].Item1);
        Assert.Equal(2, refusedRows.Count);
        Assert.Equal(2L, await push.Db.ScalarAsync<long>(
            "SELECT count(*) FROM quarantine WHERE source_system = 'import:54' AND resolved_at IS NULL"));
        // Both spellings of 5 А are one class; the names are stored exactly as typed.
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("""
            SELECT count(*) FROM enrollment e JOIN class c ON c.id = e.class_id JOIN person p ON p.id = e.student_id
            WHERE c.grade = 5 AND c.letter = 'А' AND p.last_name IN ('Ӧньӧ', 'Попов') AND e.ends_on IS NULL
            """));
        Assert.Equal("Іван", await push.Db.ScalarAsync<string>("SELECT first_name FROM person WHERE last_name = 'Ӧньӧ'"));

        var again = await ingest.ApplyAsync(client, region, batch, CancellationToken.None);
        Assert.True(again.Duplicate);
    }

    [Fact]
    public void ASchoolsBatch_IsMadeAsSoonAsItsLastRowIsRead_SoTheFileIsNeverHeldWhole()
    {
        var (first, second) = (RegistrySchool.Of(1), RegistrySchool.Of(2));
        var lines = new[] { first, first, second, second }.Select((s, i) => new ImportRow(i + 2, [s.Inn, "5А", $"Ученик{i}", "Иван", null, "01.01.2015", "м", null])).ToList();
        var read = 0;
        IEnumerable<ImportRow> Rows()
        {
            read = 0;
            foreach (var line in lines)
            {
                read++;
                yield return line;
            }
        }

        RegisteredSchool? Registered(string inn) => new[] { first, second }.FirstOrDefault(s => s.Inn == inn) is { } s ? new RegisteredSchool(Guid.NewGuid(), s) : null;
        var census = RosterImport.Census(ImportTemplate.Students, Rows(), Registered, ImportScope.Region);
        var plan = RosterImport.Plan(ImportTemplate.Students, new StudentRows("2026/2027"), census, Rows, Registered, ImportScope.Region, complete: true, fileKey: "f");

        Assert.Equal([first.Inn, second.Inn], plan.Schools.Select(s => s.Inn));
        using var batches = plan.Batches.GetEnumerator();
        Assert.True(batches.MoveNext());
        Assert.Equal((first.Inn, 2, 2), (batches.Current.School.Inn, batches.Current.Students.Count, read));
        Assert.Equal(RosterParts.Enrollments, batches.Current.Complete);
        Assert.True(batches.MoveNext());
        Assert.Equal((second.Inn, 4), (batches.Current.School.Inn, read));
        Assert.False(batches.MoveNext());
    }

    [Fact]
    public async Task OverTheApi_ACheckWritesNothing_ApplyWritesWhatItCounted_TheSameFileAgainIsAlreadyApplied_AndARefusedFileIsAProblem()
    {
        await using var push = await PushFixture.StartAsync();
        var inn = await RegistrySchool.AddAsync(push.Gateway.Services, 79);
        using var client = await push.Gateway.CreateClientAsync("operator-54");
        var students = ImportPost.Csv(ImportTemplate.Students,
            $"{inn};7В;Ӧньӧ;Іван;;06.07.2013;м;",
            $"{inn};7В;Попова;Анна;;10.10.2013;ж;",
            $"{inn};7В;Сидоров;;;01.09.2013;м;");
        Task<System.Text.Json.Nodes.JsonObject> ApplyAsync() => client.PostAsync("/api/imports/54/students?apply=true", students);

        var check = await client.PostAsync("/api/imports/54/students", students);
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name IN ('Ӧньӧ', 'Попова')"));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM quarantine"));
        var applied = await ApplyAsync();

        var (checkedSchool, appliedSchool) = (check["schools"]![0]!, applied["schools"]![0]!);
        Assert.Equal((false, true), (check["applied"]!.GetValue<bool>(), applied["applied"]!.GetValue<bool>()));
        Assert.Equal(3, check["rows"]!.GetValue<int>());
        Assert.True(checkedSchool["added"]!.GetValue<long>() > 0);
        Assert.Equal(checkedSchool["added"]!.GetValue<long>(), appliedSchool["added"]!.GetValue<long>());
        Assert.Equal(4, appliedSchool["refused"]![0]!["row"]!.GetValue<int>());
        Assert.Equal("import.required", appliedSchool["refused"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name IN ('Ӧньӧ', 'Попова')"));
        Assert.Equal("reconcile", await push.Db.ScalarAsync<string>("SELECT mode FROM sync_run WHERE id = $1", check["runId"]!.GetValue<long>()));
        Assert.True((await ApplyAsync())["schools"]![0]!["alreadyApplied"]!.GetValue<bool>());

        var wrong = await client.PostAsync("/api/imports/54/students", ImportPost.Csv(ImportTemplate.Parents), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("import.template", wrong["code"]!.GetValue<string>());
        Assert.Equal("import.forbidden", (await client.PostAsync("/api/imports/11/students", students, HttpStatusCode.Forbidden))["code"]!.GetValue<string>());
        // The check and both applications are audited; the refused file and the foreign region changed nothing.
        Assert.Equal(3L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM audit_event WHERE action IN ('import.check', 'import.apply') AND actor = 'operator-54'"));
    }
}
