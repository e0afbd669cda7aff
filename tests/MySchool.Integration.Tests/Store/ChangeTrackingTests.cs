using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

/// <summary>MODEL.md: every row carries a change_version from one global sequence; deletions leave tombstones.</summary>
public class ChangeTrackingTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    private NpgsqlDataSource Db => database.DataSource;

    [Fact]
    public async Task ChangeVersion_NewRows_TakeIncreasingVersionsFromOneSequence()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var first = await Db.InsertClassAsync(gradeLevel, "А");
        var second = await Db.InsertClassAsync(gradeLevel, "Б");

        var gradeVersion = await Db.ScalarAsync<long>("SELECT change_version FROM grade_level WHERE id = $1", gradeLevel);
        var firstVersion = await Db.ScalarAsync<long>("SELECT change_version FROM class WHERE id = $1", first);
        var secondVersion = await Db.ScalarAsync<long>("SELECT change_version FROM class WHERE id = $1", second);

        Assert.True(gradeVersion > 0);
        Assert.True(firstVersion > gradeVersion);
        Assert.True(secondVersion > firstVersion);
    }

    [Fact]
    public async Task ChangeVersion_UpdateThatChangesNothing_KeepsTheVersion()
    {
        var person = await Db.InsertPersonAsync("Иванов", "Иван");
        var before = await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person);

        await Db.ExecuteAsync("UPDATE person SET last_name = last_name, first_name = 'Иван' WHERE id = $1", person);

        Assert.Equal(before, await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person));
    }

    [Fact]
    public async Task ChangeVersion_RealChangeOutsideTheWriters_WhichDoNotSetIt_StillTakesANewVersion()
    {
        var person = await Db.InsertPersonAsync("Попов", "Павел");
        var before = await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person);

        await Db.ExecuteAsync("UPDATE person SET first_name = 'Пётр' WHERE id = $1", person);

        Assert.True(await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person) > before);
    }

    [Fact]
    public async Task ChangeVersion_RealChange_TakesANewVersion_EvenWhenTheWriterSetsAnOldOne()
    {
        var person = await Db.InsertPersonAsync("Петров", "Пётр");
        var before = await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person);

        await Db.ExecuteAsync("UPDATE person SET middle_name = 'Петрович', change_version = 1 WHERE id = $1", person);

        Assert.True(await Db.ScalarAsync<long>("SELECT change_version FROM person WHERE id = $1", person) > before);
    }

    [Fact]
    public async Task Tombstone_DeletedRow_LeavesItsIdNaturalKeyAndANewerVersion()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var doomed = await Db.InsertClassAsync(gradeLevel, "В");
        var classVersion = await Db.ScalarAsync<long>("SELECT change_version FROM class WHERE id = $1", doomed);

        await Db.ExecuteAsync("DELETE FROM class WHERE id = $1", doomed);

        var naturalKey = await Db.ScalarAsync<string>(
            "SELECT natural_key::text FROM tombstone WHERE kind = 'class' AND federal_id = $1", doomed);
        var tombstoneVersion = await Db.ScalarAsync<long>("SELECT change_version FROM tombstone WHERE federal_id = $1", doomed);
        Assert.Equal($$"""{"letter": "В", "grade_level_id": "{{gradeLevel}}"}""", naturalKey);
        Assert.True(tombstoneVersion > classVersion);
    }

    [Fact]
    public async Task Tombstone_CascadedDelete_LeavesATombstoneForEveryDependentRow()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var doomed = await Db.InsertClassAsync(gradeLevel, "Г");
        var student = await Db.InsertPersonAsync("Сидоров", "Олег");
        await Db.ExecuteAsync("INSERT INTO enrollment (student_id, class_id, starts_on) VALUES ($1, $2, '2023-09-01')", student, doomed);

        await Db.ExecuteAsync("DELETE FROM class WHERE id = $1", doomed);

        Assert.Equal(1L, await Db.ScalarAsync<long>(
            "SELECT count(*) FROM tombstone WHERE kind = 'enrollment' AND natural_key ->> 'student_id' = $1", student.ToString()));
    }
}
