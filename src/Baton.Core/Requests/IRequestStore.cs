using Baton.Core.Ventures;


namespace Baton.Core.Requests;

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
