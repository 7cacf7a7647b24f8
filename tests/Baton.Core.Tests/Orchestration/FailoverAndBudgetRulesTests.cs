using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

/// <summary>
/// Issue 16's rules: an attempt given back at once (rate limit, worker shutdown) requeues without using an attempt, and
/// a venture's daily budget holds the tasks that could exceed it until the next UTC midnight or a raise.
/// </summary>
public sealed class FailoverAndBudgetRulesTests
{
    private static readonly LeaseTimes Times = LeaseTimes.Default;
    private const string Worker = "worker-key";

    private static BatonTask Running(ManualClock clock, string agent, int maxAttempts = 1)
    {
        var assigned = TaskRules.Assign(SomeTasks.Task(clock.GetUtcNow(), maxAttempts: maxAttempts), new DispatchDecision(agent, false, [], "best score"), clock.GetUtcNow(), Times).After;
        clock.Advance(TimeSpan.FromSeconds(5));
        return Assert.IsType<LeaseDecision.Granted>(TaskRules.Start(assigned, assigned.Epoch, clock.GetUtcNow(), Times, new Random(1), Worker)).Task;
    }

    private static AttemptOutcome Failed(string type) =>
        new(false, null, new TaskError(type, "usage limit reached; resets at 14:00"), 800, new TaskUsage(1000, 200, 0.12), "native-9", null, null);

