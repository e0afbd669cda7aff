using MySchool.Integration.Core.Rules;
using MySchool.Integration.Tests.Infrastructure;
using Npgsql;

namespace MySchool.Integration.Tests.Store;

/// <summary>The federal model's constraints: what the database itself refuses, whoever writes.</summary>
public class ModelGuaranteesTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    private NpgsqlDataSource Db => database.DataSource;

    [Theory]
    [InlineData("Мӧдлапӧв", "Іван")]
    [InlineData("Mödlapöv", "Ёлка")]
    [InlineData("Пипунырова", "Ма\u043E\u0308ша")]
    public async Task Names_KomiAndRussianLetters_RoundTripByteExactly(string lastName, string firstName)
    {
        var stored = PersonNames.Normalize(firstName)!;
        var person = await Db.InsertPersonAsync(lastName, stored);

        var readLast = await Db.ScalarAsync<string>("SELECT last_name FROM person WHERE id = $1", person);
        var readFirst = await Db.ScalarAsync<string>("SELECT first_name FROM person WHERE id = $1", person);

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(lastName), System.Text.Encoding.UTF8.GetBytes(readLast));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(stored), System.Text.Encoding.UTF8.GetBytes(readFirst));
    }

    [Fact]
    public async Task Person_SameSnilsTwice_IsRefused_OnePersonAcrossSystems()
    {
        var snils = Snils.Parse("136-571-200 49").Require().Canonical;
        await Db.InsertPersonAsync("Иванова", "Мария", snils);

        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => Db.InsertPersonAsync("Иванова", "Мария", snils));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
    }

    [Fact]
    public async Task Person_WithoutSnils_IsAllowedManyTimes()
    {
        await Db.InsertPersonAsync("Без", "Снилса");
        await Db.InsertPersonAsync("Без", "Снилса");

        Assert.Equal(2L, await Db.ScalarAsync<long>("SELECT count(*) FROM person WHERE last_name = 'Без' AND snils IS NULL"));
    }

    [Fact]
    public async Task Enrollment_SecondOpenEnrollment_IsRefused_ATransferClosesTheFirst()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var from = await Db.InsertClassAsync(gradeLevel, "А");
        var to = await Db.InsertClassAsync(gradeLevel, "Б");
        var student = await Db.InsertPersonAsync("Переводов", "Саша");
        await Db.ExecuteAsync("INSERT INTO enrollment (student_id, class_id, starts_on) VALUES ($1, $2, '2023-09-01')", student, from);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            Db.ExecuteAsync("INSERT INTO enrollment (student_id, class_id, starts_on) VALUES ($1, $2, '2023-11-06')", student, to));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);

        await Db.ExecuteAsync("UPDATE enrollment SET ends_on = '2023-11-05' WHERE student_id = $1", student);
        await Db.ExecuteAsync("INSERT INTO enrollment (student_id, class_id, starts_on) VALUES ($1, $2, '2023-11-06')", student, to);
        Assert.Equal(2L, await Db.ScalarAsync<long>("SELECT count(*) FROM enrollment WHERE student_id = $1", student));
    }

    [Theory]
    [InlineData("6")]
    [InlineData("н")]
    [InlineData("")]
    public async Task Mark_CodeOutsideTheModel_IsRefusedByTheDatabase(string code)
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();
        var student = await Db.InsertPersonAsync("Отметкин", "Ваня");
        var subject = await Db.ScalarAsync<Guid>(
            "INSERT INTO subject (school_id, name, normalized_name) SELECT y.school_id, 'Алгебра', 'алгебра' FROM grade_level g JOIN academic_year y ON y.id = g.academic_year_id WHERE g.id = $1 RETURNING id",
            gradeLevel);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync(
            "INSERT INTO mark (student_id, subject_id, mark_date, code, counts, source_system, source_key) VALUES ($1, $2, '2023-11-06', $3, true, 'test', gen_random_uuid()::text)", student, subject, code));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }

    [Fact]
    public async Task Class_LetterMustBeOneCyrillicCapital_AsClassNameProduces()
    {
        var gradeLevel = await Db.InsertGradeLevelAsync();

        await Db.InsertClassAsync(gradeLevel, ClassName.Parse("9и").Require().Letter.ToString());
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Db.InsertClassAsync(gradeLevel, "и"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }
}
