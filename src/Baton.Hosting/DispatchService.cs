using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// The orchestrator's dispatcher and lease sweeper (docs/architecture.md §8 "Housekeeping", §14). Each pass sweeps
/// (expired leases become timeouts or go back to the queue; elapsed backoffs requeue) and then assigns what is queued,
/// and wakes the long polls of the agents that got tasks. It runs when a service signals that something may be
/// assignable (a task added or finished, an agent back or resumed), when the earliest due time the last pass saw comes
/// (a lease expiry, a backoff, a not_before), and at least every <see cref="OrchestrationOptions.SweepInterval"/>
/// (30 s) — never in a polling loop. A failed pass is logged and tried again at the next wake.
/// </summary>
internal sealed class DispatchService(
    IOrchestrationStore store,
    OrchestrationOptions options,
    OrchestrationSignals signals,
    TimeProvider clock,
    Random random,
    ILogger<DispatchService> logger) : BackgroundService
{
    /// <summary>Do not wake for a due time closer than this: a pass right after it is due catches it.</summary>
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sleep = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await signals.WaitForDispatchAsync(sleep, clock, stoppingToken);
                sleep = await PassAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep and one dispatch; returns how long to sleep unless signalled.</summary>
    private async Task<TimeSpan> PassAsync(CancellationToken ct)
    {
        try
        {
            var now = Timestamp.TruncateToMilliseconds(clock.GetUtcNow());
            // One write for both: on SQLite every write waits its turn at the one writer, so a pass costs one turn.
            var outcome = (await store.SweepAndDispatchAsync(new DispatchPass(now, options.Leases, options.Probe, options.OfflineAfter, options.DispatchBatch),
                random, ct)).Dispatched;
            foreach (var agent in outcome.Assignments.Select(a => a.AgentId).Distinct(StringComparer.Ordinal)) signals.Assigned(agent);
            // A full batch may have left more in the queue: look again at once.
            if (outcome.Assignments.Count >= options.DispatchBatch) return TimeSpan.Zero;
            var sleep = options.SweepInterval;
            if (outcome.NextDueAt is { } due && due - now < sleep) sleep = due - now;
            return sleep < MinimumSleep ? MinimumSleep : sleep;
        }
        catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(error, "The dispatch pass failed; trying again in {Interval}", options.SweepInterval);
            return options.SweepInterval;
        }
    }
}
