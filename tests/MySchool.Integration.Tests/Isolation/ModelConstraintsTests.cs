using MySchool.Integration.Core.Rules;
using MySchool.Integration.Tests.Infrastructure;

namespace MySchool.Integration.Tests.Isolation;

/// <summary>
/// No rule of the federal model's tables is left for PostgreSQL alone to enforce: each constraint, unique index and
/// NOT NULL column read from the catalog has its rule in <see cref="ModelConstraints"/>, and nothing listed there is stale.
/// </summary>
public sealed class ModelConstraintsTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    // The model's tables are the ones with change versions; tombstones and the feed's view are the gateway's own.
    private const string ModelTables = """
        SELECT c.oid FROM pg_class c JOIN information_schema.columns i ON i.table_name = c.relname AND i.column_name = 'change_version'
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND c.relname <> 'tombstone'
        """;

    // References checked once a statement (0021) are named by every third argument of their triggers.
    private const string CheckedReferences = """
        SELECT a.name FROM pg_trigger t, unnest(string_to_array(encode(t.tgargs, 'escape'), '\000')) WITH ORDINALITY AS a(name, n)
        WHERE t.tgfoid = 'check_references'::regproc AND a.n % 3 = 0
        """;

    [Fact]
    public async Task EveryConstraintAndUniqueIndexOfTheModel_HasTheRuleThatChecksItFirst()
    {
        var names = await NamesAsync($"""
            SELECT conname FROM pg_constraint WHERE contype <> 'p' AND conrelid IN ({ModelTables})
            UNION
            SELECT i.indexrelid::regclass::text FROM pg_index i
            WHERE i.indisunique AND NOT i.indisprimary AND i.indrelid IN ({ModelTables})
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            UNION
            {CheckedReferences}
            """);

        Assert.Empty(names.Except(ModelConstraints.Checks.Keys));
        Assert.Empty(ModelConstraints.Checks.Keys.Except(names));
        Assert.All(ModelConstraints.Checks.Values, Named);
    }

    [Fact]
    public async Task EveryNotNullColumnOfTheModel_IsFilledUnderARule_OrByTheGateway()
    {
        var columns = await NamesAsync($"""
            SELECT a.attrelid::regclass::text || '.' || a.attname FROM pg_attribute a
            WHERE a.attnotnull AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT IN ('id', 'change_version') AND a.attrelid IN ({ModelTables})
            """);
        var listed = ModelConstraints.RequiredValues.Keys.Concat(ModelConstraints.GatewayColumns).ToList();

        Assert.Empty(columns.Except(listed));
        Assert.Empty(listed.Except(columns));
        Assert.All(ModelConstraints.RequiredValues.Values, Named);
    }

    /// <summary>A reason code (<c>kind.reason</c>) or one of the catalog's markers, never an empty promise.</summary>
    private static void Named(string rule) => Assert.Matches(@"^([a-z]+\.[a-z-]+|\(.+\))$", rule);

    private async Task<List<string>> NamesAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
