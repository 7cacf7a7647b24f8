using Baton.Core.Changes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Drives the <see cref="ChangeHub"/>: listens to the store (<see cref="IChangeStore.ListenForChangesAsync"/> — the
/// writer's own signal on SQLite, <c>LISTEN baton_changes</c> from every replica on PostgreSQL) and pumps on every
/// wake-up, and every <see cref="PollInterval"/> at the latest: a notification lost while the listening connection was
/// down, a change another process wrote to the same SQLite file, or a gap the cursor is waiting out all need a read
/// nobody signals. Wake-ups that arrive during a pump fold into one more pump.
/// </summary>
internal sealed class ChangeFeedService(IChangeStore store, ChangeHub hub, TimeProvider clock, ILogger<ChangeFeedService> logger) : BackgroundService
{
    /// <summary>The longest a committed change waits for a pump when no wake-up came.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ListenRetryInterval = TimeSpan.FromSeconds(5);

    // A wake-up is a flag plus a release: the SQLite writer signals after every commit, and only the first signal
    // since the last pump releases (the count may reach 2 in a race; one extra pump is harmless).
    private readonly SemaphoreSlim _wake = new(0);
    private int _pending;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IAsyncDisposable? listening = null;
        var nextListenAttempt = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (listening is null && clock.GetUtcNow() >= nextListenAttempt)
                {
                    try
                    {
                        listening = await store.ListenForChangesAsync(Wake, stoppingToken);
                    }
                    catch (Exception error) when (error is not OperationCanceledException)
                    {
                        // Not fatal: the poll below still reads every second.
                        logger.LogWarning(error, "Cannot listen for changes; reading every {Interval} meanwhile, trying again in {Retry}", PollInterval, ListenRetryInterval);
                        nextListenAttempt = clock.GetUtcNow() + ListenRetryInterval;
                    }
                }

                try
                {
                    await hub.PumpAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Could not read the change log; trying again in {Interval}", PollInterval);
                }

                // Real time, not the clock: this only bounds how stale the feed can get, and a test's manual clock
                // would otherwise stop the poll.
                await _wake.WaitAsync(PollInterval, stoppingToken);
                Interlocked.Exchange(ref _pending, 0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (listening is not null) await listening.DisposeAsync();
        }
    }

    /// <summary>
    /// From the store's listener (on SQLite, the writer's loop): must not block. Ignored while nobody subscribes, and
    /// absorbed by a wake-up already pending.
    /// </summary>
    private void Wake()
    {
        if (!hub.HasSubscribers) return;
        if (Interlocked.Exchange(ref _pending, 1) == 0) _wake.Release();
    }
}
