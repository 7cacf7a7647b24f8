using Baton.Core.Common;


namespace Baton.Core.Sessions;

/// <summary>What SOD should do with the active sessions it found for a tuple.</summary>
/// <param name="Resume">The session to resume, or null to create a new one.</param>
/// <param name="Supersede">Duplicate active sessions to end as <see cref="EndReason.Superseded"/>.</param>
/// <param name="Abandon">A stale session to mark <see cref="SessionStatus.Abandoned"/> (reason <see cref="EndReason.Stale"/>).</param>
public sealed record SessionDecision(Session? Resume, IReadOnlyList<Session> Supersede, Session? Abandon);

/// <summary>
/// The resume-or-create rule of DESIGN.md §4 as pure functions, so each store applies the same decision inside its
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
