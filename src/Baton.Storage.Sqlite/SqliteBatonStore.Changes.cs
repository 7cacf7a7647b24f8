using System.Collections.Immutable;
using Baton.Core.Changes;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The change log on SQLite (migration 0018): rows written by triggers in the writer's transactions. The wake-up is in
/// process: the writer raises <see cref="_changeListeners"/> after every group it commits. Nearly every group holds a
/// change (heartbeats are most of them), and telling the few that hold none apart would cost the writer a read per
/// group, while a needless wake-up costs a listener one indexed read of <c>seq &gt; x</c> that finds nothing. Another
/// process writing the same file (local mode beside a server) wakes nobody here: the feed's periodic read covers it.
/// </summary>
public sealed partial class SqliteBatonStore
{
    private ImmutableArray<Action> _changeListeners = [];

    public Task<IReadOnlyList<Change>> ReadChangesAsync(long afterSeq, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<Change>>(db => db.List(ChangeRows.ReadSql, ChangeRows.Change, ChangeRows.ReadArgs(afterSeq, limit)), ct);
    }

    public Task<long> LatestChangeSeqAsync(CancellationToken ct) => ReadAsync(db => db.Scalar(ChangeRows.LatestSql), ct);

    public Task<int> PurgeChangesAsync(DateTimeOffset before, CancellationToken ct) =>
        WriteAsync(db => db.Execute(ChangeRows.PurgeSql, ChangeRows.BeforeArg(before)), ct);

    public Task<IAsyncDisposable> ListenForChangesAsync(Action onChanged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();
        ImmutableInterlocked.Update(ref _changeListeners, static (list, listener) => list.Add(listener), onChanged);
        return Task.FromResult<IAsyncDisposable>(new ChangeListening(this, onChanged));
    }

    /// <summary>Called by the writer after each committed group, on its loop: each listener must return at once.</summary>
    private void RaiseChanged()
    {
        foreach (var listener in _changeListeners) listener();
    }

    private sealed class ChangeListening(SqliteBatonStore store, Action listener) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            ImmutableInterlocked.Update(ref store._changeListeners, static (list, l) => list.Remove(l), listener);
            return ValueTask.CompletedTask;
        }
    }
}
