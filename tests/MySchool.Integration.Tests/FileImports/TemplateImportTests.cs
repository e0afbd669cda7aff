using Microsoft.Extensions.DependencyInjection;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.FileImports;
using MySchool.Integration.Mocks.Synthetic;
using MySchool.Integration.Tests.Exchange;
using MySchool.Integration.Tests.Infrastructure;
using static MySchool.Integration.Tests.FileImports.ImportPost;

namespace MySchool.Integration.Tests.FileImports;

/// <summary>
/// The schools, classes, parents and staff templates through the API: each row lands where it belongs or is refused
/// by number, a file is one run of the region, and a file marked complete ends only its own part of the roster.
/// </summary>
public sealed class TemplateImportTests
{
    [Fact]
    public async Task ASchoolsFile_RegistersSchoolsAndTheirBranches_AsOneRun_AndRefusesByRowWhatItMayNotTake()
    {
        await using var push = await PushFixture.StartAsync();
        // A school of region 11: a file of region 54 naming its INN must not move it.
        var foreign = RegistrySchool.Of(5) with { SourceId = "k-5", Inn = Identifiers.Inn("11", 5) };
        var komi = push.Gateway.Services.GetRequiredService<RegionCatalog>().Find("11")!;
        await push.Gateway.Services.GetRequiredService<PushIngest>().ApplyAsync(new PushClient("vendor-11", "vendor-11"), komi,
            new PushBatch("k-5", foreign, RosterParts.None, [], [], [], [], [], [], []), CancellationToken.None);
        var (head, other) = (Identifiers.Inn("54", 31), Identifiers.Inn("54", 32));
        var file = Csv(ImportTemplate.Schools,
            $"МБОУ «Средняя школа № 31»;Школа № 31;{head};;50701000001;город Новосибирск;",
            $"Филиал МБОУ «Средняя школа № 31» в с. Ивановка;;{head};540145001;50701000001;город Новосибирск;540101001",
            $"МБОУ «Гимназия № 32»;;{other};;50701000;город Новосибирск;",
            $"МБОУ «Школа № 5»;;{foreign.Inn};;50701000001;город Новосибирск;",
            ";;5400000001;;50701000001;город Новосибирск;",
            $"МБОУ «Школа без ИНН»;;1234567890;;50701000001;город Новосибирск;",
            $"Филиал гимназии;;{other};;50701000;город Новосибирск;540101001",
            $"МБОУ «Средняя школа № 31»;Школа № 31;{head};;50701000001;город Новосибирск;");
        using var client = await push.Gateway.CreateClientAsync("operator-54");

        var check = await client.PostAsync("/api/imports/54/schools", file);
        // The check writes each school in one transaction, so the branch finds its head school, and rolls all back.
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school WHERE inn IN ($1, $2)", head, other));
        var applied = await client.PostAsync("/api/imports/54/schools?apply=true", file);

        Assert.Equal(Problems(check), Problems(applied));
        Assert.Equal([(5, "registry.conflict"), (6, "import.required"), (7, "school.inn"), (8, "import.required"), (9, "import.duplicate")], Problems(applied));
        Assert.Equal(3L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM school WHERE inn IN ($1, $2)", head, other));
        Assert.Equal("МБОУ «Средняя школа № 31»", await push.Db.ScalarAsync<string>("""
            SELECT h.full_name FROM school b JOIN school h ON h.id = b.parent_school_id WHERE b.inn = $1 AND b.kpp = '540145001'
            """, head));
        Assert.Equal("11", await push.Db.ScalarAsync<string>("""
            SELECT r.code FROM school s JOIN municipality m ON m.id = s.municipality_id JOIN region r ON r.id = m.region_id WHERE s.inn = $1
            """, foreign.Inn));
        // One run of the region per file: its schools are its progress.
        var run = applied["runId"]!.GetValue<long>();
        Assert.Equal("54 push succeeded 5", await push.Db.ScalarAsync<string>(
            "SELECT concat_ws(' ', scope, mode, status, schools_total) FROM sync_run WHERE id = $1", run));
        Assert.Equal("reconcile", await push.Db.ScalarAsync<string>("SELECT mode FROM sync_run WHERE id = $1", check["runId"]!.GetValue<long>()));
    }

    [Fact]
    public async Task ClassesStaffAndParents_LandInTheirSchool_AndACompleteFileEndsOnlyItsOwnPart()
    {
        await using var push = await PushFixture.StartAsync();
        var inn = await RegistrySchool.AddAsync(push.Gateway.Services, 80);
        var (ann, boris, mother, teacher, head) = (Identifiers.DashedSnils(Identifiers.Snils(8_001)), Identifiers.Snils(8_002), Identifiers.Snils(8_003),
            Identifiers.Snils(8_004), Identifiers.Snils(8_005));
        using var client = await push.Gateway.CreateClientAsync("operator-54");
        var year = DateTime.Today.Month >= 9 ? DateTime.Today.Year : DateTime.Today.Year - 1;

        var classes = await client.PostAsync("/api/imports/54/classes?apply=true", Csv(ImportTemplate.Classes,
            $"{inn};6;Б;{year}/{year + 1}",
            $"{inn};13;А;{year}/{year + 1}"));
        var students = Csv(ImportTemplate.Students,
            $"{inn};6Б;Ӧньӧ;Анна;;06.07.2014;ж;{ann}",
            $"{inn};6Б;Попов;Борис;;10.10.2014;м;{boris}");
        await client.PostAsync("/api/imports/54/students?apply=true", students);
        var staff = await client.PostAsync("/api/imports/54/staff?apply=true&complete=true", Csv(ImportTemplate.Staff,
            $"{inn};Кузнецова;Мария;Ивановна;{teacher};m.k@school.example;педагог;\"Математика; Физика\"",
            $"{inn};Смирнов;Олег;;{head};;педагог и администратор;История",
            $"{inn};Орлов;Пётр;;{Identifiers.Snils(8_006)};;директор;"));
        var parents = await client.PostAsync("/api/imports/54/parents?apply=true", Csv(ImportTemplate.Parents,
            $"{inn};{ann};Ӧньӧ;Ольга;;;{mother};мать",
            $"{inn};{ann};Ӧньӧ;Иван;;01.01.1980;;отец",
            $"{inn};{Identifiers.Snils(8_099)};Иванова;Нина;;;;мать"));

        Assert.Equal([(3, "class.grade")], Problems(classes));
        Assert.Equal([(4, "staff.role")], Problems(staff));
        Assert.Equal([(4, "import.child")], Problems(parents));
        Assert.Equal(1L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM class c JOIN school s ON s.id = c.school_id WHERE s.inn = $1 AND c.grade = 6 AND c.letter = 'Б'", inn));
        Assert.Equal("admin,teacher,teacher", await StaffRolesAsync(push, inn));
        Assert.Equal(["Математика", "Физика"], await push.Db.ScalarAsync<string[]>("SELECT subjects FROM staff st JOIN person p ON p.id = st.person_id WHERE p.snils = $1", teacher));
        Assert.Equal("мать,отец", await push.Db.ScalarAsync<string>("""
            SELECT string_agg(g.relation, ',' ORDER BY g.relation) FROM guardianship g JOIN person c ON c.id = g.student_id WHERE c.first_name = 'Анна'
            """));

        // A complete students file says nothing of staff or guardians: both stay. A complete staff file ends its absentees only.
        await client.PostAsync("/api/imports/54/students?apply=true&complete=true", students);
        Assert.Equal("admin,teacher,teacher", await StaffRolesAsync(push, inn));
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM guardianship"));
        await client.PostAsync("/api/imports/54/staff?apply=true&complete=true", Csv(ImportTemplate.Staff,
            $"{inn};Кузнецова;Мария;Ивановна;{teacher};m.k@school.example;педагог;\"Математика; Физика\""));
        Assert.Equal("teacher", await StaffRolesAsync(push, inn));
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));

        // A complete students file that would end half the school's enrollments is held by the safety brake, as any source's.
        var half = await client.PostAsync("/api/imports/54/students?apply=true&complete=true", Csv(ImportTemplate.Students, $"{inn};6Б;Ӧньӧ;Анна;;06.07.2014;ж;{ann}"));
        Assert.Equal("held", await push.Db.ScalarAsync<string>("SELECT status FROM sync_run WHERE id = $1", half["runId"]!.GetValue<long>()));
        Assert.Equal(2L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE ends_on IS NULL"));
    }

    [Fact]
    public async Task AMunicipalCoordinatorOrASchoolAdministrator_LoadsRowsOfTheirOwnSchoolsOnly_AndNoOneElseLoadsTheRegion()
    {
        await using var push = await PushFixture.StartAsync();
        var (city, district) = (await RegistrySchool.AddAsync(push.Gateway.Services, 81), await RegistrySchool.AddAsync(push.Gateway.Services, 82));
        // The second school lies in a municipality of its own, the one the municipal coordinator runs.
        var municipality = await push.Db.ScalarAsync<Guid>("""
            INSERT INTO municipality (region_id, oktmo, name) SELECT m.region_id, '50719000', 'Искитимский район' FROM municipality m JOIN school s ON s.municipality_id = m.id WHERE s.inn = $1 RETURNING id
            """, district);
        await push.Db.ExecuteAsync("UPDATE school SET municipality_id = $1, oktmo = '50719000001' WHERE inn = $2", municipality, district);
        var districtSchool = await push.Db.ScalarAsync<Guid>("SELECT id FROM school WHERE inn = $1", district);
        var import = push.Gateway.Services.GetRequiredService<FileImport>();
        var region = push.Gateway.Services.GetRequiredService<RegionCatalog>().Find("54")!;
        static ClientAccess Appointee(string id) => new(id, id, new HashSet<string>(), new HashSet<string>());
        var municipal = Appointee("esia:201") with { Municipalities = new HashSet<Guid> { municipality } };
        var schoolAdmin = Appointee("esia:301") with { Schools = new HashSet<Guid> { districtSchool } };
        Task<ImportOutcome> LoadAsync(ClientAccess who, ImportTemplate template, params string[] rows) =>
            import.RunAsync(who, region, template, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Csv(template, rows))), apply: true, completeRoster: false, CancellationToken.None);
        var staff = new[] { $"{city};Кузнецова;Мария;;{Identifiers.Snils(8_101)};;педагог;", $"{district};Смирнов;Олег;;{Identifiers.Snils(8_102)};;педагог;" };

