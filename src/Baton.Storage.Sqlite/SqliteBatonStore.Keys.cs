using Baton.Core.Keys;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<ApiKey> InsertApiKeyAsync(ApiKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(db =>
        {
            db.Execute($"INSERT INTO api_keys ({Rows.ApiKeyColumns}) VALUES ({Rows.ApiKeyValues})", Rows.ApiKeyArgs(key));
            return key;
        }, ct);
    }

    public Task<ApiKey?> FindApiKeyByHashOrNullAsync(string keyHash, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {Rows.ApiKeyColumns} FROM api_keys WHERE key_hash = $hash", Rows.ApiKey,
            ("$hash", keyHash)), ct);

    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken ct) =>
        await ReadAsync(db => db.List($"SELECT {Rows.ApiKeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", Rows.ApiKey), ct)
            .ConfigureAwait(false);

    public Task<ApiKey?> RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db =>
        {
            // The first revocation time stands; revoking again changes nothing.
            db.Execute("UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL",
                ("$id", id), ("$now", Rows.Ms(now)));
            return db.FirstOrDefault($"SELECT {Rows.ApiKeyColumns} FROM api_keys WHERE id = $id", Rows.ApiKey, ("$id", id));
        }, ct);

    /// <summary>True when a usable (not revoked) admin key exists; a start with none mints one.</summary>
    public Task<bool> AnyAdminKeyAsync(CancellationToken ct) =>
        ReadAsync(db => db.Scalar("SELECT EXISTS (SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL)") != 0, ct);
}
