using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Baton.Core.Orchestration;

/// <summary>
/// In-process wake-ups, so nothing polls the store in a loop: services tell the dispatcher that something may be
/// assignable now (a task added or finished, an agent back), and the dispatcher tells each long poll
/// (<c>POST /v1/agents/{id}/next</c>) that its agent got a task. One per process (the composition root registers it).
/// Several replicas sharing PostgreSQL share <see cref="Assigned"/> through the store's <see cref="IAssignmentFeed"/>
/// (an assignment on one wakes the long polls on all); <see cref="DispatchNeeded"/> stays in process, so another
/// replica's dispatcher wakes on its own timers (the earliest due time and the sweep interval).
/// </summary>
public sealed class OrchestrationSignals
{
    // Capacity one, extra pokes dropped: any number of pokes while a pass runs make exactly one more pass.
    private readonly Channel<bool> _dispatch = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _assigned = new(StringComparer.Ordinal);

    /// <summary>Something may be assignable now: the dispatcher runs a pass soon.</summary>
    public void DispatchNeeded() => _dispatch.Writer.TryWrite(true);

    /// <summary>Completes when <see cref="DispatchNeeded"/> was called (true) or <paramref name="timeout"/> passed (false).</summary>
    public async Task<bool> WaitForDispatchAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (_dispatch.Reader.TryRead(out _)) return true;
        if (timeout <= TimeSpan.Zero) return false;
        using var timer = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _dispatch.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// A task that completes at the next <see cref="Assigned"/> for <paramref name="agentId"/>. Take it before looking
    /// in the store, so an assignment made between the look and the wait is not missed.
    /// </summary>
    public Task NextAssignment(string agentId) =>
        _assigned.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The agent got a task: wakes its waiting long polls.</summary>
    public void Assigned(string agentId)
    {
        if (_assigned.TryRemove(agentId, out var waiters)) waiters.TrySetResult();
    }
}
