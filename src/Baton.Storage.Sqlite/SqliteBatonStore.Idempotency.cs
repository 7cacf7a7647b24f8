using Baton.Core.Common;
using Baton.Core.Requests;
using Baton.Storage.Relational;


namespace Baton.Storage.Sqlite;

/// <summary>
/// Idempotency records (docs/architecture.md §7, decisions/0013-idempotency-commits-with-the-write.md). A write made
/// while an <see cref="IdempotencyScope"/> is current runs in the writer's group like any other, and in the same
/// savepoint reads the key's record, decides (<see cref="IdempotencyRules.DecideWrite"/>) and appends its result — so
/// the write and the record that it was done commit together or not at all.
/// </summary>
public sealed partial class SqliteBatonStore
{
    private const string KeyMatch = "route = $route AND actor_key_id = $actor AND key = $key";

    public Task<IdempotencyRecord?> FindIdempotencyAsync(IdempotencyKey key, DateTimeOffset now, CancellationToken ct) =>
        ReadAsync(db => IdempotencyRules.Live(FindRecord(db, key), now), ct);

    public Task CompleteIdempotencyAsync(IdempotencyScope scope, StoredResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(response);
        return WriteUnkeyedAsync(db =>
        {
            var decision = IdempotencyRules.DecideAnswer(FindRecord(db, scope.Key), scope);
            if (decision == AnswerDecision.Insert)
            {
                db.Execute("""
                    INSERT OR REPLACE INTO idempotency (route, actor_key_id, key, request_hash, state, created_at, expires_at)
                    VALUES ($route, $actor, $key, $hash, 'completed', $now, $expires)
                    """, [.. Args(scope.Key), ("$hash", scope.RequestHash), ("$now", Rows.Ms(scope.Now)), ("$expires", Rows.Ms(scope.ExpiresAt))]);
            }
            if (decision != AnswerDecision.Keep)
            {
                db.Execute($"""
                    UPDATE idempotency SET state = 'completed', response_status = $status, response_content_type = $content_type,
                        response_body = $body, response_body_hash = $body_hash, response_location = $location
                    WHERE {KeyMatch}
                    """,
                    [.. Args(scope.Key), ("$status", response.Status), ("$content_type", response.ContentType), ("$body", response.Body),
                     ("$body_hash", response.BodyHash), ("$location", response.Location)]);
            }
            return decision;
        }, ct);
    }

    /// <summary>
    /// Write number <paramref name="position"/> of the request in <paramref name="scope"/>, inside its savepoint: an
    /// earlier attempt's result if it made this write, else the write itself with its result recorded beside it.
    /// </summary>
    private static T WriteUnderKey<T>(Db db, IdempotencyScope scope, int position, Func<Db, T> work)
    {
        var stored = FindRecord(db, scope.Key);
        switch (IdempotencyRules.DecideWrite(stored, scope, position))
        {
            case WriteDecision.Reuse reuse:
                return IdempotencyRows.Replay<T>(reuse.Stored);
            case WriteDecision.Refuse refuse:
                scope.MarkRefused();
                throw new BatonException(refuse.Code, refuse.Detail);
            case WriteDecision.Perform { Fresh: true }:
            {
                var result = work(db);
                // REPLACE: an expired record of this key (another request, long ago) gives way.
                db.Execute("""
                    INSERT OR REPLACE INTO idempotency (route, actor_key_id, key, request_hash, state, created_at, expires_at, writes)
                    VALUES ($route, $actor, $key, $hash, 'pending', $now, $expires, $writes)
                    """, [.. Args(scope.Key), ("$hash", scope.RequestHash), ("$now", Rows.Ms(scope.Now)), ("$expires", Rows.Ms(scope.ExpiresAt)),
                          ("$writes", IdempotencyRows.EncodeWrites([IdempotencyRows.Keep(result)]))]);
                return result;
            }
            default:
            {
                var result = work(db);
                db.Execute($"UPDATE idempotency SET writes = $writes WHERE {KeyMatch}",
                    [.. Args(scope.Key), ("$writes", IdempotencyRows.EncodeWrites([.. stored!.Writes, IdempotencyRows.Keep(result)]))]);
                return result;
            }
        }
    }

    private static IdempotencyRecord? FindRecord(Db db, IdempotencyKey key) =>
        db.FirstOrDefault($"SELECT {IdempotencyRows.Columns} FROM idempotency WHERE {KeyMatch}", IdempotencyRows.Record, Args(key));

    private static (string Name, object? Value)[] Args(IdempotencyKey key) =>
        [("$route", key.Route), ("$actor", key.ActorKeyId), ("$key", key.Key)];
}
