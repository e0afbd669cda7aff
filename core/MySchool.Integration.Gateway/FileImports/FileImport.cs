using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Push;
using MySchool.Integration.Core.Store;
using MySchool.Integration.Core.Sync;
using MySchool.Integration.Gateway.Auth;

namespace MySchool.Integration.Gateway.FileImports;

/// <summary>A row's problem as the coordinator reads it: the row's number in the file, a code and a Russian reason.</summary>
public sealed record RowProblem(int Row, string Code, string Reason);

/// <summary>What a file did (or would do) to one school: the counts, and the rows its rules refused.</summary>
public sealed record SchoolOutcome(string Inn, string Name, bool AlreadyApplied, long Added, long Changed, long Ended, IReadOnlyList<RowProblem> Refused);

/// <summary>A file checked («Проверить») or applied («Применить») as one run: the rows refused before any school saw them, and each school's outcome.</summary>
public sealed record ImportOutcome(string Template, bool Applied, long RunId, int Rows, IReadOnlyList<RowProblem> Refused, IReadOnlyList<SchoolOutcome> Schools);

/// <summary>
/// A filled template into the federal model, as the source <c>import:&lt;region&gt;</c>: read and mapped onto a push per
/// school, then checked (written and rolled back: the counts are what would change) or applied, through the same
/// rules, ownership checks, quarantine and safety brake as any push. Audited either way.
/// </summary>
public sealed class FileImport(PushIngest ingest, SchoolRegistry registry, Appointments appointments, AuditLog audit, TimeProvider time, IConfiguration configuration)
{
    /// <summary>The code of a file the uploader may not load at all: answered 403, not 422.</summary>
    public const string Forbidden = "import.forbidden";

    /// <summary>The largest file taken (<c>Imports:MaxBytes</c>, 20 MB by default): a region's whole roster in XLSX is a few MB.</summary>
    public long MaxBytes => configuration.GetValue("Imports:MaxBytes", 20L * 1024 * 1024);

