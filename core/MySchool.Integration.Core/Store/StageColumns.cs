using Npgsql;
using NpgsqlTypes;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// A stage table's columns, each its SQL definition and how a row's value is read for the binary COPY. Values are
/// written typed: a row is never an array of boxed values, which cost a million-mark push several allocations a mark.
/// </summary>
internal sealed class StageColumns<T>
{
    private readonly List<string> _definitions = [];
    private readonly List<Func<NpgsqlBinaryImporter, T, CancellationToken, Task>> _writers = [];

    /// <summary>The columns as <c>CREATE TABLE</c> lists them.</summary>
    public string Definition => string.Join(", ", _definitions);

    /// <param name="definition">The column's name and SQL type, e.g. <c>student_id uuid</c>.</param>
    /// <param name="value">The row's value; null is written as SQL NULL.</param>
    public StageColumns<T> Add<TValue>(string definition, Func<T, TValue> value)
    {
        var type = TypeOf(definition);
        _definitions.Add(definition);
        _writers.Add((importer, row, cancellationToken) => value(row) is { } present
            ? importer.WriteAsync(present, type, cancellationToken)
            : importer.WriteNullAsync(cancellationToken));
        return this;
    }

    public async Task WriteRowAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        foreach (var write in _writers)
        {
            await write(importer, row, cancellationToken);
        }
    }

    private static NpgsqlDbType TypeOf(string definition) => definition[(definition.IndexOf(' ', StringComparison.Ordinal) + 1)..] switch
    {
        "uuid" => NpgsqlDbType.Uuid,
        "text" => NpgsqlDbType.Text,
        "text[]" => NpgsqlDbType.Array | NpgsqlDbType.Text,
        "date" => NpgsqlDbType.Date,
        "smallint" => NpgsqlDbType.Smallint,
        "numeric" => NpgsqlDbType.Numeric,
        "boolean" => NpgsqlDbType.Boolean,
        "timestamptz" => NpgsqlDbType.TimestampTz,
        "jsonb" => NpgsqlDbType.Jsonb,
        var type when type.StartsWith("char(", StringComparison.Ordinal) => NpgsqlDbType.Char,
        var type => throw new ArgumentException($"No COPY type is known for the stage column type {type}.", nameof(definition)),
    };
}
