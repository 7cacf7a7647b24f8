using Baton.Core.Keys;
using Baton.Core.Ventures;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ventures);
        if (ventures.Count == 0) return Task.CompletedTask;
        // One transaction: replicas loading the registry at start apply it whole or not at all.
        return WriteInTransactionAsync(async db =>
        {
            foreach (var v in ventures)
            {
                await db.ExecuteAsync($"""
                    INSERT INTO ventures ({Rows.VentureColumns}) VALUES ({Rows.VentureValues})
                    ON CONFLICT (code) DO UPDATE SET
                        name = excluded.name, org = excluded.org, repos = excluded.repos,
                        capabilities = excluded.capabilities, secrets_path = excluded.secrets_path,
                        design_spec = excluded.design_spec, platform = excluded.platform, note_tags = excluded.note_tags,
                        daily_budget_usd = excluded.daily_budget_usd,
                        follow_ups = excluded.follow_ups,
                        workflow = excluded.workflow
                    """, ct, Rows.VentureArgs(v)).ConfigureAwait(false);
            }
            return true;
        }, ct);
    }

    public Task<Venture?> FindVentureOrNullAsync(string code, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.VentureColumns} FROM ventures WHERE code = @code", Rows.Venture, ct, ("code", code)), ct);

    public async Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"SELECT {Rows.VentureColumns} FROM ventures ORDER BY code", Rows.Venture, ct), ct).ConfigureAwait(false);

    public Task<ApiKey> InsertApiKeyAsync(ApiKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(async db =>
        {
            await db.ExecuteAsync($"INSERT INTO api_keys ({Rows.ApiKeyColumns}) VALUES ({Rows.ApiKeyValues})", ct, Rows.ApiKeyArgs(key))
                .ConfigureAwait(false);
            return key;
        }, ct);
    }

    public Task<ApiKey?> FindApiKeyByHashOrNullAsync(string keyHash, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.ApiKeyColumns} FROM api_keys WHERE key_hash = @hash", Rows.ApiKey, ct, ("hash", keyHash)), ct);

    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"SELECT {Rows.ApiKeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", Rows.ApiKey, ct), ct)
            .ConfigureAwait(false);

    public Task<ApiKey?> RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            // The first revocation time stands; revoking again changes nothing.
            await db.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", ct,
                ("id", id), ("now", Rows.Ms(now))).ConfigureAwait(false);
            return await db.FirstOrDefaultAsync($"SELECT {Rows.ApiKeyColumns} FROM api_keys WHERE id = @id", Rows.ApiKey, ct, ("id", id)).ConfigureAwait(false);
        }, ct);

    public Task<bool> AnyAdminKeyAsync(CancellationToken ct) =>
        RunAsync(async db => await db.ScalarAsync("SELECT count(*) FROM (SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1) k", ct)
            .ConfigureAwait(false) != 0, ct);
}
