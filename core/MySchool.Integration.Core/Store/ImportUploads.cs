using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>An uploaded template file and what its last check or its application did (JSON, as the gateway reports it).</summary>
public sealed record ImportUpload(Guid Id, string RegionCode, string Template, string FileName, byte[] Content, bool CompleteRoster, string UploadedBy, DateTimeOffset UploadedAt, string? Outcome, DateTimeOffset? AppliedAt)
{
    /// <summary>The uploader's name as their session gave it, when it did.</summary>
    public string? UploaderName { get; init; }

    /// <summary>The run applying the file, from «Применить» until it records its outcome (and after).</summary>
    public long? ApplyRunId { get; init; }
}

/// <summary>An upload as a list shows it: no content.</summary>
public sealed record ImportUploadLine(Guid Id, string RegionCode, string Template, string FileName, string Uploader, DateTimeOffset UploadedAt, DateTimeOffset? AppliedAt);

/// <summary>How long an uploaded file is kept (<c>Imports:KeepDays</c>): it holds people's data.</summary>
public sealed record ImportRetention(TimeSpan Keep);

/// <summary>Files uploaded for import, in PostgreSQL so that the check and the application may reach different gateways.</summary>
public sealed class ImportUploads(NpgsqlDataSource dataSource, ImportRetention? retention = null)
{
    /// <summary>How long a file is kept after its upload: 30 days unless configured.</summary>
    public TimeSpan Keep => retention?.Keep ?? TimeSpan.FromDays(30);

    public async Task<Guid> SaveAsync(string regionCode, string template, string fileName, byte[] content, bool completeRoster, string uploadedBy, string? uploaderName, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, """
            INSERT INTO import_upload (region_code, template, file_name, content, complete_roster, uploaded_by, uploader_name) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, regionCode, template, fileName, content, completeRoster, uploadedBy, new NpgsqlParameter { Value = (object?)uploaderName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (Guid)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<ImportUpload?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await ListAsync(dataSource, """
            SELECT id, region_code, template, file_name, content, complete_roster, uploaded_by, uploaded_at, outcome::text, applied_at, uploader_name, apply_run_id
            FROM import_upload WHERE id = $1
            """, r => new ImportUpload(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<byte[]>(4), r.GetBoolean(5), r.GetString(6),
                r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9))
        { UploaderName = r.IsDBNull(10) ? null : r.GetString(10), ApplyRunId = r.IsDBNull(11) ? null : r.GetInt64(11) },
            cancellationToken, id)).SingleOrDefault();

    /// <summary>The latest uploads of <paramref name="uploadedBy"/> or into <paramref name="regions"/>, newest first.</summary>
    public Task<List<ImportUploadLine>> LatestAsync(string uploadedBy, IReadOnlyCollection<string> regions, int limit, CancellationToken cancellationToken) => ListAsync(dataSource, """
        SELECT id, region_code, template, file_name, coalesce(uploader_name, uploaded_by), uploaded_at, applied_at FROM import_upload
        WHERE uploaded_by = $1 OR region_code = ANY($2) ORDER BY uploaded_at DESC LIMIT $3
        """, r => new ImportUploadLine(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
            r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6)), cancellationToken, uploadedBy, regions.ToArray(), limit);

    /// <summary>Deletes the files uploaded more than <see cref="Keep"/> ago; how many went.</summary>
    public async Task<int> ForgetAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "DELETE FROM import_upload WHERE uploaded_at < now() - $1", Keep);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The file is being applied by <paramref name="runId"/>.</summary>
    public async Task ApplyingAsync(Guid id, long runId, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, "UPDATE import_upload SET apply_run_id = $2 WHERE id = $1", id, runId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Keeps what a check or the application did; an application marks the upload applied, once.</summary>
    public async Task RecordAsync(Guid id, string outcome, bool applied, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource,
            "UPDATE import_upload SET outcome = $2::jsonb, applied_at = CASE WHEN $3 THEN coalesce(applied_at, now()) ELSE applied_at END WHERE id = $1", id, outcome, applied);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
