namespace Baton.Core.Changes;

/// <summary>
/// One committed change the live views care about, as the store recorded it in the same transaction as the write
/// (a trigger on the table changed): what kind of thing changed, in which venture (null: fleet-wide, e.g. an agent or
/// a machine), which row, and when. <see cref="Seq"/> is the store's own order (an integer growing with every change,
/// shared by every replica of a PostgreSQL store): the SSE stream's event id, so a client reconnecting with
/// <c>Last-Event-ID</c> — to this replica or another — resumes where it was.
/// A change is a hint, not the data: a page that hears "task task_… changed" reads the task again through the services.
/// </summary>
public sealed record Change(long Seq, string Kind, string? Venture, string Subject, DateTimeOffset At);

/// <summary>The kinds of <see cref="Change"/>: the SSE event names, and what a dashboard panel refreshes on.</summary>
public static class ChangeKinds
{
    /// <summary>A session started, resumed, heartbeat, moved or ended (subject: the session id).</summary>
    public const string Session = "session";

    /// <summary>A hook event was stored (subject: the session id it belongs to, or the event id when unmatched).</summary>
    public const string HookEvent = "hook_event";

    /// <summary>A task was added or moved between states — every task_event (subject: the task id).</summary>
    public const string Task = "task";

    /// <summary>A handoff was written (subject: the handoff id).</summary>
    public const string Handoff = "handoff";

    /// <summary>An alert was raised, updated or resolved (subject: the alert id).</summary>
    public const string Alert = "alert";

    /// <summary>A claim was taken, released or expired by hand (subject: the claim id).</summary>
    public const string Claim = "claim";

    /// <summary>A workflow was started or moved (subject: the workflow id).</summary>
    public const string Workflow = "workflow";

    /// <summary>A sprint was started or moved (subject: the sprint id).</summary>
    public const string Sprint = "sprint";

    /// <summary>An agent registered, heartbeat, paused, resumed, changed health or left (subject: the agent id; venture null).</summary>
    public const string Agent = "agent";

    /// <summary>A machine registered or heartbeat (subject: the machine id; venture null).</summary>
    public const string Machine = "machine";

    /// <summary>A note was written, edited or archived (subject: the note id; venture null for a global note).</summary>
    public const string Note = "note";

    /// <summary>Every kind, in the order the stream documents them.</summary>
    public static readonly IReadOnlyList<string> All = [Session, HookEvent, Task, Handoff, Alert, Claim, Workflow, Sprint, Agent, Machine, Note];
}

/// <summary>
/// The store's change log (table <c>changes</c>, written by triggers in the writes' own transactions, kept for
/// <see cref="ChangeLog.Retention"/> and purged by the purge service).
/// </summary>
public interface IChangeStore
{
    /// <summary>
    /// Changes with <see cref="Change.Seq"/> greater than <paramref name="afterSeq"/>, oldest first, at most
    /// <paramref name="limit"/>. On PostgreSQL a sequence number is taken before its transaction commits, so a lower
    /// one can become visible after a higher one: readers follow the log with <c>ChangeCursor</c>.
    /// </summary>
    Task<IReadOnlyList<Change>> ReadChangesAsync(long afterSeq, int limit, CancellationToken ct);

    /// <summary>The highest sequence number recorded so far (0 for an empty log): where a new reader starts.</summary>
    Task<long> LatestChangeSeqAsync(CancellationToken ct);

    /// <summary>Deletes changes recorded before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeChangesAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>
    /// Starts listening and returns once listening: <paramref name="onChanged"/> is called (from a background thread;
    /// it must not block) soon after any transaction that recorded changes commits — on SQLite from this process's own
    /// writer, on PostgreSQL through <c>LISTEN/NOTIFY</c> from every replica. A wake-up, not the data: the listener then
    /// reads with <see cref="ReadChangesAsync"/>. A lost connection is re-established; wake-ups lost meanwhile are
    /// covered by the reader's own periodic read. Dispose the result to stop.
    /// </summary>
    Task<IAsyncDisposable> ListenForChangesAsync(Action onChanged, CancellationToken ct);
}

/// <summary>How long the change log keeps a change: long enough for any reconnect, short enough to stay small.</summary>
public static class ChangeLog
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The most changes one read returns; a reconnect further behind than this is told to reload instead.</summary>
    public const int MaxRead = 1000;
}
