using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Ventures;


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
