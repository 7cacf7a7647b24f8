using System.Threading.Channels;
using Baton.Core.Requests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Server.Http;

/// <summary>
/// Writes the request log in batches (docs/architecture.md §7): requests drop entries into a bounded channel; one background
/// loop stores whatever has gathered — up to <see cref="BatchSize"/> at a time, then waits up to
/// <see cref="FlushInterval"/> for more. A hosted service: stopping the server stores everything still queued.
/// Old rows are deleted by the composition root's purge service, not here.
/// </summary>
internal sealed class RequestLogWriter : IHostedService
{
    public const int BatchSize = 500;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// If the store falls this far behind, new entries are dropped (and counted in the log) rather than letting the
    /// queue grow without bound: the request log must never take the server down.
    /// </summary>
    public const int Capacity = 50_000;

    private readonly Channel<RequestLogEntry> _queue = Channel.CreateBounded<RequestLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly IRequestStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _dropped;

    public RequestLogWriter(IRequestStore store, TimeProvider clock, ILogger<RequestLogWriter> logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public void Enqueue(RequestLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    private async Task RunAsync()
    {
        var batch = new List<RequestLogEntry>(BatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var entry)) batch.Add(entry);
                await StoreAsync(batch);

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

    /// <summary>Stops taking entries and waits until every queued one is stored.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
    }
}
