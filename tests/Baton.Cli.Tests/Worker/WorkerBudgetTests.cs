using Baton.Core.Orchestration.Tasks;

namespace Baton.Cli.Tests.Worker;

/// <summary>A venture's daily budget as a worker meets it: spent by one task's reported cost, the next task is not started.</summary>
public sealed class WorkerBudgetTests : IAsyncLifetime
{
    private WorkerWorld _world = null!;

    public async Task InitializeAsync() => _world = await WorkerWorld.StartAsync(venturesJson:
        """{"ventures":[{"code":"alpha","name":"Project Alpha","org":"example-org","repos":["alpha-console"],"daily_budget_usd":0.01}]}""");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task VentureBudgetSpent_NextTaskStaysQueuedWithTheReasonInTasksList()
    {
        var worker = _world.StartWorker("""{"agents": [{"name": "claude-1", "cli": "claude", "capabilities": [{"name": "code", "weight": 0.9}]}]}""");
        await worker.WaitForLineAsync("taking tasks");
        var first = await _world.AddTaskAsync("Spends the day's budget", "Go");
        Assert.Equal(TaskState.Succeeded, (await _world.WaitForTaskAsync(first.Id, t => t.IsFinished, "finished")).State);

        var second = await _world.AddTaskAsync("Over budget", "Go");
        var held = await _world.WaitForTaskAsync(second.Id, t => t.Held is not null, "held");

        Assert.Equal(TaskState.Queued, held.State);
        Assert.Contains("daily budget", held.Held);
        Assert.Single(_world.Agents.Runs); // the second task never reached the agent
        var list = await _world.RunBatonAsync("a", "tasks", "list", "--venture", "alpha");
        Assert.Contains("held", list.Out);
        Assert.Contains("daily budget", list.Out);
    }
}
