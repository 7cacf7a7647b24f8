using Baton.Core.Common;

namespace Baton.Core.Activity;

/// <summary>
/// Hook events as stored (docs/architecture.md §15): the events themselves, kept <see cref="HookEventRules.Retention"/>,
/// and the waiting queue they maintain. Every store implements it alongside <c>IBatonStore</c> and passes
/// <c>ActivityStoreContractTests</c>. Times are passed in, never read from a clock.
/// </summary>
public interface IActivityStore
{
    /// <summary>
    /// Records a batch in <b>one transaction</b>, in order, each event at most once (by id). For each event:
    /// an id already stored (before, or earlier in this batch) is a duplicate and changes nothing. Otherwise its session
    /// is found — the given session id if that session exists; else the newest session whose recorded native session id
    /// and CLI are the event's; else the newest live session (stored active, heartbeat after <c>now − staleAfter</c>) of
    /// the event's agent in its repo and/or venture; else none (stored unmatched) — always within
    /// <see cref="PendingHookEvent.ScopeVenture"/> when one is set. A matched event takes the session's venture and
    /// agent, records its native session id and CLI on the session, is a heartbeat for it (when the session is live:
    /// <c>last_heartbeat_at</c> becomes the later of itself and <see cref="PendingHookEvent.HeartbeatAt"/>, never
    /// earlier), and applies its <see cref="PendingHookEvent.Waiting"/> change. Answers one outcome per event, in order.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> RecordEventsAsync(IReadOnlyList<PendingHookEvent> events, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>One session's events, newest first (by id), keyset-paged, with the exact total.</summary>
    Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, PageRequest page, CancellationToken ct);

    /// <summary>
    /// The waiting queue: sessions waiting for a human whose session is live at <see cref="WaitingQuery.Now"/>, longest
    /// wait first (since, then session id), offset-paged, with the exact total for the same filter.
    /// </summary>
    Task<Page<WaitingSession>> ListWaitingAsync(WaitingQuery query, CancellationToken ct);

    /// <summary>
    /// The newest event (highest id) of each of <paramref name="sessionIds"/> that has any, in one query (a page of
    /// sessions on the dashboard, never a query per row); with <paramref name="venture"/> set, only events stored under
    /// that venture. Sessions without events are absent from the answer; the order is unspecified.
    /// </summary>
    Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, string? venture, CancellationToken ct);

    /// <summary>Deletes events that happened before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeEventsAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>
/// One event ready to store: the row (<see cref="Event"/>, its session, venture and agent still to be resolved), what
/// the session is matched on, when it counts as a heartbeat, and what it does to the waiting queue.
/// </summary>
/// <param name="SessionId">The Baton session the hook named, if any.</param>
/// <param name="Repo">Normalised to <c>org/name</c> by the service when the venture is known.</param>
/// <param name="ScopeVenture">A venture-scoped caller's venture: only its sessions may be matched.</param>
/// <param name="HeartbeatAt">The event's time, but never later than when it was received.</param>
public sealed record PendingHookEvent(
    HookEvent Event,
    string? SessionId,
    string? Repo,
    string? ScopeVenture,
    DateTimeOffset HeartbeatAt,
    WaitingChange Waiting);

/// <summary>
/// Filter of the waiting queue. <see cref="ExceptAgent"/>, <see cref="ExceptRepo"/> and <see cref="ExceptTrack"/>
/// (all three or none) leave out the live session of that tuple — the briefing's caller, whose session SOD just made
/// the tuple's one active session.
/// </summary>
public sealed record WaitingQuery(
    string? Venture,
    DateTimeOffset Now,
    TimeSpan StaleAfter,
    PageRequest Page,
    string? ExceptAgent = null,
    string? ExceptRepo = null,
    string? ExceptTrack = null);
