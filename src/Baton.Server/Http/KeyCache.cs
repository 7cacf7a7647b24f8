using System.Collections.Concurrent;
using Baton.Core.Keys;
using Baton.Core.Storage;

namespace Baton.Server.Http;

/// <summary>
/// Key hash → API key, so authenticating a request normally costs one SHA-256 and a dictionary lookup instead of a
/// store read (docs/architecture.md §7). Only live keys are cached (an unknown hash is not, so guessing keys cannot fill memory).
/// Revocation through this server removes the entry at once; an entry also expires after <see cref="TimeToLive"/>, so
/// a key revoked by another process sharing the store (local-mode CLI on the same data directory) stops working
/// within that time. On a store shared by replicas (PostgreSQL) the entry lives <see cref="SharedStoreTimeToLive"/>:
/// revocation through any replica then holds everywhere within a second, for one key read a second per active key
/// and replica — cheaper and simpler than a LISTEN connection per replica, and it cannot miss a notification.
/// </summary>
internal sealed class KeyCache(IBatonStore store, TimeProvider clock, TimeSpan timeToLive)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    /// <summary>Entry lifetime when several replicas share the store: the "revoked everywhere within a second" promise.</summary>
    public static readonly TimeSpan SharedStoreTimeToLive = TimeSpan.FromSeconds(1);

    public KeyCache(IBatonStore store, TimeProvider clock) : this(store, clock, TimeToLive) { }

    private sealed record Entry(ApiKey Key, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Entry> _byHash = new(StringComparer.Ordinal);

    // Bumped by every invalidation. A lookup that started before an invalidation does not cache what it read, so a
    // revocation racing a request can never leave the revoked key cached.
    private long _generation;

    /// <summary>The live (not revoked) key with this hash, or null.</summary>
    public async ValueTask<ApiKey?> FindLiveKeyOrNullAsync(string keyHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_byHash.TryGetValue(keyHash, out var cached) && cached.ExpiresAt > now) return cached.Key;

        var generation = Interlocked.Read(ref _generation);
        var key = await store.FindApiKeyByHashOrNullAsync(keyHash, ct);
        if (key is null || key.RevokedAt is not null)
        {
            _byHash.TryRemove(keyHash, out _);
            return null;
        }

        if (Interlocked.Read(ref _generation) == generation)
            _byHash[keyHash] = new Entry(key, now + timeToLive);
        return key;
    }

    /// <summary>Forgets the key with this id (after it was revoked), effective for the next request.</summary>
    public void Invalidate(string keyId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.Key.Id == keyId) _byHash.TryRemove(hash, out _);
        }
    }
}
