using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Push;
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
        var inn = Identifiers.Inn("54", 78);
        var school = new SourceSchool(inn, inn, "МБОУ «Средняя школа № 78»", "Школа № 78", "50701000001", "город Новосибирск");
        var snils = Identifiers.DashedSnils(Identifiers.Snils(7_801));
        var file = string.Join("\r\n",
            "ИНН школы;Класс;Фамилия;Имя;Отчество;Дата рождения;Пол;СНИЛС",
            $"{inn};5А;Ӧньӧ;Іван;;06.07.2015;м;{snils}",
            $"{inn};5 «А»;Попов;Пётр;Ильич;10.10.2015;м;",
            $"{inn};5Б;Сидорова;;;01.09.2015;ж;",
            $"{inn};5А;Ӧньӧ;Іван;;06.07.2015;м;{snils}",
            "5400000000;5А;Ким;Олег;;01.01.2015;м;",
            $"{inn};5Б;Ёлкина;Мария;;31.02.2015;ж;");
        var rows = ImportFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(file)), ImportTemplate.Students, 1 << 20);

        var plan = StudentImport.Plan(rows, found => found == inn ? school : null, "2026/2027", completeRoster: false, fileKey: "file-1");

        Assert.Equal([(5, "import.duplicate"), (6, "import.school")], plan.Refused.Select(r => (r.Row, r.Code)));
        var batch = Assert.Single(plan.Batches);
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
}
