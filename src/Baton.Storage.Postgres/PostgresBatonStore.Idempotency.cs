using Baton.Core.Common;
using Baton.Core.Requests;
using Baton.Storage.Relational;


namespace Baton.Storage.Postgres;

/// <summary>
/// Idempotency records (docs/architecture.md §7, decisions/0013-idempotency-commits-with-the-write.md). A write made
/// while an <see cref="IdempotencyScope"/> is current runs in a transaction that first locks the key's record
/// (inserting an empty one if there is none), decides (<see cref="IdempotencyRules.DecideWrite"/>), and appends its
/// result before COMMIT — so the write and the record that it was done commit together or not at all, and two
/// attempts racing on two replicas take turns on the record's row: the second finds the first's result and reuses it.
/// </summary>
public sealed partial class PostgresBatonStore
{
    private const string KeyMatch = "route = @route AND actor_key_id = @actor AND key = @key";

    public Task<IdempotencyRecord?> FindIdempotencyAsync(IdempotencyKey key, DateTimeOffset now, CancellationToken ct) =>
        RunAsync(async db => IdempotencyRules.Live(
            await db.FirstOrDefaultAsync($"SELECT {IdempotencyRows.Columns} FROM idempotency WHERE {KeyMatch}", IdempotencyRows.Record, ct, Args(key))
                .ConfigureAwait(false), now), ct);

    public Task CompleteIdempotencyAsync(IdempotencyScope scope, StoredResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(response);
        return InTransactionAsync(async db =>
        {
            var stored = await LockRecordAsync(db, scope, ct).ConfigureAwait(false);
            var decision = IdempotencyRules.DecideAnswer(stored, scope);
            if (decision == AnswerDecision.Keep) return decision;
            await db.ExecuteAsync($"""
                UPDATE idempotency SET state = 'completed', response_status = @status, response_content_type = @content_type,
                    response_body = @body, response_body_hash = @body_hash, response_location = @location
                    {(decision == AnswerDecision.Insert ? ", request_hash = @hash, created_at = @now, expires_at = @expires, writes = NULL" : "")}
                WHERE {KeyMatch}
                """, ct,
                [.. Args(scope.Key), ("status", response.Status), ("content_type", response.ContentType), ("body", response.Body),
                 ("body_hash", response.BodyHash), ("location", response.Location), ("hash", scope.RequestHash),
                 ("now", Rows.Ms(scope.Now)), ("expires", Rows.Ms(scope.ExpiresAt))]).ConfigureAwait(false);
            return decision;
        }, ct);
    }

    /// <summary>
    /// Write number <paramref name="position"/> of the request in <paramref name="scope"/>, inside its transaction: an
    /// earlier attempt's result if it made this write, else the write itself with its result recorded beside it.
    /// </summary>
    private static async Task<T> WriteUnderKeyAsync<T>(Db db, IdempotencyScope scope, int position, Func<Db, Task<T>> work, CancellationToken ct)
    {
        var stored = await LockRecordAsync(db, scope, ct).ConfigureAwait(false);
        var decision = IdempotencyRules.DecideWrite(stored, scope, position);
        switch (decision)
        {
            case WriteDecision.Reuse reuse:
                return IdempotencyRows.Replay<T>(reuse.Stored);
            case WriteDecision.Refuse refuse:
                scope.MarkRefused();
                throw new BatonException(refuse.Code, refuse.Detail);
        }

        var fresh = decision is WriteDecision.Perform { Fresh: true };
        var result = await work(db).ConfigureAwait(false);
        IReadOnlyList<StoredWrite> writes = fresh ? [IdempotencyRows.Keep(result)] : [.. stored!.Writes, IdempotencyRows.Keep(result)];
        await db.ExecuteAsync($"""
            UPDATE idempotency SET writes = @writes
                {(fresh ? ", request_hash = @hash, state = 'pending', created_at = @now, expires_at = @expires, response_status = NULL, response_content_type = NULL, response_body = NULL, response_body_hash = NULL, response_location = NULL" : "")}
            WHERE {KeyMatch}
            """, ct,
            [.. Args(scope.Key), ("writes", IdempotencyRows.EncodeWrites(writes)), ("hash", scope.RequestHash),
             ("now", Rows.Ms(scope.Now)), ("expires", Rows.Ms(scope.ExpiresAt))]).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The key's record, locked to the end of this transaction. A key nobody holds gets an empty record of this request
    /// first, so there is always a row to lock: a racing attempt's insert waits for this transaction, then finds it.
    /// (RETURNING gives the insert a result set of its own, which the batch skips before reading the record.)
    /// </summary>
    private static async Task<IdempotencyRecord?> LockRecordAsync(Db db, IdempotencyScope scope, CancellationToken ct)
    {
        var rows = await db.ListAfterAsync("""
            INSERT INTO idempotency (route, actor_key_id, key, request_hash, state, created_at, expires_at)
            VALUES (@route, @actor, @key, @hash, 'pending', @now, @expires)
            ON CONFLICT (route, actor_key_id, key) DO NOTHING
            RETURNING 1
            """, $"SELECT {IdempotencyRows.Columns} FROM idempotency WHERE {KeyMatch} FOR UPDATE", IdempotencyRows.Record, ct,
            [.. Args(scope.Key), ("hash", scope.RequestHash), ("now", Rows.Ms(scope.Now)), ("expires", Rows.Ms(scope.ExpiresAt))]).ConfigureAwait(false);
        return rows.SingleOrDefault();
    }

    private static (string Name, object? Value)[] Args(IdempotencyKey key) =>
        [("route", key.Route), ("actor", key.ActorKeyId), ("key", key.Key)];
}
