namespace MySchool.Integration.Core.Sync;

/// <summary>
/// One regional system, mapped onto the federal model. Implement the reads; the engine does validation,
/// identity, writes, cursors and deletions. The shape follows Hangfire's storages: the minimum is required,
/// the extras are announced in <see cref="Capabilities"/> and the engine asks before it uses them.
/// </summary>
public interface ISourceAdapter
{
    /// <summary>The source system's name in the identity map (<c>nso</c>, <c>rk</c>): stable forever.</summary>
    string SourceSystem { get; }

    SourceCapabilities Capabilities { get; }

    Task<IReadOnlyList<SourceSchool>> ReadSchoolsAsync(CancellationToken cancellationToken);

    Task<SchoolRoster> ReadRosterAsync(SourceSchool school, CancellationToken cancellationToken);

    Task<SchoolJournal> ReadJournalAsync(SchoolRoster roster, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);
}

[Flags]
public enum SourceCapabilities
{
    None = 0,

    /// <summary>The source reports what changed since a cursor (ЭлЖур getchanges, Сетевой город changes).</summary>
    ChangeFeed = 1,

    /// <summary>The source knows debts (overdue required work).</summary>
    Debts = 2,
}

/// <summary>
/// The source refused the gateway's configuration (a developer key, a password): retrying cannot help, an
/// operator must act. The message is for operators, in Russian.
/// </summary>
public sealed class SourceConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The source could not be read after its retries: the run of this school fails, the others go on.</summary>
public sealed class SourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The <see cref="SourceCapabilities.ChangeFeed"/> capability: what changed since a cursor. Cursors are the source's
/// own clock; a read includes the cursor's moment itself (an overlap), so nothing sharing a boundary is skipped.
/// </summary>
public interface IChangeFeedSource
{
    /// <summary>The source's "now": the cursor a full read starts from.</summary>
    Task<string> ReadCursorAsync(CancellationToken cancellationToken);

    Task<SourceChanges> ReadChangesAsync(string cursor, CancellationToken cancellationToken);
}

/// <summary>
/// The school's year (periods, holidays), read after the school's journal: a source without it leaves the stored
/// calendar as it is.
/// </summary>
public interface ICalendarSource
{
    Task<SourceCalendar?> ReadCalendarAsync(SchoolRoster roster, CancellationToken cancellationToken);
}

/// <summary>Ids the source reports changed since a cursor, and the cursor to read from next time.</summary>
public sealed record SourceChanges(string NextCursor, IReadOnlySet<string> Students, IReadOnlySet<string> Classes)
{
    public bool IsEmpty => Students.Count == 0 && Classes.Count == 0;
}
