using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Contract;

/// <summary>Issue 16 on the store: attempts given back at once, scoring that ignores them, and daily budgets held and released in the pass.</summary>
public abstract partial class QueueStoreContractTests
{
    private static AttemptOutcome GivenBack(string type, double cost = 0.05) =>
        new(false, null, new TaskError(type, "usage limit reached"), 700, new TaskUsage(900, 100, cost), "native-rl", null, null);

    private static AttemptOutcome Costing(double cost) => new(true, """{"ok":true}""", null, 1000, new TaskUsage(100, 50, cost), "native-1", null, null);

    private async Task BudgetAsync(double? dollars, string venture = "alpha") =>
        await Store.UpsertVenturesAsync([Some.Venture(venture) with { DailyBudgetUsd = dollars }], Ct);

    [Theory]
    [InlineData(TaskRules.RateLimitedError)]
    [InlineData(TaskRules.WorkerShutdownError)]
    public async Task FinishTask_GivenBackOnItsLastAttempt_IsQueuedAtOnceAndTheSamePassGivesItToAnotherAgent(string type)
    {
        var claude = await AgentAsync(weight: 0.9);
        var codex = await AgentAsync(weight: 0.7);
        var running = await RunningAsync(await AddAsync(maxAttempts: 1), T0);
        Assert.Equal(claude.Id, running.AssignedAgent);

        var fail = await Store.FinishTaskAsync(Call(running, T0.AddSeconds(10)), GivenBack(type), Ct);
        var pass = await Store.DispatchAsync(Pass(T0.AddSeconds(10)), Ct);

        Assert.Equal((LeaseResult.Granted, TaskState.Queued, 1, 2), (fail.Result, fail.Task!.State, fail.Task.Attempt, fail.Task.MaxAttempts));
        Assert.Equal((codex.Id, 2L), (pass.Assignments.Single().AgentId, pass.Assignments.Single().Epoch));
        var result = Assert.Single(await Store.ListTaskResultsAsync(running.Id, Ct));
        Assert.Equal((type, claude.Id, new TaskUsage(900, 100, 0.05)), (result.ErrorType, result.AgentId, result.Usage));
        var requeue = (await Store.ListTaskEventsAsync(running.Id, Ct)).Single(e => e.From == TaskState.Running);
        Assert.Equal(TaskState.Queued, requeue.To);
    }

    [Fact]
    public async Task Dispatch_ResultsGivenBackAtOnce_AreLeftOutOfTheScoringHistory()
    {
        var claude = await AgentAsync(weight: 0.9);
        await AgentAsync(weight: 0.7);
        var first = await RunningAsync(await AddAsync(), T0);
        await Store.FinishTaskAsync(Call(first, T0.AddSeconds(10)), GivenBack(TaskRules.RateLimitedError), Ct);

        var second = await AddAsync(T0.AddSeconds(20));
        await Store.DispatchAsync(Pass(T0.AddSeconds(20)), Ct);

        // Counted, the failure would make claude's rolling success 0 and its score 0; left out, it is new again: 0.9.
        var card = (await Store.ListTaskEventsAsync(second.Id, Ct)).Single(e => e.To == TaskState.Assigned).ScoreCards!.Single(c => c.AgentId == claude.Id);
        Assert.Equal((0, 0.9, true), (card.HistoryCount, card.Score, card.Chosen));
    }

    [Fact]
    public async Task Dispatch_VentureSpendPlusMaxCostOverItsBudget_HoldsTheTaskUntilTheNextUtcMidnight()
    {
        await BudgetAsync(1.0);
        var agent = await AgentAsync();
        var spent = await RunningAsync(await AddAsync(), T0);
        await Store.FinishTaskAsync(Call(spent, T0.AddSeconds(10)), Costing(0.8), Ct);
        var task = await Store.InsertTaskAsync(SomeTasks.Task(T0.AddSeconds(20)) with { MaxCostUsd = 0.5 }, "creator-key", Ct);

        var held = await Store.DispatchAsync(Pass(T0.AddSeconds(20)), Ct);

        var midnight = new DateTimeOffset(T0.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        Assert.Empty(held.Assignments);
        Assert.Equal(midnight, held.NextDueAt);
        var stored = await TaskAsync(task.Id);
        Assert.Equal((TaskState.Queued, "venture alpha's daily budget of $1.00: $0.80 spent today, this task may cost up to $0.50; assignable again at 00:00 UTC"),
            (stored.State, stored.Held));
        Assert.Equal((1L, 1L), ((await Store.CountTasksAsync("alpha", Ct)).Queued, (await Store.CountTasksAsync("alpha", Ct)).Held));
        Assert.Equal(1.0, (await Store.FindVentureOrNullAsync("alpha", Ct))!.DailyBudgetUsd);

        await Store.TouchAgentAsync(agent.Id, midnight.AddMilliseconds(-1), Ct);
        Assert.Empty((await Store.DispatchAsync(Pass(midnight.AddMilliseconds(-1)), Ct)).Assignments);
        var released = await Store.DispatchAsync(Pass(midnight), Ct);

        Assert.Equal(task.Id, released.Assignments.Single().TaskId);
        Assert.Null((await TaskAsync(task.Id)).Held);
        Assert.Equal(0L, (await Store.CountTasksAsync("alpha", Ct)).Held);
    }

    [Fact]
    public async Task Dispatch_BudgetRaised_ReleasesTheHeldTaskAndAnotherVenturesTasksAreNeverHeld()
    {
        await BudgetAsync(0.5);
        await BudgetAsync(null, "beta");
        await AgentAsync();
        var spent = await RunningAsync(await AddAsync(), T0);
        await Store.FinishTaskAsync(Call(spent, T0.AddSeconds(10)), Costing(0.5), Ct);
        var alpha = await AddAsync(T0.AddSeconds(20));
        var beta = await AddAsync(T0.AddSeconds(20), venture: "beta");

        var first = await Store.DispatchAsync(Pass(T0.AddSeconds(20)), Ct);

        // Alpha has spent its whole budget and the task sets no max cost: held. Beta has no budget.
        Assert.Equal([beta.Id], first.Assignments.Select(a => a.TaskId));
        Assert.StartsWith("venture alpha's daily budget of $0.50: $0.50 spent today, and this task sets no max_cost_usd", (await TaskAsync(alpha.Id)).Held, StringComparison.Ordinal);

        await BudgetAsync(2.0);
        var raised = await Store.DispatchAsync(Pass(T0.AddSeconds(30)), Ct);

        Assert.Equal([alpha.Id], raised.Assignments.Select(a => a.TaskId));
        Assert.Null((await TaskAsync(alpha.Id)).Held);
    }

    [Fact]
    public async Task CancelTask_Held_ClearsTheHold()
    {
        await BudgetAsync(0.1);
        await AgentAsync();
        var task = await Store.InsertTaskAsync(SomeTasks.Task(T0) with { MaxCostUsd = 0.5 }, "creator-key", Ct);
        await Store.DispatchAsync(Pass(T0), Ct);
        Assert.NotNull((await TaskAsync(task.Id)).Held);

        var cancel = await Store.CancelTaskAsync(task.Id, T0.AddSeconds(1), "admin-key", "not needed", Ct);

        Assert.Equal((TaskState.Cancelled, (string?)null), (cancel.Task!.State, cancel.Task.Held));
    }
}
