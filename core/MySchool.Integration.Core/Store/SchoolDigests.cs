using Npgsql;
using static MySchool.Integration.Core.Store.Staging;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// What a source last wrote into a school (migration 0034): the digest of its snapshot, kept with the write, and
/// whether any other transaction has touched the school since. A school whose source says the same again about a
/// school nobody touched would be compared row by row only to write nothing, so its write is skipped.
/// </summary>
public static class SchoolDigests
{
    /// <summary>
    /// Whether the school's last write by this source had <paramref name="digest"/> and no transaction but that one,
    /// unseen by its comparisons, has touched the school since; and the store's snapshot now, for <see cref="RecordAsync"/>.
    /// Asked under the school's sync lock, before anything of the school is read.
    /// </summary>
    public static async Task<(bool Unchanged, string ComparedIn)> CheckAsync(
        NpgsqlConnection connection, string sourceSystem, string schoolSourceId, byte[] digest, CancellationToken cancellationToken)
    {
        var found = await ListAsync(connection, """
            SELECT pg_current_snapshot()::text, EXISTS (
                SELECT 1 FROM identity_map m JOIN school_digest d ON d.source_system = m.source_system AND d.school_id = m.federal_id
                WHERE m.source_system = $1 AND m.kind = 'school' AND m.source_id = $2 AND d.digest = $3
                  AND NOT EXISTS (SELECT 1 FROM school_touch t
                                  WHERE t.school_id = d.school_id AND t.touched_by <> d.written_by AND NOT pg_visible_in_snapshot(t.touched_by, d.compared_in)))
            """, r => (Unchanged: r.GetBoolean(1), ComparedIn: r.GetString(0)), cancellationToken, sourceSystem, schoolSourceId, digest);
        return found[0];
    }

    /// <summary>
    /// Keeps the digest of a write that left nothing aside (no quarantine, no held deletions), in its transaction, and
    /// forgets the school's touches every kept digest has already seen.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection connection, string sourceSystem, Guid schoolId, byte[] digest, string comparedIn, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, """
            INSERT INTO school_digest (source_system, school_id, digest, written_by, compared_in) VALUES ($1, $2, $3, pg_current_xact_id(), $4::pg_snapshot)
            ON CONFLICT (source_system, school_id) DO UPDATE
            SET digest = excluded.digest, written_by = excluded.written_by, compared_in = excluded.compared_in, recorded_at = now()
            """, cancellationToken, sourceSystem, schoolId, digest, comparedIn);
        await ForgetSeenTouchesAsync(connection, schoolId, cancellationToken);
    }

    /// <summary>
    /// A school's touches that every digest kept for it has seen can never matter again (a later digest sees them too):
    /// each write of the school, a push's as well, drops them, so the log stays a few rows a school.
    /// </summary>
    public static Task ForgetSeenTouchesAsync(NpgsqlConnection connection, Guid schoolId, CancellationToken cancellationToken) => ExecuteAsync(connection, """
        DELETE FROM school_touch t WHERE t.school_id = $1
          AND NOT EXISTS (SELECT 1 FROM school_digest d WHERE d.school_id = t.school_id AND NOT pg_visible_in_snapshot(t.touched_by, d.compared_in))
        """, cancellationToken, schoolId);
}
