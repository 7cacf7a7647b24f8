namespace Baton.Core.Requests;

/// <summary>What the HTTP layer keeps per request: idempotency records (docs/architecture.md §7) and the request log.</summary>
public interface IRequestStore
{
    /// <summary>
    /// Claims (route, actor, key) for a new request, or reports what already holds it. Expired records are treated as
    /// absent. A claim is a pending record that <see cref="CompleteIdempotencyAsync"/> or <see cref="ReleaseIdempotencyAsync"/> ends.
    /// </summary>
    Task<IdempotencyClaim> ClaimIdempotencyAsync(IdempotencyKey key, string requestHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct);
    Task CompleteIdempotencyAsync(IdempotencyKey key, StoredResponse response, CancellationToken ct);
    /// <summary>Forgets a pending claim (the request failed before producing an answer worth replaying).</summary>
    Task ReleaseIdempotencyAsync(IdempotencyKey key, CancellationToken ct);

    Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);
    Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct);
    /// <summary>Deletes request-log rows older than <paramref name="logBefore"/> and idempotency records expired by <paramref name="now"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct);
}

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