    /// <summary>
    /// Throws <see cref="ImportFileException"/> for a file refused as a whole (<c>import.forbidden</c> when nothing of
    /// the region, or not this template, is the uploader's); the stream must be seekable.
    /// </summary>
    /// <param name="queued">The run queued for an application beforehand (<see cref="QueueApplicationAsync"/>); otherwise a new one.</param>
    public async Task<ImportOutcome> RunAsync(ClientAccess access, RegionSource region, ImportTemplate template, Stream file, bool apply, bool completeRoster, CancellationToken cancellationToken,
        long? queued = null)
    {
        var scope = await ImportScope.OfAsync(access, region.Code, appointments, cancellationToken);
        if (Refusal(scope, region, template) is { } refusal)
        {
            throw refusal;
        }

        // The same file with the same choice is one push per school, applied once.
        var key = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken))[..32] + (completeRoster ? ":complete" : "");
        IEnumerable<ImportRow> Rows()
        {
            file.Position = 0;
            return ImportFileReader.Read(file, template, MaxBytes);
        }

        var source = FileSource(region).SourceSystem;
        var schools = await registry.HeadSchoolsAsync(region.Code, cancellationToken);
        ImportPlan plan;
        if (template == ImportTemplate.Schools)
        {
            plan = SchoolRows.Plan(Rows(), schools.GetValueOrDefault, scope, key);
        }
        else
        {
            var census = RosterImport.Census(template, Rows(), schools.GetValueOrDefault, scope);
            var mapping = await RowsAsync(template, source, region, census.Schools, cancellationToken);
            plan = RosterImport.Plan(template, mapping, census, Rows, schools.GetValueOrDefault, scope, completeRoster, key);
        }

        var (runId, applied) = await ingest.IngestFileAsync(FileSource(region), region, plan.Schools, ReadAhead(plan.Batches, cancellationToken), check: !apply, plan.InOrder, cancellationToken, queued);
        var outcomes = applied.Select(written => new SchoolOutcome(written.School.Inn, written.School.FullName, written.Outcome.Duplicate,
            written.Outcome.Inserted, written.Outcome.Updated, written.Outcome.Deleted,
            [.. written.Outcome.Rejected.Select(r => new RowProblem(plan.RowOf.GetValueOrDefault((written.School.SourceId, r.Kind, r.SourceId ?? "")), r.ReasonCode, r.Reason)).OrderBy(p => p.Row)])).ToList();

        var refused = plan.Refused.Select(r => new RowProblem(r.Row, r.Code, r.Reason)).ToList();
        await audit.RecordAsync(access.ClientId, apply ? "import.apply" : "import.check", region.Code,
            new { template = template.Code, runId, rows = plan.Rows, refused = refused.Count, schools = outcomes.Count, completeRoster }, cancellationToken);
        return new ImportOutcome(template.Code, apply, runId, plan.Rows, refused, outcomes);
    }

    /// <summary>Whether the caller may load this template into the region at all (some of its rows may still be outside their scope).</summary>
    public async Task<bool> MayLoadAsync(ClientAccess access, RegionSource region, ImportTemplate template, CancellationToken cancellationToken) =>
        Refusal(await ImportScope.OfAsync(access, region.Code, appointments, cancellationToken), region, template) is null;

    /// <summary>The run of an application queued before the file is read, so that its page can be shown at once.</summary>
    public Task<long> QueueApplicationAsync(RegionSource region, CancellationToken cancellationToken) =>
        ingest.QueueFileAsync(FileSource(region), region, check: false, cancellationToken);

    /// <summary>The file source is its own client: a file is applied once for the region, whoever uploads it again.</summary>
    private static PushClient FileSource(RegionSource region) => new($"import:{region.Code}", $"import:{region.Code}");

    private static ImportFileException? Refusal(ImportScope scope, RegionSource region, ImportTemplate template) =>
        scope.IsEmpty ? new ImportFileException(Forbidden, $"Загружать файлы региона {region.Code} вам не разрешено")
        : !scope.MayLoad(template) ? new ImportFileException(Forbidden, $"Шаблон «{template.Title}» загружает координатор региона или муниципалитета")
        : null;

    /// <summary>
    /// The file's next school is read and mapped on another thread while the current one is written: reading is
    /// CPU in the gateway, writing waits on PostgreSQL, so the file takes about the time of its writes alone.
    /// </summary>
    private static async IAsyncEnumerable<PushBatch> ReadAhead(IEnumerable<PushBatch> batches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = Channel.CreateBounded<PushBatch>(1);
        var reader = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    await next.Writer.WriteAsync(batch, stop.Token);
                }

                next.Writer.Complete();
            }
            catch (Exception exception)
            {
                next.Writer.Complete(exception);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var batch in next.Reader.ReadAllAsync(cancellationToken))
            {
                yield return batch;
            }
        }
        finally
        {
            // A run cancelled between schools stops the reading too; the plan's outputs are whole only when it ran to the end.
            await stop.CancelAsync();
            await reader;
        }
    }

    /// <summary>How the rows of a template naming its schools by INN become their records.</summary>
    private async Task<IRosterRows> RowsAsync(ImportTemplate template, string source, RegionSource region, IReadOnlyList<SourceSchool> schools, CancellationToken cancellationToken) => template.Code switch
    {
        "classes" => new ClassRows(),
        "students" => new StudentRows(AcademicYear(region)),
        "parents" => new ParentRows(await registry.EnrolledBySnilsAsync(source, [.. schools.Select(s => s.Inn)], cancellationToken)),
        "staff" => new StaffRows(),
        _ => throw new ArgumentException($"No rows mapping for the template {template.Code}.", nameof(template)),
    };

    /// <summary>The school year a file's classes are in: from 1 September, the year that starts then.</summary>
    private string AcademicYear(RegionSource region)
    {
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), region.Zone);
        var start = today.Month >= 9 ? today.Year : today.Year - 1;
        return $"{start}/{start + 1}";
    }
}
