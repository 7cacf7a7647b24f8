using Baton.Core.Requests;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    private const string KeyMatch = "route = $route AND actor_key_id = $actor AND key = $key";

    public Task<IdempotencyClaim> ClaimIdempotencyAsync(IdempotencyKey key, string requestHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct) =>
        WriteAsync(db =>
        {
            var existing = db.FirstOrDefault($"""
                SELECT request_hash, state, expires_at, response_status, response_content_type, response_body,
                       response_body_hash, response_location
                FROM idempotency WHERE {KeyMatch}
                """,
                r => new
                {
                    RequestHash = r.GetString(0),
                    Completed = r.GetString(1) == "completed",
                    ExpiresAt = r.GetInt64(2),
                    Response = r.IsDBNull(3) ? null : new StoredResponse(
                        Status: r.GetInt32(3),
                        ContentType: r.GetString(4),
                        Body: r.IsDBNull(5) ? null : (byte[])r.GetValue(5),
                        BodyHash: r.IsDBNull(6) ? null : r.GetString(6),
                        Location: r.IsDBNull(7) ? null : r.GetString(7)),
                },
                Args(key));

            // An expired record counts as absent: the claim below replaces it.
            if (existing is not null && existing.ExpiresAt > Rows.Ms(now))
            {
                // A different request under the same key is the caller's mistake, whether or not the first finished.
                if (!string.Equals(existing.RequestHash, requestHash, StringComparison.Ordinal))
                    return new IdempotencyClaim(IdempotencyClaimResult.Mismatch, null);
                return existing.Completed
                    ? new IdempotencyClaim(IdempotencyClaimResult.Replay, existing.Response)
                    : new IdempotencyClaim(IdempotencyClaimResult.InFlight, null);
            }

            db.Execute("""
                INSERT OR REPLACE INTO idempotency (route, actor_key_id, key, request_hash, state, created_at, expires_at)
                VALUES ($route, $actor, $key, $hash, 'pending', $now, $expires)
                """,
                [.. Args(key), ("$hash", requestHash), ("$now", Rows.Ms(now)), ("$expires", Rows.Ms(expiresAt))]);
            return new IdempotencyClaim(IdempotencyClaimResult.Claimed, null);
        }, ct);

    public Task CompleteIdempotencyAsync(IdempotencyKey key, StoredResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        return WriteAsync(db => db.Execute($"""
            UPDATE idempotency SET state = 'completed', response_status = $status, response_content_type = $content_type,
                response_body = $body, response_body_hash = $body_hash, response_location = $location
            WHERE {KeyMatch}
            """,
            [.. Args(key), ("$status", response.Status), ("$content_type", response.ContentType), ("$body", response.Body),
             ("$body_hash", response.BodyHash), ("$location", response.Location)]), ct);
    }

    public Task ReleaseIdempotencyAsync(IdempotencyKey key, CancellationToken ct) =>
        // Only a pending claim is forgotten; a completed answer stays replayable until it expires.
        WriteAsync(db => db.Execute($"DELETE FROM idempotency WHERE {KeyMatch} AND state = 'pending'", Args(key)), ct);

    private static (string Name, object? Value)[] Args(IdempotencyKey key) =>
        [("$route", key.Route), ("$actor", key.ActorKeyId), ("$key", key.Key)];
}
