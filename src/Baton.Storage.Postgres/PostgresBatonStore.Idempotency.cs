using Baton.Core.Requests;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    private const string KeyMatch = "route = @route AND actor_key_id = @actor AND key = @key";

    public Task<IdempotencyClaim> ClaimIdempotencyAsync(IdempotencyKey key, string requestHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct) =>
        RunAsync(async db =>
        {
            // Replicas share this table, so the claim must be atomic in the database: one upsert that inserts a pending
            // record, or replaces an expired one, and otherwise leaves the holder alone. A row back means "claimed".
            // Nothing back means someone holds the key: read what they hold. If that read finds nothing (the holder
            // released it in between), claim again.
            for (var attempt = 0; ; attempt++)
            {
                var claimed = await db.ScalarAsync($"""
                    WITH claimed AS (
                        INSERT INTO idempotency AS i (route, actor_key_id, key, request_hash, state, created_at, expires_at)
                        VALUES (@route, @actor, @key, @hash, 'pending', @now, @expires)
                        ON CONFLICT (route, actor_key_id, key) DO UPDATE SET
                            request_hash = excluded.request_hash, state = 'pending', created_at = excluded.created_at,
                            expires_at = excluded.expires_at, response_status = NULL, response_content_type = NULL,
                            response_body = NULL, response_body_hash = NULL, response_location = NULL
                        WHERE i.expires_at <= @now
                        RETURNING 1)
                    SELECT count(*) FROM claimed
                    """, ct, [.. Args(key), ("hash", requestHash), ("now", Rows.Ms(now)), ("expires", Rows.Ms(expiresAt))]).ConfigureAwait(false);
                if (claimed == 1) return new IdempotencyClaim(IdempotencyClaimResult.Claimed, null);

                var existing = await db.FirstOrDefaultAsync($"""
                    SELECT request_hash, state, response_status, response_content_type, response_body, response_body_hash, response_location
                    FROM idempotency WHERE {KeyMatch}
                    """,
                    r => new
                    {
                        RequestHash = r.GetString(0),
                        Completed = r.GetString(1) == "completed",
                        Response = r.IsDBNull(2) ? null : new StoredResponse(
                            Status: r.GetInt32(2),
                            ContentType: r.GetString(3),
                            Body: r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4),
                            BodyHash: r.IsDBNull(5) ? null : r.GetString(5),
                            Location: r.IsDBNull(6) ? null : r.GetString(6)),
                    }, ct, Args(key)).ConfigureAwait(false);
                if (existing is null)
                {
                    if (attempt < 3) continue;
                    // Claimed and released over and over by others: report it as in flight, which the client retries.
                    return new IdempotencyClaim(IdempotencyClaimResult.InFlight, null);
                }

                if (!string.Equals(existing.RequestHash, requestHash, StringComparison.Ordinal))
                    return new IdempotencyClaim(IdempotencyClaimResult.Mismatch, null);
                return existing.Completed
                    ? new IdempotencyClaim(IdempotencyClaimResult.Replay, existing.Response)
                    : new IdempotencyClaim(IdempotencyClaimResult.InFlight, null);
            }
        }, ct);

    public Task CompleteIdempotencyAsync(IdempotencyKey key, StoredResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        return RunAsync(db => db.ExecuteAsync($"""
            UPDATE idempotency SET state = 'completed', response_status = @status, response_content_type = @content_type,
                response_body = @body, response_body_hash = @body_hash, response_location = @location
            WHERE {KeyMatch}
            """, ct,
            [.. Args(key), ("status", response.Status), ("content_type", response.ContentType), ("body", response.Body),
             ("body_hash", response.BodyHash), ("location", response.Location)]), ct);
    }

    public Task ReleaseIdempotencyAsync(IdempotencyKey key, CancellationToken ct) =>
        RunAsync(db => db.ExecuteAsync($"DELETE FROM idempotency WHERE {KeyMatch} AND state = 'pending'", ct, Args(key)), ct);

    private static (string Name, object? Value)[] Args(IdempotencyKey key) =>
        [("route", key.Route), ("actor", key.ActorKeyId), ("key", key.Key)];
}
