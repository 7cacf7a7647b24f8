using System.Threading.Channels;
using Baton.Core.Changes;

namespace Baton.Hosting;

/// <summary>
/// This process's one follower of the change log (docs/decisions/0034-change-feed.md): <see cref="ChangeFeedService"/>
/// calls <see cref="PumpAsync"/> on every wake-up and every second; each pump reads after the cursor
/// (<see cref="ChangeCursor"/>) and hands every new change to every subscriber. However many browsers watch, the store
/// is read once per pump, not once per stream. While nobody subscribes it reads nothing (a heartbeat-heavy server
/// pays no reads for a dashboard no one has open) and forgets its cursor; the first subscriber starts it at the log's
/// latest seq before <see cref="SubscribeAsync"/> returns, so every change committed after that reaches it.
/// </summary>
public sealed class ChangeHub(IChangeStore store, TimeProvider clock)
{
    /// <summary>
    /// Changes a subscriber may have queued before it counts as fallen behind: a few seconds of a busy fleet. A stream
    /// further behind than this is dropped with a reset (its browser reloads) rather than skipping changes silently.
    /// </summary>
    public const int SubscriberCapacity = 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private List<ChangeSubscription> _subscribers = [];
    private ChangeCursor? _cursor;

    /// <summary>Subscribers right now (for the health of the feed, and tests).</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Count;

    /// <summary>Whether anyone listens: read without a lock on every store wake-up (the list is replaced, never changed).</summary>
    public bool HasSubscribers => SubscriberCount > 0;

    /// <summary>A new subscriber: every change committed after this returns is written to its channel, in cursor order.</summary>
    public async Task<ChangeSubscription> SubscribeAsync(CancellationToken ct)
    {
        var subscription = new ChangeSubscription(this);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _cursor ??= ChangeCursor.After(await store.LatestChangeSeqAsync(ct).ConfigureAwait(false));
            lock (_lock) _subscribers = [.. _subscribers, subscription];
        }
        finally
        {
            _gate.Release();
        }
        return subscription;
    }

    /// <summary>Reads what is new after the cursor and broadcasts it; returns how many changes it delivered.</summary>
    public async Task<int> PumpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            List<ChangeSubscription> subscribers;
            lock (_lock) subscribers = _subscribers;
            if (subscribers.Count == 0)
            {
                _cursor = null;
                return 0;
            }

            var cursor = _cursor ?? ChangeCursor.After(await store.LatestChangeSeqAsync(ct).ConfigureAwait(false));
            var batch = await store.ReadChangesAsync(cursor.Watermark, ChangeLog.MaxRead, ct).ConfigureAwait(false);
            var (fresh, next) = cursor.Next(batch, clock.GetUtcNow());
            _cursor = next;
            foreach (var change in fresh)
            {
                foreach (var subscriber in subscribers) subscriber.Offer(change);
            }
            return fresh.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void Remove(ChangeSubscription subscription)
    {
        lock (_lock) _subscribers = [.. _subscribers.Where(s => s != subscription)];
    }
}

/// <summary>
/// One subscriber of the <see cref="ChangeHub"/>: a bounded channel of changes. When it falls
/// <see cref="ChangeHub.SubscriberCapacity"/> behind, the hub completes it with <see cref="FellBehind"/> set: the reader
/// drains what is queued and then tells its client to reload. Dispose to unsubscribe.
/// </summary>
public sealed class ChangeSubscription : IDisposable
{
    private readonly ChangeHub _hub;
    private readonly Channel<Change> _channel = Channel.CreateBounded<Change>(
        new BoundedChannelOptions(ChangeHub.SubscriberCapacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
    private volatile bool _fellBehind;

    internal ChangeSubscription(ChangeHub hub) => _hub = hub;

    public ChannelReader<Change> Changes => _channel.Reader;

    /// <summary>True once the hub dropped this subscriber for falling behind (its channel is then complete).</summary>
    public bool FellBehind => _fellBehind;

    internal void Offer(Change change)
    {
        if (_fellBehind || _channel.Writer.TryWrite(change)) return;
        _fellBehind = true;
        _channel.Writer.TryComplete();
        _hub.Remove(this);
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _hub.Remove(this);
    }
}
