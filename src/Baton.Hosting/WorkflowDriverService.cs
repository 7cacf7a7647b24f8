using Baton.Core.Application;
using Baton.Core.Workflows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Runs the workflow engine (docs/architecture.md §17) while the server runs: a pass every
/// <see cref="BatonOptions.WorkflowPassInterval"/> (1 s; 0 turns it off in this process), each moving every open
/// workflow and running sprint as far as it can go and carrying out their GitHub effects. Nothing is kept in memory
/// that a restart would need: a pass reads the rows, so a server killed at any point continues at its next start.
/// A failed pass is logged and the next one tries again; a workflow's own problem (gh failing, a venture removed) is
/// logged without stopping the others.
/// </summary>
internal sealed class WorkflowDriverService(
    BatonServiceFactory factory,
    ISmokeChecker smoke,
    BatonOptions options,
    TimeProvider clock,
    ILogger<WorkflowDriverService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.WorkflowPassInterval <= TimeSpan.Zero) return;
        var engine = factory.WorkflowEngine(smoke);
        using var timer = new PeriodicTimer(options.WorkflowPassInterval, clock);
        try
        {
            do
            {
                try
                {
                    var pass = await engine.RunPassAsync(stoppingToken);
                    foreach (var problem in pass.Problems) logger.LogWarning("Workflow engine: {Problem}", problem);
                }
                catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(error, "A workflow pass failed; trying again in {Interval}", options.WorkflowPassInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
