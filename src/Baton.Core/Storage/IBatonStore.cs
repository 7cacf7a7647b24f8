using Baton.Core.Domain;

namespace Baton.Core.Storage;

/// <summary>
/// The storage port. Every store (embedded SQLite, PostgreSQL) implements it and passes the one contract suite in
/// <c>tests/Baton.Storage.Contract</c>. Methods that change several rows do so atomically; a write that returned has
/// committed (the SQLite store answers each caller only after its group commit).
/// Time is always passed in, never read from a clock here, so rules stay testable.
/// The port is split by area into interfaces (<see cref="IKnowledgeStore"/> for notes and docs, <see cref="IFleetStore"/>
/// for machines, <see cref="IAlertStore"/> for alerts, webhooks and cadence); every store implements all of them, so this one inherits them.
/// </summary>
public interface IBatonStore : IKnowledgeStore, IFleetStore, IAlertStore, IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres"; shown by <c>/healthz</c> and the briefing header.</summary>
    string Kind { get; }

    /// <summary>Applies pending migrations (in a transaction, recorded) and prepares connections. Call once at start.</summary>
    Task InitializeAsync(CancellationToken ct);

    // ---- ventures ----
    Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct);
    Task<Venture?> FindVentureOrNullAsync(string code, CancellationToken ct);
    /// <summary>All ventures, ordered by code.</summary>
    Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct);

    // ---- api keys ----
    Task InsertApiKeyAsync(ApiKey key, CancellationToken ct);
    Task<ApiKey?> FindApiKeyByHashOrNullAsync(string keyHash, CancellationToken ct);
    /// <summary>All keys (revoked ones too), newest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken ct);
    /// <summary>Marks the key revoked at <paramref name="now"/> (a no-op when already revoked); null when no such key.</summary>
    Task<ApiKey?> RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct);
    Task<bool> AnyAdminKeyAsync(CancellationToken ct);

    // ---- sessions ----
    /// <summary>
    /// SOD's resume-or-create (DESIGN.md §4) in one transaction: loads the stored-active sessions for the candidate's
    /// (agent, venture, repo, track), asks <see cref="Rules.SessionRules.Decide"/> what to do, applies it, and returns
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
    /// EOD: ends the session (manual) and stores <paramref name="handoff"/> in one transaction. When the session already
    /// has its EOD handoff, changes nothing and returns the stored pair (so EOD is repeatable). A session that was
    /// superseded or abandoned keeps its status, but the handoff is still stored: work is never lost.
    /// </summary>
    Task<EodOutcome> EndSessionAsync(string sessionId, Handoff handoff, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    Task<Page<Session>> ListSessionsAsync(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    // ---- handoffs ----
    Task InsertHandoffAsync(Handoff handoff, CancellationToken ct);
    Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct);
    /// <summary>Newest first, exact total. <see cref="HandoffQuery.Origin"/> picks own or addressed handoffs.</summary>
    Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct);

    // ---- idempotency (DESIGN.md §7) ----
    /// <summary>
    /// Claims (route, actor, key) for a new request, or reports what already holds it. Expired records are treated as
    /// absent. A claim is a pending record that <see cref="CompleteIdempotencyAsync"/> or <see cref="ReleaseIdempotencyAsync"/> ends.
    /// </summary>
    Task<IdempotencyClaim> ClaimIdempotencyAsync(IdempotencyKey key, string requestHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct);
    Task CompleteIdempotencyAsync(IdempotencyKey key, StoredResponse response, CancellationToken ct);
    /// <summary>Forgets a pending claim (the request failed before producing an answer worth replaying).</summary>
    Task ReleaseIdempotencyAsync(IdempotencyKey key, CancellationToken ct);

    // ---- request log and housekeeping ----
    Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);
    Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct);
    /// <summary>Deletes request-log rows older than <paramref name="logBefore"/> and idempotency records expired by <paramref name="now"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct);
}

/// <summary>What <see cref="IBatonStore.StartOrResumeSessionAsync"/> did.</summary>
/// <param name="Session">The session to use from now on.</param>
/// <param name="Resumed">True when an existing fresh session was resumed.</param>
/// <param name="Superseded">Ids of duplicate active sessions ended as superseded.</param>
/// <param name="Abandoned">Id of a stale session marked abandoned, if any.</param>
public sealed record SodOutcome(Session Session, bool Resumed, IReadOnlyList<string> Superseded, string? Abandoned);

public enum TouchResult { Touched, NotFound, NotActive }

/// <summary>What a heartbeat or update did. <see cref="Session"/> is null only for <see cref="TouchResult.NotFound"/>.</summary>
public sealed record TouchOutcome(TouchResult Result, Session? Session);

public enum EodResult { Ended, AlreadyEnded, NotFound }

/// <summary>What EOD did. For <see cref="EodResult.AlreadyEnded"/>, <see cref="Handoff"/> is the one stored by the first EOD.</summary>
public sealed record EodOutcome(EodResult Result, Session? Session, Handoff? Handoff);

/// <summary>Fields an update may change; null leaves a field as it is.</summary>
public sealed record SessionUpdate(string? Branch, string? CommitSha, int? IssueNumber, System.Text.Json.Nodes.JsonObject? Meta);

/// <summary>Filter for session lists. <see cref="Status"/> is the status as judged at read time.</summary>
public sealed record SessionQuery(string? Venture, SessionStatus? Status, PageRequest Page, string? Agent = null, string? Repo = null);

/// <summary>Which handoffs of a venture a query means.</summary>
public enum HandoffOrigin
{
    /// <summary>Every handoff stored under the venture.</summary>
    Any,
    /// <summary>Handoffs written within the venture (<c>source_venture</c> is null): the "last handoff" of a track.</summary>
    Own,
    /// <summary>Cross-venture handoffs other ventures addressed to this one (<c>source_venture</c> set).</summary>
    Addressed,
}

public sealed record HandoffQuery(
    string? Venture,
    string? Repo,
    string? Track,
    int? IssueNumber,
    PageRequest Page,
    HandoffOrigin Origin = HandoffOrigin.Any);

public readonly record struct IdempotencyKey(string Route, string ActorKeyId, string Key);

public enum IdempotencyClaimResult { Claimed, Replay, Mismatch, InFlight }

/// <summary>Result of a claim; <see cref="Response"/> is set for <see cref="IdempotencyClaimResult.Replay"/>.</summary>
public sealed record IdempotencyClaim(IdempotencyClaimResult Result, StoredResponse? Response);

/// <summary>
/// A response kept for replay. Bodies under 64 KB are kept whole (<see cref="Body"/>); larger ones only as
/// <see cref="BodyHash"/>, and a replay of those answers with the status and a note that the body was not kept.
/// </summary>
public sealed record StoredResponse(int Status, string ContentType, byte[]? Body, string? BodyHash, string? Location);

public sealed record RequestLogEntry(
    DateTimeOffset Timestamp,
    string CorrelationId,
    string Route,
    string Method,
    int Status,
    double DurationMs,
    string? ActorKeyId,
    string? Venture,
    string? ErrorCode);