    [Theory]
    [InlineData(TaskRules.RateLimitedError)]
    [InlineData(TaskRules.WorkerShutdownError)]
    public void Finish_FailureThatRequeuesAtOnce_OnTheLastAttempt_IsQueuedNowWithAnExtraAttemptAvoidingTheAgent(string type)
    {
        var clock = new ManualClock();
        var running = Running(clock, "agent_claude", maxAttempts: 1);
        clock.Advance(TimeSpan.FromSeconds(30));

        var granted = Assert.IsType<LeaseDecision.Granted>(TaskRules.Finish(running, running.Epoch, Failed(type), clock.GetUtcNow(), new Random(1), Worker));

        var after = granted.Task;
        Assert.Equal((TaskState.Queued, 1, 2, (DateTimeOffset?)null, (DateTimeOffset?)null), (after.State, after.Attempt, after.MaxAttempts, after.RetryAt, after.FinishedAt));
        Assert.Equal(("agent_claude", type), (after.LastFailedAgent, after.Error!.Type));
        Assert.Null(after.LeaseExpiresAt);
        var result = granted.Change!.Result!;
        Assert.Equal((false, type, 1, "agent_claude"), (result.Success, result.ErrorType, result.Attempt, result.AgentId));
        Assert.Equal(new TaskUsage(1000, 200, 0.12), result.Usage);
        var e = granted.Change.Event!;
        Assert.Equal((TaskState.Running, TaskState.Queued), (e.From, e.To));
        Assert.Contains("not counted", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_OrdinaryFailureOnTheLastAttempt_IsStillDead()
    {
        var clock = new ManualClock();
        var running = Running(clock, "agent_claude", maxAttempts: 1);

        var granted = Assert.IsType<LeaseDecision.Granted>(TaskRules.Finish(running, running.Epoch, Failed("agent_error"), clock.GetUtcNow(), new Random(1), Worker));

        Assert.Equal((TaskState.Dead, 1), (granted.Task.State, granted.Task.MaxAttempts));
    }

    [Fact]
    public void Finish_RateLimitedWithACancellationWaiting_IsCancelledAndKeepsTheResult()
    {
        var clock = new ManualClock();
        var running = Running(clock, "agent_claude") with { CancelRequested = true };

        var granted = Assert.IsType<LeaseDecision.Granted>(TaskRules.Finish(running, running.Epoch, Failed(TaskRules.RateLimitedError), clock.GetUtcNow(), new Random(1), Worker));

        Assert.Equal(TaskState.Cancelled, granted.Task.State);
        Assert.Equal(TaskRules.RateLimitedError, granted.Change!.Result!.ErrorType);
    }

    [Fact]
    public void RequeuesAtOnce_IsTrueOnlyForTheTwoTypes()
    {
        Assert.True(TaskRules.RequeuesAtOnce("rate_limited"));
        Assert.True(TaskRules.RequeuesAtOnce("worker_shutdown"));
        Assert.False(TaskRules.RequeuesAtOnce("timeout"));
        Assert.False(TaskRules.RequeuesAtOnce(null));
    }

    // ---- budgets ----

    private static VentureBudget Budget(double dollars, double spent) => new("alpha", dollars, BudgetRule.Micros(spent));

    private static BatonTask Queued(double? maxCost) => SomeTasks.Task(Some.T0) with { State = TaskState.Queued, MaxCostUsd = maxCost };

    [Fact]
    public void Hold_SpendPlusMaxCostOverTheBudget_HoldsWithTheBriefsReason()
    {
        var reason = BudgetRule.Hold(Queued(0.5), Budget(5, 4.8));

        Assert.Equal("venture alpha's daily budget of $5.00: $4.80 spent today, this task may cost up to $0.50; assignable again at 00:00 UTC", reason);
    }

    [Fact]
    public void Hold_SpendPlusMaxCostExactlyTheBudget_IsAssignable() =>
        // 0.1 + 0.2 in micro-dollars is exactly 0.3: no floating-point edge holds it.
        Assert.Null(BudgetRule.Hold(Queued(0.2), Budget(0.3, 0.1)));

    [Fact]
    public void Hold_NoMaxCost_IsAssignableBelowTheBudgetAndHeldOnceSpendReachesIt()
    {
        Assert.Null(BudgetRule.Hold(Queued(null), Budget(5, 4.99)));
        Assert.Equal("venture alpha's daily budget of $5.00: $5.00 spent today, and this task sets no max_cost_usd; assignable again at 00:00 UTC",
            BudgetRule.Hold(Queued(null), Budget(5, 5)));
    }

    [Fact]
    public void Hold_MaxCostAboveTheWholeBudget_SaysOnlyARaiseHelps() =>
        Assert.Equal("venture alpha's daily budget of $5.00: this task may cost up to $6.00, more than the whole budget; assignable once the budget is raised",
            BudgetRule.Hold(Queued(6), Budget(5, 0)));

    [Fact]
    public void Hold_VentureWithoutABudget_NeverHolds() => Assert.Null(BudgetRule.Hold(Queued(1_000), null));

    [Fact]
    public void Apply_HeldAndReleased_ReportsOnlyTheTasksWhoseHoldChanged()
    {
        var stillHeld = Queued(1) with { Held = BudgetRule.Hold(Queued(1), Budget(5, 4.5)) };
        var released = Queued(null) with { Held = "an old reason" };
        var fresh = Queued(1);
        var budgets = new Dictionary<string, VentureBudget> { ["alpha"] = Budget(5, 4.5) };

        var pass = BudgetRule.Apply([stillHeld, released, fresh], budgets);

        Assert.True(pass.AnyHeld);
        Assert.Equal([released.Id], pass.Assignable.Select(t => t.Id));
        Assert.Equal([(released.Id, (string?)null), (fresh.Id, BudgetRule.Hold(fresh, budgets["alpha"]))], pass.HoldChanged.Select(t => (t.Id, t.Held)));
    }

    [Fact]
    public void NextMidnight_IsTheStartOfTheNextUtcDay()
    {
        var clock = ManualClock.At("2026-11-22T23:59:59.999Z");

        Assert.Equal(DateTimeOffset.Parse("2026-11-22T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), BudgetRule.DayStart(clock.GetUtcNow()));
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), BudgetRule.NextMidnight(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(clock.GetUtcNow(), BudgetRule.DayStart(clock.GetUtcNow()));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(2_000_000.0)]
    public void BudgetProblem_NotMoreThanZeroOrTooLarge_IsAProblem(double budget) => Assert.NotNull(BudgetRule.BudgetProblem(budget));

    [Fact]
    public void Assign_HeldTask_ClearsTheHold()
    {
        var held = Queued(1) with { Held = "venture alpha's daily budget of $5.00: …" };

        var after = TaskRules.Assign(held, new DispatchDecision("agent_x", false, [], "best score"), Some.T0, Times).After;

        Assert.Null(after.Held);
    }
}
