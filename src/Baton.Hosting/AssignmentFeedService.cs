using Baton.Core.Orchestration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// On a store shared by replicas (<see cref="IAssignmentFeed"/>: PostgreSQL), hears the assignments every replica's
/// dispatcher commits and wakes this server's long polls for those agents (<see cref="OrchestrationSignals.Assigned"/>),
/// so <c>POST /v1/agents/{id}/next</c> answers at once whichever replica assigned the task. Its own assignments come
/// back too; waking a poll twice is harmless. On a store without a feed it does nothing.
/// </summary>
internal sealed class AssignmentFeedService(IOrchestrationStore store, OrchestrationSignals signals, TimeProvider clock, ILogger<AssignmentFeedService> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not IAssignmentFeed feed) return;
        try
        {
            while (true)
            {
                IAsyncDisposable listening;
                try
                {
                    listening = await feed.ListenForAssignmentsAsync(signals.Assigned, stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Cannot listen for other replicas' assignments; trying again in {Interval}", RetryInterval);
                    await Task.Delay(RetryInterval, clock, stoppingToken);
                    continue;
                }
                await using (listening)
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
