using Npgsql;

namespace MySchool.Integration.Tests.Infrastructure;

/// <summary>Terse SQL for arranging and asserting rows in tests.</summary>
public static class Sql
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource dataSource, string sql, params object?[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(this NpgsqlDataSource dataSource, string sql, params object?[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static int _lastRegion = 100;

    /// <summary>
    /// A new region, municipality, school, 2023/2024 year and its 9th grade; answers the grade level's id.
    /// Each call takes its own region code and INN, so tests never collide on natural keys.
    /// </summary>
    public static Task<Guid> InsertGradeLevelAsync(this NpgsqlDataSource dataSource)
    {
        var region = Interlocked.Increment(ref _lastRegion);
        return dataSource.ScalarAsync<Guid>(
            """
            WITH r AS (INSERT INTO region (code, name, time_zone) VALUES ($1, 'Регион ' || $1, 'Asia/Novosibirsk') RETURNING id),
                 m AS (INSERT INTO municipality (region_id, oktmo, name) SELECT id, '50701000', 'г. Новосибирск' FROM r RETURNING id),
                 s AS (INSERT INTO school (municipality_id, inn, full_name, oktmo, time_zone)
                       SELECT id, $2, 'Муниципальное бюджетное общеобразовательное учреждение «Школа»', '50701000', 'Asia/Novosibirsk' FROM m RETURNING id),
                 y AS (INSERT INTO academic_year (school_id, name, starts_on, ends_on)
                       SELECT id, '2023/2024', '2023-09-01', '2024-05-31' FROM s RETURNING id)
            INSERT INTO grade_level (academic_year_id, grade) SELECT id, 9 FROM y RETURNING id
            """,
            region.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{region:D10}");
    }

    public static Task<Guid> InsertClassAsync(this NpgsqlDataSource dataSource, Guid gradeLevelId, string letter) =>
        dataSource.ScalarAsync<Guid>(
            """
            INSERT INTO class (school_id, grade_level_id, grade, letter)
            SELECT y.school_id, g.id, g.grade, $2 FROM grade_level g JOIN academic_year y ON y.id = g.academic_year_id WHERE g.id = $1
            RETURNING id
            """,
            gradeLevelId,
            letter);

    public static Task<Guid> InsertPersonAsync(this NpgsqlDataSource dataSource, string lastName, string firstName, string? snils = null) =>
        dataSource.ScalarAsync<Guid>(
            "INSERT INTO person (last_name, first_name, search_name, snils) VALUES ($1, $2, lower($1 || ' ' || $2), $3) RETURNING id",
            lastName,
            firstName,
            snils);
}
