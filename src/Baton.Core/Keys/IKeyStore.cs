namespace Baton.Core.Keys;

/// <summary>API keys as stored: only their SHA-256 hashes, never the keys.</summary>
public interface IKeyStore
{
    /// <summary>Stores the key and returns it as stored. Under an Idempotency-Key whose earlier attempt already stored it, returns that one (docs/architecture.md §7).</summary>
    Task<ApiKey> InsertApiKeyAsync(ApiKey key, CancellationToken ct);
    Task<ApiKey?> FindApiKeyByHashOrNullAsync(string keyHash, CancellationToken ct);
    /// <summary>All keys (revoked ones too), newest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken ct);
    /// <summary>Marks the key revoked at <paramref name="now"/> (a no-op when already revoked); null when no such key.</summary>
    Task<ApiKey?> RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct);
    Task<bool> AnyAdminKeyAsync(CancellationToken ct);
}
