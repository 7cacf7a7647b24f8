using Baton.Core.Common;

namespace Baton.Core.Keys;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

// The operations every front end offers. Local mode implements them in-process over the store (this assembly);
// server mode implements them over HTTP (Baton.Client). One contract suite runs against both. Failures a caller can
// act on are thrown as BatonException with a stable code.

public sealed record CreateKeyRequest(KeyRole? Role, string? Name, string? Venture = null);

/// <summary>The answer to creating a key: the only time <see cref="Key"/> is ever shown.</summary>
public sealed record CreatedKey(string Id, string Key, string ActorKeyId, KeyRole Role, string Name, string? Venture);

/// <summary>A key as lists show it: never the key, never the hash.</summary>
public sealed record ApiKeyInfo(string Id, string Name, KeyRole Role, string? Venture, string ActorKeyId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyInfo From(ApiKey key) => new(key.Id, key.Name, key.Role, key.Venture, key.ActorKeyId, key.CreatedAt, key.RevokedAt);
}

public interface IKeyService
{
    Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct);
    Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct);
    Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken ct);
}
