using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The one writer of a store: every write is queued here and runs on one long-lived connection. The loop takes
/// everything queued (up to a cap), runs each write inside its own SAVEPOINT of one <c>BEGIN IMMEDIATE</c>
/// transaction, commits once, and only then answers each caller.
/// <para>
/// Why: a commit costs a WAL append (and an fsync with synchronous=FULL); sharing it among every write that arrived
/// meanwhile keeps heartbeats cheap under load. Answering only after COMMIT is what makes an answered write survive
/// <c>kill -9</c>: the commit is in the WAL before the caller hears "done". The savepoint per write means a failing
/// write rolls back only itself and only its caller sees the exception. <c>BEGIN IMMEDIATE</c> takes the write lock
/// up front, so another process writing the same file (local mode beside a server) waits on busy_timeout instead of
/// failing half-way with a lock upgrade error.
/// </para>
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly int _maxGroupSize;
    private readonly Func<Exception, Exception> _mapFailure;
    private readonly Action _committed;
    private readonly Channel<WriteOp> _queue =
        Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Task _loop;
    private readonly StatementCache _statements = new();
    private long _commitCount;
    private long _opCount;

    /// <param name="mapFailure">Turns what SQLite threw into what callers are told (a full or read-only disk becomes a storage failure).</param>
    /// <param name="committed">Called on the loop after each group commits (the change log's wake-up); must return at once.</param>
    public GroupCommitWriter(SqliteConnection connection, int maxGroupSize, Func<Exception, Exception> mapFailure, Action? committed = null)
    {
        _connection = connection;
        _maxGroupSize = maxGroupSize;
        _mapFailure = mapFailure;
        _committed = committed ?? (() => { });
        _loop = Task.Run(RunAsync);
    }

    public SqliteStoreStatistics Statistics => new(Interlocked.Read(ref _commitCount), Interlocked.Read(ref _opCount));

    /// <summary>
    /// Queues <paramref name="work"/> and completes once its group has committed (or with the exception it threw).
    /// <paramref name="ct"/> is honoured until the write starts; once it runs, the outcome is reported whatever
    /// happens to the token, so a caller never wonders whether a write it gave up on committed anyway.
    /// </summary>
    public Task<T> ExecuteAsync<T>(Func<Db, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(work, ct);
        if (!_queue.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(SqliteBatonStore), "The store is closed.");
        return op.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's connection between two groups, with no transaction open: every
    /// write queued before it commits first, and no write runs until it returns. For what must see the file with no
    /// writer of ours in the middle (the WAL restart, see <see cref="Checkpointer"/>); it answers at once, as nothing
    /// of it is committed by a group.
    /// </summary>
    public Task<T> BetweenGroupsAsync<T>(Func<Db, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(work, ct) { OutsideGroup = true };
        if (!_queue.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(SqliteBatonStore), "The store is closed.");
        return op.Task;
    }

    /// <summary>Stops taking writes, finishes everything already queued, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var group = new List<WriteOp>(_maxGroupSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < _maxGroupSize && _queue.Reader.TryRead(out var op))
            {
                if (op.CancellationToken.IsCancellationRequested) op.Cancel();
                else if (op.OutsideGroup) RunBetweenGroups(group, op);
                else group.Add(op);
            }
            if (group.Count == 0) continue;

            CommitGroup(group);
            group.Clear();
        }
    }

    /// <summary>Commits what was taken before <paramref name="op"/>, then runs it on its own, outside any transaction.</summary>
    private void RunBetweenGroups(List<WriteOp> group, WriteOp op)
    {
        if (group.Count > 0)
        {
            CommitGroup(group);
            group.Clear();
        }
        try
        {
            op.Run(new Db(_connection, null, _statements));
            op.Publish();
        }
        catch (Exception ex)
        {
            op.Fail(_mapFailure(ex));
        }
    }

    private void CommitGroup(List<WriteOp> group)
    {
        try
        {
            RunGroup(group);
        }
        catch (Exception ex)
        {
            // Last line of defence (a broken connection failing even SAVEPOINT): the loop must survive and no caller
            // may be left waiting. Failing an op that was already answered is a no-op.
            foreach (var op in group) op.Fail(_mapFailure(ex));
        }
    }

    private void RunGroup(List<WriteOp> group)
    {
        // BEGIN and COMMIT through the statement cache, as the savepoints: SqliteTransaction prepares both statements
        // anew for every group, which on the heartbeat path (small groups, many of them) was a cost per request.
        var db = new Db(_connection, null, _statements);
        try
        {
            // IMMEDIATE: take the write lock before reading anything.
            db.Execute("BEGIN IMMEDIATE");
        }
        catch (Exception ex)
        {
            foreach (var op in group) op.Fail(_mapFailure(ex));
            return;
        }

        var open = true;
        try
        {
            foreach (var op in group)
            {
                db.Execute("SAVEPOINT op");
                try
                {
                    op.Run(db);
                    db.Execute("RELEASE op");
                }
                catch (Exception ex)
                {
                    var failure = _mapFailure(ex);
                    op.Fail(failure);
                    if (!TryRollBackOp(db, group, failure)) return;
                }
            }

            try
            {
                db.Execute("COMMIT");
                open = false;
            }
            catch (Exception ex)
            {
                // Nothing of this group is durable, so nobody may be told it succeeded.
                foreach (var op in group) op.Fail(_mapFailure(ex));
                return;
            }
        }
        finally
        {
            // Whatever left the group unfinished (a failed commit, a broken savepoint, an exception above) rolls it back.
            if (open) TryRollBack(db);
        }

        Interlocked.Increment(ref _commitCount);
        Interlocked.Add(ref _opCount, group.Count);
        foreach (var op in group) op.Publish();
        _committed();
    }

    private static void TryRollBack(Db db)
    {
        try
        {
            db.Execute("ROLLBACK");
        }
        catch (Exception)
        {
            // The transaction is already gone (SQLite rolls back by itself on some errors): nothing is left to undo.
        }
    }

    /// <summary>
    /// Undoes one failed write. Some SQLite errors (disk full, I/O) abort the whole transaction, and then the savepoint
    /// is gone too: the group cannot commit, so every write in it fails with the original error.
    /// </summary>
    private static bool TryRollBackOp(Db db, List<WriteOp> group, Exception cause)
    {
        try
        {
            db.Execute("ROLLBACK TO op");
            db.Execute("RELEASE op");
            return true;
        }
        catch (Exception)
        {
            foreach (var op in group) op.Fail(cause);
            return false;
        }
    }

    private abstract class WriteOp(CancellationToken ct)
    {
        public CancellationToken CancellationToken { get; } = ct;

        /// <summary>Runs between groups, outside any transaction (<see cref="BetweenGroupsAsync{T}"/>).</summary>
        public bool OutsideGroup { get; init; }

        public abstract void Run(Db db);

        /// <summary>Records the failure; it reaches the caller at once (nothing of it will be committed).</summary>
        public abstract void Fail(Exception ex);

        public abstract void Cancel();

        /// <summary>Answers the caller after the commit.</summary>
        public abstract void Publish();
    }

    private sealed class WriteOp<T>(Func<Db, T> work, CancellationToken ct) : WriteOp(ct)
    {
        // Continuations run asynchronously so a caller's code never runs on (and never stalls) the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override void Run(Db db) => _result = work(db);

        public override void Fail(Exception ex) => _completion.TrySetException(ex);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);

        public override void Publish() => _completion.TrySetResult(_result);
    }
}

/// <summary>Counters of the group-commit writer since the store opened: transactions committed and writes they carried.</summary>
public readonly record struct SqliteStoreStatistics(long CommitCount, long OpCount);
