using Baton.Core.Common;
using Baton.Core.Handoffs;


namespace Baton.Core.Sessions;

/// <summary>Sessions as stored: resume-or-create, heartbeats, EOD and lists, with staleness judged at the time passed in.</summary>
public interface ISessionStore
{
    /// <summary>
    /// SOD's resume-or-create (docs/architecture.md §4) in one transaction: loads the stored-active sessions for the candidate's
    /// (agent, venture, repo, track), asks <see cref="SessionRules.Decide"/> what to do, applies it, and returns
    /// the session to use. Serialised against every other writer, so two racing SODs end with one active session.
    /// </summary>
    Task<SodOutcome> StartOrResumeSessionAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>The session as stored, with staleness judged at <paramref name="now"/> (see <see cref="Session"/>).</summary>
    Task<Session?> FindSessionOrNullAsync(string id, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>
    /// Refreshes the heartbeat of an active, fresh session and applies <paramref name="update"/> (null = heartbeat
    /// only). A stored-active session found stale is marked abandoned/stale first. Returns the outcome.
    /// </summary>
    Task<TouchOutcome> TouchSessionAsync(string id, SessionUpdate? update, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>
    /// EOD: ends the session (manual) and stores <paramref name="handoff"/> in one transaction, as
    /// <see cref="SessionRules.DecideEnd"/> says. When the session already has its EOD handoff, changes nothing and
    /// returns the stored pair: <see cref="EodResult.AlreadyEnded"/> when <paramref name="handoff"/> has the same payload
    /// hash (so EOD is repeatable), <see cref="EodResult.EndedWithOtherHandoff"/> when it differs. A session that was
    /// superseded or abandoned keeps its status, but the handoff is still stored: work is never lost.
    /// </summary>
    Task<EodOutcome> EndSessionAsync(string sessionId, Handoff handoff, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    Task<Page<Session>> ListSessionsAsync(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);
}

/// <summary>What <see cref="ISessionStore.StartOrResumeSessionAsync"/> did.</summary>
/// <param name="Session">The session to use from now on.</param>
/// <param name="Resumed">True when an existing fresh session was resumed.</param>
/// <param name="Superseded">Ids of duplicate active sessions ended as superseded.</param>
/// <param name="Abandoned">Id of a stale session marked abandoned, if any.</param>
public sealed record SodOutcome(Session Session, bool Resumed, IReadOnlyList<string> Superseded, string? Abandoned);

public enum TouchResult { Touched, NotFound, NotActive }

/// <summary>What a heartbeat or update did. <see cref="Session"/> is null only for <see cref="TouchResult.NotFound"/>.</summary>
public sealed record TouchOutcome(TouchResult Result, Session? Session);

public enum EodResult { Ended, AlreadyEnded, EndedWithOtherHandoff, NotFound }

/// <summary>
/// What EOD did. For <see cref="EodResult.AlreadyEnded"/> and <see cref="EodResult.EndedWithOtherHandoff"/>,
/// <see cref="Handoff"/> is the one stored by the first EOD and nothing was written.
/// </summary>
public sealed record EodOutcome(EodResult Result, Session? Session, Handoff? Handoff);

/// <summary>Fields an update may change; null leaves a field as it is.</summary>
public sealed record SessionUpdate(string? Branch, string? CommitSha, int? IssueNumber, System.Text.Json.Nodes.JsonObject? Meta);

/// <summary>Filter for session lists. <see cref="Status"/> is the status as judged at read time.</summary>
public sealed record SessionQuery(string? Venture, SessionStatus? Status, PageRequest Page, string? Agent = null, string? Repo = null);
