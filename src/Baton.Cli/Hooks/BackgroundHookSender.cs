using Baton.Core.Activity;

namespace Baton.Cli.Hooks;

/// <summary>
/// <c>baton mcp</c>'s share of forwarding the outbox (docs/architecture.md §15): once its services are open (after the
/// client's handshake, never before the <c>initialize</c> answer), it sends what the hooks left every
/// <see cref="Interval"/>, starting one interval in so the first tool calls have the process to themselves. It goes
/// through <see cref="HookFlush.RunAsync"/>, so it takes turns with the hooks' own senders through the lock. Disposing
/// it stops the loop before the services it borrows are closed.
/// </summary>
public sealed class BackgroundHookSender : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BackgroundHookSender(string dataDir, IActivityService activity, TimeProvider clock, TextWriter log)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Interval, clock, _stop.Token);
                    var outcome = await HookFlush.RunAsync(dataDir, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((activity, NothingToClose.Instance)),
                        clock, linger: false, _stop.Token);
                    if (outcome?.Problem is { } problem) log.WriteLine($"baton mcp: hook events not forwarded yet ({outcome.Left} waiting): {problem}");
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The outbox keeps the events; the next round tries again. Never a reason to stop serving tools.
                    log.WriteLine($"baton mcp: forwarding hook events failed: {ex.GetType().Name}: {ex.Message}");
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; }
        catch (OperationCanceledException) { /* stopped */ }
        _stop.Dispose();
    }

    private sealed class NothingToClose : IAsyncDisposable
    {
        public static readonly NothingToClose Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
