using Baton.Core.Common;


namespace Baton.Core.Sessions;

/// <summary>What SOD should do with the active sessions it found for a tuple.</summary>
/// <param name="Resume">The session to resume, or null to create a new one.</param>
/// <param name="Supersede">Duplicate active sessions to end as <see cref="EndReason.Superseded"/>.</param>
/// <param name="Abandon">A stale session to mark <see cref="SessionStatus.Abandoned"/> (reason <see cref="EndReason.Stale"/>).</param>
public sealed record SessionDecision(Session? Resume, IReadOnlyList<Session> Supersede, Session? Abandon);

/// <summary>The EOD handoff a session already has: its id and payload hash (null if the handoff row could not be read).</summary>
public sealed record RecordedEod(string HandoffId, string? PayloadHash);

/// <summary>
/// What EOD should do with the session it names. A closed set: a store switches over it and persists only what it
/// says, so the rule cannot drift between stores. <see cref="StoresHandoff"/> tells the cases that keep the work.
/// </summary>
public abstract record EndDecision
{
    private EndDecision()
    {
    }

    /// <summary>True when the EOD's handoff is stored and recorded as the session's first: every case but the three that store nothing.</summary>
    public bool StoresHandoff => this is End or KeepStatus;

    /// <summary>No session has that id: nothing is stored.</summary>
    public sealed record NotFound : EndDecision;

    /// <summary>An earlier EOD already stored <paramref name="HandoffId"/> with the same content: a retry changes nothing and answers with that one.</summary>
    public sealed record AlreadyEnded(string HandoffId) : EndDecision;

    /// <summary>
    /// An earlier EOD already stored <paramref name="HandoffId"/>, and this one says something else: refused
    /// (409 <c>session_already_ended</c> naming that handoff), nothing stored — never silently dropped.
    /// </summary>
    public sealed record EndedWithOtherHandoff(string HandoffId) : EndDecision;

    /// <summary>The session was stored active: it ends now with this status and reason, then the handoff is stored.</summary>
    public sealed record End(SessionStatus Status, EndReason Reason) : EndDecision;

    /// <summary>The session had already ended (superseded or abandoned): that status stands, but the handoff is still stored.</summary>
    public sealed record KeepStatus : EndDecision;
}

/// <summary>
/// The resume-or-create rule of docs/architecture.md §4 as pure functions, so each store applies the same decision inside its
/// own transaction and the rule is tested without I/O.
/// </summary>
public static class SessionRules
{
    /// <summary>Default stale threshold: no heartbeat for 45 minutes.</summary>
    public static readonly TimeSpan DefaultStaleAfter = CoreOptions.DefaultStaleAfter;

    /// <summary>A session is stale once <paramref name="staleAfter"/> has passed since its last heartbeat.</summary>
    public static bool IsStale(Session session, DateTimeOffset now, TimeSpan staleAfter) =>
        now - session.LastHeartbeatAt >= staleAfter;

    /// <summary>
    /// Decides SOD for the stored-active sessions of one (agent, venture, repo, track):
    /// more than one → keep the newest, supersede the rest; the kept one stale → abandon it and create;
    /// the kept one fresh → resume it; none → create. An abandoned session is never reused.
    /// </summary>
    public static SessionDecision Decide(IReadOnlyList<Session> active, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (active.Count == 0) return new SessionDecision(null, [], null);

        var ordered = active
            .OrderByDescending(s => s.CreatedAt)
            .ThenByDescending(s => s.Id, StringComparer.Ordinal)
            .ToList();
        var newest = ordered[0];
        var supersede = ordered.Skip(1).ToList();

        return IsStale(newest, now, staleAfter)
            ? new SessionDecision(null, supersede, newest)
            : new SessionDecision(newest, supersede, null);
    }

    /// <summary>
    /// Decides EOD for the session as stored (<paramref name="stored"/>, null when the id is unknown), the EOD handoff
    /// an earlier EOD recorded on it (<paramref name="recorded"/>, null before any) and the payload hash of the handoff
    /// this EOD brings (<paramref name="payloadHash"/>): unknown → not found; a handoff already recorded with the same
    /// payload hash → already ended with that one, so a retried EOD stores nothing twice; recorded with another hash →
    /// refused, so a second EOD's different content is never dropped silently (decisions/0011-second-eod-refused.md);
    /// stored active and stale → abandoned/stale, the status reads already gave it; stored active and fresh →
    /// ended/manual; otherwise (superseded or abandoned earlier) the status stands. In the last three the handoff is
    /// stored: an agent's closing work is never lost because its session ended some other way first.
    /// </summary>
    public static EndDecision DecideEnd(Session? stored, RecordedEod? recorded, string payloadHash, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (stored is null) return new EndDecision.NotFound();
        if (recorded is not null)
        {
            // The payload hash covers every field of the canonical handoff (§5), so equal hashes are the same handoff.
            return string.Equals(recorded.PayloadHash, payloadHash, StringComparison.Ordinal)
                ? new EndDecision.AlreadyEnded(recorded.HandoffId)
                : new EndDecision.EndedWithOtherHandoff(recorded.HandoffId);
        }
        if (stored.Status != SessionStatus.Active) return new EndDecision.KeepStatus();
        return IsStale(stored, now, staleAfter)
            ? new EndDecision.End(SessionStatus.Abandoned, EndReason.Stale)
            : new EndDecision.End(SessionStatus.Ended, EndReason.Manual);
    }

    /// <summary>
    /// How a stored session reads at <paramref name="now"/>: a stored-active session past the threshold reads as
    /// abandoned/stale, ended at the moment it went stale. Every read path uses this, so no sweeper is needed.
    /// </summary>
    public static Session AsSeenAt(Session stored, DateTimeOffset now, TimeSpan staleAfter) =>
        stored.Status == SessionStatus.Active && IsStale(stored, now, staleAfter)
            ? stored with
            {
                Status = SessionStatus.Abandoned,
                EndReason = EndReason.Stale,
                EndedAt = stored.LastHeartbeatAt + staleAfter,
            }
            : stored;
}
