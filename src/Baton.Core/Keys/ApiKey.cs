using Baton.Core.Common;


namespace Baton.Core.Keys;

/// <summary>
/// A stored API key. The key itself is never stored: only <see cref="KeyHash"/> (SHA-256 hex of the key) and
/// <see cref="ActorKeyId"/> (its first 16 hex characters), which is what every record and log line names as the actor.
/// </summary>
public sealed record ApiKey(
    string Id,
    string Name,
    KeyRole Role,
    string? Venture,
    string KeyHash,
    string ActorKeyId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    string? CreatedBy);
