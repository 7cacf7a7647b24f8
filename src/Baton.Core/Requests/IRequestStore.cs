namespace Baton.Core.Requests;

/// <summary>What the HTTP layer keeps per request: idempotency records (docs/architecture.md §7) and the request log.</summary>
public interface IRequestStore
{
    /// <summary>
    /// The live record of (route, actor, key), or null when there is none or it has expired. The record holds the
    /// writes made under the key (each committed in the same transaction as the write itself, by the store's own
    /// writes while an <see cref="IdempotencyScope"/> is current) and the answer once stored.
    /// </summary>
    Task<IdempotencyRecord?> FindIdempotencyAsync(IdempotencyKey key, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Keeps <paramref name="response"/> as the answer of the request in <paramref name="scope"/>
    /// (<see cref="IdempotencyRules.DecideAnswer"/>: the first answer wins; another request's record is left alone).
    /// This step may be lost in a crash: a retry then re-runs the request, and its writes are answered from the record.
    /// </summary>
    Task CompleteIdempotencyAsync(IdempotencyScope scope, StoredResponse response, CancellationToken ct);

    Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);
    Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct);
    /// <summary>Deletes request-log rows older than <paramref name="logBefore"/> and idempotency records expired by <paramref name="now"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct);
}

public readonly record struct IdempotencyKey(string Route, string ActorKeyId, string Key);

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
