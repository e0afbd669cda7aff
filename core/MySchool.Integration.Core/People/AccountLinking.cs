using MySchool.Integration.Core.Rules;
using MySchool.Integration.Core.Store;
using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.People;

/// <summary>How a linking pass went: people asked about, accounts linked, and lookups that failed (asked again next time).</summary>
public sealed record LinkingReport(int Checked, int Linked, int Failed);

/// <summary>
/// Links registry people to their ESIA accounts by SNILS, the cross-system key for people (001), so the federal
/// platform finds them under their oid without anyone filing a request. A person without an account is asked
/// about again only after <see cref="RecheckAfter"/>; an oid already linked to someone else is never moved.
/// </summary>
public sealed class AccountLinking(NpgsqlDataSource dataSource, IIdentityDirectory directory, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromDays(30);

    /// <summary>A few lookups at once: ESIA is a shared national service, and a night has hours.</summary>
    private const int Parallelism = 4;

    /// <summary>Answers are recorded a batch at a time: a pass cut short keeps what it learnt.</summary>
    private const int Batch = 5_000;

    /// <summary>
    /// Looks up at most <paramref name="limit"/> unlinked people with SNILS, those never asked about first. A batch in
    /// which ESIA answered nobody ends the pass: ESIA is down, and tomorrow is another night.
    /// </summary>
    public async Task<LinkingReport> LinkAsync(int limit, CancellationToken cancellationToken)
    {
        var total = new LinkingReport(0, 0, 0);
        var failedPeople = new List<Guid>();
        while (total.Checked + total.Failed < limit)
        {
            var due = await DueAsync(Math.Min(Batch, limit - total.Checked - total.Failed), failedPeople, cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            var found = new System.Collections.Concurrent.ConcurrentBag<(Guid Person, long? Oid)>();
            var failed = new System.Collections.Concurrent.ConcurrentBag<Guid>();
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (person, token) =>
            {
                try
                {
                    found.Add((person.Id, await directory.FindBySnilsAsync(person.Snils, token)));
                }
                catch (IdentityDirectoryException)
                {
                    failed.Add(person.Id);
                }
            });

            failedPeople.AddRange(failed);
            total = new LinkingReport(total.Checked + found.Count, total.Linked + await RecordAsync(found, cancellationToken), total.Failed + failed.Count);
            if (found.IsEmpty)
            {
                break;
            }
        }

        await audit.RecordAsync("scheduler", "esia.link", null, total, cancellationToken);
        return total;
    }

    /// <summary>Who is due, leaving out those ESIA failed to answer about in this pass.</summary>
    private async Task<List<(Guid Id, Snils Snils)>> DueAsync(int limit, List<Guid> failedThisPass, CancellationToken cancellationToken)
    {
        var due = await ListAsync(dataSource, """
            SELECT p.id, p.snils FROM person p LEFT JOIN esia_lookup l ON l.person_id = p.id
            WHERE p.snils IS NOT NULL AND p.esia_oid IS NULL AND (l.checked_at IS NULL OR l.checked_at < $1) AND p.id <> ALL($3)
            ORDER BY l.checked_at NULLS FIRST, p.id LIMIT $2
            """, r => (Id: r.GetGuid(0), Snils: Snils.Parse(r.GetString(1))), cancellationToken, time.GetUtcNow() - RecheckAfter, limit, failedThisPass.ToArray());
        // Stored SNILS passed the checksum on the way in; one that no longer parses is not asked about.
        return [.. due.Where(person => person.Snils.IsValid).Select(person => (person.Id, person.Snils.Value))];
    }

    /// <summary>Every answer is remembered; a found oid is linked unless another person already holds it.</summary>
    private async Task<int> RecordAsync(IEnumerable<(Guid Person, long? Oid)> answers, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = answers.ToList();
        var people = rows.Select(row => row.Person).ToArray();
        var oids = rows.Select(row => row.Oid).ToArray();
        await ExecuteAsync(connection, """
            INSERT INTO esia_lookup (person_id, checked_at, found_oid) SELECT person, $3, oid FROM unnest($1::uuid[], $2::bigint[]) AS a(person, oid)
            ON CONFLICT (person_id) DO UPDATE SET checked_at = excluded.checked_at, found_oid = excluded.found_oid
            """, cancellationToken, people, oids, time.GetUtcNow());
        var linked = await ExecuteAsync(connection, """
            UPDATE person p SET esia_oid = a.oid FROM unnest($1::uuid[], $2::bigint[]) AS a(person, oid)
            WHERE p.id = a.person AND a.oid IS NOT NULL AND p.esia_oid IS NULL AND NOT EXISTS (SELECT 1 FROM person o WHERE o.esia_oid = a.oid)
            """, cancellationToken, people, oids);
        await transaction.CommitAsync(cancellationToken);
        return linked;
    }
}
