using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Activity;

// What the agent CLIs' hooks tell Baton (issue 15, docs/architecture.md §15): `baton hook <cli>` appends one
// HookEventInput per hook call to the machine's outbox; the outbox is forwarded to IActivityService.RecordEventsAsync
// in batches, in order. Request fields are nullable: the service validates them and names every bad field, the same
// way in both modes.

/// <summary>The agent CLI whose hook fired.</summary>
public enum HookCli { Claude, Gemini, Codex }

/// <summary>
/// One hook call as the outbox forwards it. <see cref="Id"/> is minted once by <c>baton hook</c> when the event enters
/// the outbox — an <c>evt_</c> ULID from <see cref="IdGenerator"/> (<c>ids.New(IdGenerator.Event)</c>), so one outbox's
/// ids sort in the order its events happened and a session's events page by id — and is the idempotency key:
/// forwarding the same id again stores nothing and counts as a duplicate.
/// <see cref="Event"/> is the CLI's own event name (<c>PreToolUse</c>, <c>Notification</c>, <c>PreCompress</c>,
/// <c>agent-turn-complete</c>, …), never normalised away. <see cref="Payload"/> is the CLI's JSON object as parsed
/// leniently (unknown fields kept), with long strings already cut by the hook; the server summarises it and passes the
/// summary through the secret scanner before anything is stored. <see cref="SessionId"/> is the Baton session when the
/// hook could tell (the session file for its agent, repo and track); otherwise the server matches the CLI's native
/// session id, then the newest live session of the agent in that repo.
/// </summary>
public sealed record HookEventInput(
    string? Id,
    HookCli? Cli,
    string? Event,
    DateTimeOffset? OccurredAt,
    string? NativeSessionId = null,
    string? Cwd = null,
    string? SessionId = null,
    string? Agent = null,
    string? Venture = null,
    string? Repo = null,
    JsonObject? Payload = null,
    HookUsage? Usage = null);

/// <summary>
/// A session's cumulative token usage so far, as the sender read it from the CLI's own transcript when it forwarded a
/// turn's end or the session's end (docs/architecture.md §15 Spend): every message counted once. Each report is the
/// whole session so far, not the turn's part, so spend takes a session's latest report, never the sum of them.
/// Tokens only: transcripts carry no cost.
/// </summary>
/// <param name="CacheReadTokens">Input tokens served from the prompt cache (Claude's <c>cache_read_input_tokens</c>), not part of <see cref="InputTokens"/>.</param>
/// <param name="CacheCreationTokens">Input tokens written to the prompt cache (Claude's <c>cache_creation_input_tokens</c>), not part of <see cref="InputTokens"/>.</param>
public sealed record HookUsage(long? InputTokens, long? OutputTokens, long? CacheReadTokens = null, long? CacheCreationTokens = null);

/// <summary>A batch from one outbox, oldest first (at most <see cref="HookEventRules.MaxBatch"/> = 500 events).</summary>
public sealed record RecordEventsRequest(IReadOnlyList<HookEventInput?>? Events);

/// <summary>
/// What became of each event of a batch, in the batch's order: <c>stored</c>, <c>duplicate</c> (its id was stored
/// before — the sender may drop it) or <c>unmatched</c> (stored without a session: none could be found).
/// <see cref="Stored"/> counts every event stored now, <see cref="Unmatched"/> the part of them without a session;
/// <c>Stored + Duplicates</c> is the batch's size. Either outcome means the sender may drop the event.
/// </summary>
public sealed record RecordEventsResponse(int Stored, int Duplicates, IReadOnlyList<RecordedEvent> Events, int Unmatched = 0);

/// <summary>One event's outcome (<see cref="RecordedEvent.Stored"/>, <see cref="RecordedEvent.Duplicate"/>, <see cref="RecordedEvent.Unmatched"/>) and the session it belongs to (for a duplicate: the one it was stored with).</summary>
public sealed record RecordedEvent(string Id, string Outcome, string? SessionId)
{
    public const string Stored = "stored";
    public const string Duplicate = "duplicate";
    public const string Unmatched = "unmatched";
}

/// <summary>
/// What kind of moment an event is, judged by <c>HookEventRules</c> from the CLI and its event name: a tool call,
/// a prompt, a wait for a human (permission prompt, idle/input notification, a stop awaiting input), compaction,
/// session start/end, a turn's end, or other.
/// </summary>
public enum HookEventKind { Tool, Prompt, Waiting, Compaction, SessionStart, SessionEnd, TurnEnd, Other }

/// <summary>
/// A stored hook event. <see cref="Summary"/> is bounded and secret-scanned; the raw input is never kept.
/// <see cref="FilePath"/> and <see cref="Command"/> (a tool event's path and the first line of its command) and
/// <see cref="Message"/> (a turn's last assistant message, a few lines) are bounded and secret-scanned the same way;
/// Baton's drafted handoffs are built from them. <see cref="Usage"/> is the session's cumulative usage the sender read
/// from the transcript with this event (a turn's or the session's end), when it could.
/// </summary>
public sealed record HookEvent(
    string Id,
    string? SessionId,
    string? Venture,
    string? Agent,
    HookCli Cli,
    string? NativeSessionId,
    string Event,
    HookEventKind Kind,
    string? Tool,
    string? Summary,
    string? Cwd,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string? FilePath = null,
    string? Command = null,
    string? Message = null,
    HookUsage? Usage = null);

public sealed record EventListRequest(int? Limit = null, string? Cursor = null);

/// <summary>
/// A session waiting for a human, across machines: since when, and what it said. <see cref="Reason"/> is the
/// notification type when the CLI gave one (<c>permission_prompt</c>, <c>idle_prompt</c>, <c>ToolPermission</c>), else
/// the event's name (<c>PermissionRequest</c>), or <c>question</c> for a turn that ended asking the human something.
/// <see cref="Message"/> is bounded and secret-scanned like every summary. <see cref="WaitedSeconds"/> is judged when
/// read (0 when a list is read by a store, which has no clock; the service fills it in).
/// </summary>
public sealed record WaitingSession(
    string SessionId,
    string Venture,
    string Agent,
    string? Repo,
    string? MachineHost,
    HookCli Cli,
    string Reason,
    string? Message,
    DateTimeOffset Since,
    long WaitedSeconds = 0);

public sealed record WaitingListRequest(string? Venture = null, int? Limit = null, string? Cursor = null);

/// <summary>Hook events in and what they tell: each session's events, and who is waiting for a human.</summary>
public interface IActivityService
{
    /// <summary>Stores a batch exactly once per event id, in order; each event is an implicit heartbeat for its session.</summary>
    Task<RecordEventsResponse> RecordEventsAsync(RecordEventsRequest request, CancellationToken ct);

    /// <summary>One session's events, newest first, with an exact total (kept 14 days).</summary>
    Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, EventListRequest request, CancellationToken ct);

    /// <summary>Sessions waiting for a human now, longest wait first, with an exact total.</summary>
    Task<Page<WaitingSession>> ListWaitingAsync(WaitingListRequest request, CancellationToken ct);

    /// <summary>
    /// The last hook event of each named session (at most <see cref="PageRequest.MaxLimit"/> ids: a page of sessions)
    /// that has one — what each is doing now. A venture-scoped caller gets only its venture's; sessions without an
    /// event (or outside the scope) are absent.
    /// </summary>
    Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, CancellationToken ct);
}
