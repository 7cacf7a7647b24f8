using System.Threading.Channels;
using Baton.Core.Requests;
using Baton.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Baton.Server.Http;

/// <summary>
/// Writes the request log in batches (DESIGN.md §9): requests drop entries into a bounded channel; one background
/// loop stores whatever has gathered — up to <see cref="BatchSize"/> at a time, then waits up to
/// <see cref="FlushInterval"/> for more — and every <see cref="PurgeInterval"/> deletes request-log rows older than the
/// retention and expired idempotency records. <see cref="DisposeAsync"/> stores everything still queued.
/// </summary>
internal sealed class RequestLogWriter : IAsyncDisposable
{
    public const int BatchSize = 500;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    /// <summary>
    /// If the store falls this far behind, new entries are dropped (and counted in the log) rather than letting the
    /// queue grow without bound: the request log must never take the server down.
    /// </summary>
    public const int Capacity = 50_000;

    private readonly Channel<RequestLogEntry> _queue = Channel.CreateBounded<RequestLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly IBatonStore _store;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _retention;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _dropped;

    public RequestLogWriter(IBatonStore store, TimeProvider clock, TimeSpan retention, ILogger<RequestLogWriter> logger)
    {
        _store = store;
        _clock = clock;
        _retention = retention;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(RequestLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    private async Task RunAsync()
    {
        var batch = new List<RequestLogEntry>(BatchSize);
        var nextPurgeAt = _clock.GetUtcNow();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var entry)) batch.Add(entry);
                await StoreAsync(batch);

                var now = _clock.GetUtcNow();
                if (now >= nextPurgeAt)
                {
                    await PurgeAsync(now);
                    nextPurgeAt = now + PurgeInterval;
                }

                // A full batch means more is waiting: go again at once. Otherwise let entries gather for a while, so a
                // busy server writes one batch a second instead of one row a request. Stopping cuts the wait short.
                if (batch.Count < BatchSize && !_stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(FlushInterval, _clock, _stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                batch.Clear();
            }
        }
        catch (Exception error)
        {
            _logger.LogError(error, "The request-log writer stopped");
        }
    }

    private async Task StoreAsync(List<RequestLogEntry> batch)
    {
        if (batch.Count == 0) return;
        try
        {
            await _store.AppendRequestLogAsync(batch.ToArray(), CancellationToken.None);
        }
        catch (Exception error)
        {
            // Losing some log rows is better than losing the server; say so on stderr.
            _logger.LogError(error, "Could not store {Count} request-log entries", batch.Count);
        }

        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0) _logger.LogWarning("Dropped {Count} request-log entries: the store fell behind", dropped);
    }

    private async Task PurgeAsync(DateTimeOffset now)
    {
        try
        {
            await _store.PurgeAsync(now - _retention, now, CancellationToken.None);
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Could not purge old request-log rows and idempotency records");
        }
    }

    /// <summary>Stops taking entries and waits until every queued one is stored.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
