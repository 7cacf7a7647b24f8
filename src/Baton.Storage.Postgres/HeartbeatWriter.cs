using System.Threading.Channels;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Storage.Relational;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's group commit for heartbeats (docs/architecture.md §8, as the SQLite store's GroupCommitWriter): every
/// heartbeat is queued here; one loop takes everything queued (up to a cap) and touches all those sessions with one
/// <c>UPDATE sessions … FROM unnest(…) … RETURNING</c> — one round trip, one autocommitted transaction, one WAL flush —
/// and only after that statement has committed answers each caller. Up to a few batches are in flight at once, each on
/// its own pooled connection: a batch spends most of its time waiting for its WAL flush, and PostgreSQL flushes the
/// commits that wait together once, so a second batch sent meanwhile costs almost no extra flush.
/// <para>
/// Why: under load a heartbeat's cost is not the row it changes but the statement and the commit around it (parse,
/// bind, execute, a WAL record and flush, a network round trip, a pooled connection rented). Sharing them among every
/// heartbeat that arrived meanwhile is what lets one replica keep up with the SQLite store.
/// </para>
/// <para>
/// The batch only does the fast path, with each heartbeat's own <c>now</c> and staleness cutoff: an active session
/// whose last heartbeat is newer than its cutoff. Whatever it did not touch — a missing, ended or stale session, a
/// second heartbeat of a session already in a batch in flight — and every heartbeat of a batch whose statement failed is
/// answered <c>null</c>: "not done, run it alone", and the caller runs the one-heartbeat path, which reports
/// NotFound / NotActive (or its own error) exactly as before. So a failure fails only the heartbeats it concerns.
/// </para>
/// <para>
/// A heartbeat under an Idempotency-Key (its request's first write) joins the batch too
/// (decisions/0017-heartbeat-path-and-wal-restart.md): a batch holding one runs as one transaction that inserts each
/// key's record if there is none, touches only the sessions whose record it inserted (and the unkeyed ones), writes
/// each touched heartbeat's result into its record, and deletes the records of those it did not touch — so each
/// request's heartbeat and its record commit together or not at all, as decisions/0013 asks. A key that already had
/// a record (a retry, a racing replica, another request's key) is not touched and runs alone, where the record's rules
/// decide, exactly as before.
/// </para>
/// </summary>
internal sealed class HeartbeatWriter : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatchSize;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxInFlight;
    // Sessions in a batch in flight: a session is never in two at once, so two batches never wait on each other's rows.
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Channel<Heartbeat> _queue =
        Channel.CreateUnbounded<Heartbeat>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Task _loop;
    private long _commitCount;
    private long _opCount;
    private int _queued;

    private readonly RoundTripCounter _roundTrips;

    public HeartbeatWriter(NpgsqlDataSource dataSource, int maxBatchSize, int maxInFlight, RoundTripCounter roundTrips)
    {
        _dataSource = dataSource;
        _roundTrips = roundTrips;
        _maxBatchSize = maxBatchSize;
        _maxInFlight = maxInFlight;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed and the heartbeats they touched (heartbeats answered "run it alone" are not counted).</summary>
    public PostgresStoreStatistics Statistics => new(Interlocked.Read(ref _commitCount), Interlocked.Read(ref _opCount));

    /// <summary>Heartbeats queued and not yet taken by the loop (test seam: lets a test see its heartbeats waiting together).</summary>
    internal int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Queues a heartbeat of session <paramref name="id"/> at <paramref name="now"/>; completes with the touched session
    /// once its batch has committed, or with null when the batch did not touch it (the caller then runs it alone).
    /// <paramref name="ct"/> is honoured until the batch is sent; after that the outcome is reported whatever happens to
    /// the token, so a caller never wonders whether a heartbeat it gave up on committed anyway.
    /// </summary>
    /// <param name="key">The request's key when this heartbeat is its first write under one; null for a plain heartbeat.</param>
    public Task<Session?> TouchAsync(string id, DateTimeOffset now, TimeSpan staleAfter, IdempotencyScope? key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var op = new Heartbeat(id, Rows.Ms(now), Rows.Ms(now - staleAfter), key, ct);
        // Counted before it is written, so the loop's decrement never runs first.
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(op))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(PostgresBatonStore), "The store is closed.");
        }
        return op.Completion.Task;
    }

    /// <summary>Stops taking heartbeats and finishes everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        // The loop has sent everything; wait for the batches still in flight to answer their callers.
        for (var i = 0; i < _maxInFlight; i++) await _slots.WaitAsync().ConfigureAwait(false);
        _slots.Dispose();
    }

    private async Task RunAsync()
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Wait for a free slot first: while every slot is busy, heartbeats pile up and the next batch carries them all.
            await _slots.WaitAsync().ConfigureAwait(false);
            var batch = new List<Heartbeat>();
            lock (_inFlight)
            {
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var op))
                {
                    Interlocked.Decrement(ref _queued);
                    if (op.CancellationToken.IsCancellationRequested) op.Completion.TrySetCanceled(op.CancellationToken);
                    // A row is updated once per statement, and two batches must not wait on each other's rows: a second
                    // heartbeat of a session already in flight runs alone (a one-row statement waits, never deadlocks).
                    else if (!_inFlight.Add(op.Id)) op.Completion.TrySetResult(null);
                    else batch.Add(op);
                }
            }
            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }
            _ = CommitBatchAsync(batch);
        }
    }

    /// <summary>Sends one batch and answers its callers; never throws (each caller learns its own outcome).</summary>
    private async Task CommitBatchAsync(List<Heartbeat> batch)
    {
        try
        {
            await SendBatchAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            lock (_inFlight)
            {
                foreach (var op in batch) _inFlight.Remove(op.Id);
            }
            _slots.Release();
        }
    }

    private async Task SendBatchAsync(List<Heartbeat> batch)
    {
        Dictionary<string, Session> touched;
        try
        {
            touched = await TouchAllAsync(batch).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever failed (a bad id, a lost connection, a cancelled pool wait), nothing tells which heartbeat caused
            // it: each runs alone, and only the ones that fail again see an error — their own.
            foreach (var op in batch) op.Completion.TrySetResult(null);
            return;
        }

        Interlocked.Increment(ref _commitCount);
        Interlocked.Add(ref _opCount, touched.Count);
        foreach (var op in batch) op.Completion.TrySetResult(touched.GetValueOrDefault(op.Id));
    }

    /// <summary>
    /// One statement, autocommitted — or, when the batch holds keyed heartbeats, one transaction: the sessions it
    /// touched, by id. Returns only after the commit.
    /// </summary>
    private async Task<Dictionary<string, Session>> TouchAllAsync(List<Heartbeat> batch)
    {
        // No token: once a batch is sent, its outcome is reported to every caller (see TouchAsync).
        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        // In id order, so batches on every replica lock their rows in the same order as a rule. Should two batches still
        // deadlock, PostgreSQL fails one of them and its heartbeats run alone (see SendBatchAsync): slower, never wrong.
        batch.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        if (batch.Exists(op => op.Key is not null)) return await TouchAllWithKeysAsync(connection, batch).ConfigureAwait(false);

        var db = new Db(connection, null, _roundTrips);
        var rows = await db.ListAsync($"""
            UPDATE sessions AS s SET last_heartbeat_at = b.now
            FROM unnest(@ids::text[], @nows::bigint[], @cutoffs::bigint[]) AS b(id, now, cutoff)
            WHERE s.id = b.id AND s.status = 'active' AND s.last_heartbeat_at > b.cutoff
            RETURNING {QualifiedSessionColumns}
            """, Rows.Session, CancellationToken.None,
            ("ids", batch.Select(op => op.Id).ToArray()),
            ("nows", batch.Select(op => op.Now).ToArray()),
            ("cutoffs", batch.Select(op => op.Cutoff).ToArray())).ConfigureAwait(false);
        var touched = new Dictionary<string, Session>(rows.Count, StringComparer.Ordinal);
        foreach (var session in rows) touched[session.Id] = session;
        return touched;
    }

    /// <summary>
    /// A batch with keyed heartbeats, in one transaction: the first statement inserts the records of the keys that
    /// have none (ON CONFLICT DO NOTHING waits for a racing attempt's insert and then leaves its record alone) and
    /// touches the unkeyed sessions and those whose key it inserted; the second writes each touched heartbeat's result
    /// into its record and deletes the records of keyed heartbeats it did not touch (they run alone, as if never sent).
    /// Three round trips and one commit for the whole batch.
    /// </summary>
    private async Task<Dictionary<string, Session>> TouchAllWithKeysAsync(NpgsqlConnection connection, List<Heartbeat> batch)
    {
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        var db = new Db(connection, transaction, _roundTrips);
        var rows = await db.ListAsync($"""
            WITH b AS (
                SELECT * FROM unnest(@ids::text[], @nows::bigint[], @cutoffs::bigint[], @routes::text[], @actors::text[], @keys::text[],
                                     @hashes::text[], @created::bigint[], @expires::bigint[])
                    AS b(id, now, cutoff, route, actor, key, hash, created, expires)
            ), fresh AS (
                INSERT INTO idempotency (route, actor_key_id, key, request_hash, state, created_at, expires_at)
                SELECT route, actor, key, hash, 'pending', created, expires FROM b WHERE key IS NOT NULL
                ON CONFLICT (route, actor_key_id, key) DO NOTHING
                RETURNING route, actor_key_id, key
            ), touched AS (
                UPDATE sessions AS s SET last_heartbeat_at = b.now
                FROM b
                WHERE s.id = b.id AND s.status = 'active' AND s.last_heartbeat_at > b.cutoff
                  AND (b.key IS NULL OR EXISTS (SELECT 1 FROM fresh f WHERE f.route = b.route AND f.actor_key_id = b.actor AND f.key = b.key))
                RETURNING {QualifiedSessionColumns}
            )
            SELECT t.*, b.id AS op_id, f.key IS NOT NULL AS inserted
            FROM b
            LEFT JOIN fresh f ON f.route = b.route AND f.actor_key_id = b.actor AND f.key = b.key
            LEFT JOIN touched t ON t.id = b.id
            """, r => (OpId: r.GetString(r.GetOrdinal("op_id")), Inserted: r.GetBoolean(r.GetOrdinal("inserted")),
                       Session: r.IsDBNull(r.GetOrdinal("id")) ? null : Rows.Session(r)),
            CancellationToken.None,
            ("ids", batch.Select(op => op.Id).ToArray()),
            ("nows", batch.Select(op => op.Now).ToArray()),
            ("cutoffs", batch.Select(op => op.Cutoff).ToArray()),
            ("routes", batch.Select(op => op.Key?.Key.Route).ToArray()),
            ("actors", batch.Select(op => op.Key?.Key.ActorKeyId).ToArray()),
            ("keys", batch.Select(op => op.Key?.Key.Key).ToArray()),
            ("hashes", batch.Select(op => op.Key?.RequestHash).ToArray()),
            ("created", batch.Select(op => op.Key is { } k ? Rows.Ms(k.Now) : (long?)null).ToArray()),
            ("expires", batch.Select(op => op.Key is { } k ? Rows.Ms(k.ExpiresAt) : (long?)null).ToArray())).ConfigureAwait(false);

        var byId = batch.ToDictionary(op => op.Id, StringComparer.Ordinal);
        var touched = new Dictionary<string, Session>(rows.Count, StringComparer.Ordinal);
        var recorded = new List<(IdempotencyKey Key, string Writes)>();
        var dropped = new List<IdempotencyKey>();
        foreach (var (opId, inserted, session) in rows)
        {
            var op = byId[opId];
            if (op.Key is null)
            {
                if (session is not null) touched[opId] = session;
            }
            else if (inserted && session is not null)
            {
                touched[opId] = session;
                // The result the one-heartbeat path would have kept for this write: a retry replays it from here.
                recorded.Add((op.Key.Key, IdempotencyRows.EncodeWrites([IdempotencyRows.Keep(new TouchOutcome(TouchResult.Touched, session))])));
            }
            else if (inserted)
            {
                dropped.Add(op.Key.Key);
            }
        }

        if (recorded.Count > 0 || dropped.Count > 0)
        {
            await using var second = new NpgsqlBatch(connection, transaction);
            if (recorded.Count > 0)
            {
                second.BatchCommands.Add(Command("""
                    UPDATE idempotency AS i SET writes = w.writes
                    FROM unnest(@routes::text[], @actors::text[], @keys::text[], @writes::text[]) AS w(route, actor, key, writes)
                    WHERE i.route = w.route AND i.actor_key_id = w.actor AND i.key = w.key
                    """,
                    ("routes", recorded.Select(r => r.Key.Route).ToArray()), ("actors", recorded.Select(r => r.Key.ActorKeyId).ToArray()),
                    ("keys", recorded.Select(r => r.Key.Key).ToArray()), ("writes", recorded.Select(r => r.Writes).ToArray())));
            }
            if (dropped.Count > 0)
            {
                second.BatchCommands.Add(Command("""
                    DELETE FROM idempotency AS i
                    USING unnest(@routes::text[], @actors::text[], @keys::text[]) AS d(route, actor, key)
                    WHERE i.route = d.route AND i.actor_key_id = d.actor AND i.key = d.key
                    """,
                    ("routes", dropped.Select(k => k.Route).ToArray()), ("actors", dropped.Select(k => k.ActorKeyId).ToArray()),
                    ("keys", dropped.Select(k => k.Key).ToArray())));
            }
            await second.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return touched;
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in args) command.Parameters.Add(new NpgsqlParameter(name, value));
        return command;
    }

    /// <summary>The session columns named through the alias <c>s</c>: the unnest row has columns of the same names.</summary>
    private static readonly string QualifiedSessionColumns = Rows.Qualified(Rows.SessionColumns, "s");

    private sealed class Heartbeat(string id, long now, long cutoff, IdempotencyScope? key, CancellationToken ct)
    {
        public string Id { get; } = id;
        public long Now { get; } = now;
        public long Cutoff { get; } = cutoff;

        /// <summary>The request's key, when this heartbeat is its first write under one.</summary>
        public IdempotencyScope? Key { get; } = key;
        public CancellationToken CancellationToken { get; } = ct;

        // Continuations run asynchronously so a caller's code never runs on (and never stalls) the writer loop.
        public TaskCompletionSource<Session?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// Counters since the store opened: heartbeat batches committed and the heartbeats they touched, and
/// <see cref="RoundTrips"/>, every exchange with the server (a statement, a batch, a COMMIT) the store made.
/// </summary>
public readonly record struct PostgresStoreStatistics(long CommitCount, long OpCount, long RoundTrips = 0);