        var byMunicipal = await LoadAsync(municipal, ImportTemplate.Schools,
            $"МБОУ «Ооошская школа»;;{Identifiers.Inn("54", 83)};;50719000016;Искитимский район;",
            $"МБОУ «Городская школа»;;{Identifiers.Inn("54", 84)};;50701000001;город Новосибирск;",
            $"Школа, перенесённая в район;;{city};;50719000001;Искитимский район;");
        var staffByMunicipal = await LoadAsync(municipal, ImportTemplate.Staff, staff);
        var staffByAdmin = await LoadAsync(schoolAdmin, ImportTemplate.Staff, staff);

        Assert.Equal([(3, "import.scope"), (4, "import.scope")], byMunicipal.Refused.Select(r => (r.Row, r.Code)));
        Assert.Equal([Identifiers.Inn("54", 83)], byMunicipal.Schools.Select(s => s.Inn));
        Assert.Equal("город Новосибирск", await push.Db.ScalarAsync<string>("SELECT m.name FROM school s JOIN municipality m ON m.id = s.municipality_id WHERE s.inn = $1", city));
        Assert.Equal([(2, "import.scope")], staffByMunicipal.Refused.Select(r => (r.Row, r.Code)));
        Assert.Equal([(2, "import.scope")], staffByAdmin.Refused.Select(r => (r.Row, r.Code)));
        Assert.Equal(0L, await push.Db.ScalarAsync<long>("SELECT count(*) FROM staff st JOIN school s ON s.id = st.school_id WHERE s.inn = $1", city));
        // A school's administrator does not load the registry of schools; an operator with nothing in the region loads nothing.
        Assert.Equal(FileImport.Forbidden, (await Assert.ThrowsAsync<ImportFileException>(() => LoadAsync(schoolAdmin, ImportTemplate.Schools))).Code);
        Assert.Equal(FileImport.Forbidden, (await Assert.ThrowsAsync<ImportFileException>(() => LoadAsync(Appointee("esia:401"), ImportTemplate.Staff, staff))).Code);
    }

    private static Task<string> StaffRolesAsync(PushFixture push, string inn) => push.Db.ScalarAsync<string>(
        "SELECT string_agg(st.role, ',' ORDER BY st.role) FROM staff st JOIN school s ON s.id = st.school_id WHERE s.inn = $1", inn);
}
