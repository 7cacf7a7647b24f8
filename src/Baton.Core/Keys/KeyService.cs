using Baton.Core.Common;
using Baton.Core.Ventures;


namespace Baton.Core.Keys;

/// <summary>
/// Local implementation of <see cref="IKeyService"/>: admin-only key management. A key is returned once, at creation;
/// the store keeps only its SHA-256.
/// </summary>
internal sealed class KeyService(IKeyStore keys, IVentureStore ventures, BatonCore core, Caller caller) : IKeyService
{
    public async Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct)
    {
        caller.EnsureAdmin("Creating a key");
        var v = new Validator();
        var role = v.Required("role", request.Role);
        var name = v.Required("name", request.Name, 100);
        var venture = v.Text("venture", request.Venture, 12);
        v.ThrowIfAny();
        if (venture is not null) await VentureRules.FindOrThrowAsync(ventures, venture, ct);

        var (created, _) = await MintAsync(keys, core, role, name, venture, caller.ActorKeyId, ct);
        return created;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct)
    {
        caller.EnsureAdmin("Listing keys");
        return (await keys.ListApiKeysAsync(ct)).Select(ApiKeyInfo.From).ToList();
    }

    public async Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken ct)
    {
        caller.EnsureAdmin("Revoking a key");
        var revoked = await keys.RevokeApiKeyAsync(id, core.Now(), ct)
                      ?? throw new BatonException(ErrorCodes.KeyNotFound, $"There is no key '{id}'. `baton keys list` shows the key ids.");
        return ApiKeyInfo.From(revoked);
    }

    /// <summary>
    /// Makes and stores a new key. Also used by the server to mint the first admin key on a fresh data directory.
    /// </summary>
    public static async Task<(CreatedKey Created, ApiKey Stored)> MintAsync(
        IKeyStore keys, BatonCore core, KeyRole role, string name, string? venture, string? createdBy, CancellationToken ct)
    {
        var key = KeyHashing.NewKey();
        var hash = KeyHashing.Hash(key);
        var stored = new ApiKey(core.Ids.New(IdGenerator.Key), name, role, venture, hash, KeyHashing.ActorKeyIdOf(hash), core.Now(), null, createdBy);
        var inserted = await keys.InsertApiKeyAsync(stored, ct);
        if (!string.Equals(inserted.KeyHash, stored.KeyHash, StringComparison.Ordinal))
        {
            // A retry of a request whose first attempt created the key and then lost its answer in a crash: the key
            // exists, but its secret was only ever in that answer and is kept nowhere. Say so rather than hand out a
            // secret that opens nothing, or make a second key.
            throw new BatonException(ErrorCodes.KeySecretLost,
                $"The key {inserted.Id} was created by an earlier attempt of this request, but its answer (the only copy of the secret) was lost. " +
                $"Revoke it (`baton keys revoke {inserted.Id}`) and create a new one.");
        }
        return (new CreatedKey(stored.Id, key, stored.ActorKeyId, role, name, venture), stored);
    }
}
