using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

/// <summary>Every transition of docs/architecture.md §14: states, the epoch fence, leases, backoff, dependencies, cancellation, retry.</summary>
public sealed class TaskRulesTests
{
    private static readonly DateTimeOffset T = Some.T0;
    private static readonly LeaseTimes Times = LeaseTimes.Default;
    private const string Worker = "worker-key";

    private static DispatchDecision To(string agent, bool probe = false) => new(agent, probe, [], "best score");

    private static BatonTask Assigned(out string agent, int maxAttempts = 3, int timeoutSeconds = 3600)
    {
        agent = Some.Id("agent");
        return TaskRules.Assign(SomeTasks.Task(T, maxAttempts: maxAttempts, timeoutSeconds: timeoutSeconds), To(agent), T, Times).After;
    }

    private static BatonTask Running(out string agent, int maxAttempts = 3, int timeoutSeconds = 3600)
    {
        var assigned = Assigned(out agent, maxAttempts, timeoutSeconds);
        return Granted(TaskRules.Start(assigned, assigned.Epoch, T.AddSeconds(5), Times, new Random(1), Worker)).Task;
    }

    private static LeaseDecision.Granted Granted(LeaseDecision decision) => Assert.IsType<LeaseDecision.Granted>(decision);

    private static AttemptOutcome Failure(string type = "tests_failed") => new(false, null, new TaskError(type, "3 tests failed"), 1200, null, null, null, null);

    private static AttemptOutcome Success() => new(true, """{"pr":1}""", null, 900, new TaskUsage(10, 20, 0.5), "sess-native", "baton/x", "https://pr");

    [Fact]
    public void Create_WithoutDependencies_IsQueuedWithACreationEvent()
    {
        var change = TaskRules.Create(SomeTasks.Task(T), [], T, "key1");

        Assert.Equal(TaskState.Queued, change.After.State);
        Assert.Equal((null, TaskState.Queued, "key1"), (change.Event!.From, change.Event.To, change.Event.Actor));
    }

    [Fact]
    public void Create_WithAnOpenDependency_WaitsAndNamesIt()
    {
        var open = SomeTasks.Task(T);

        var change = TaskRules.Create(SomeTasks.Task(T, dependsOn: [open.Id]), [open], T, "key1");

        Assert.Equal(TaskState.Waiting, change.After.State);
        Assert.Contains(open.Id, change.Event!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithADeadDependency_IsDeadWithDependencyError()
    {
        var dead = SomeTasks.Task(T) with { State = TaskState.Dead };

        var change = TaskRules.Create(SomeTasks.Task(T, dependsOn: [dead.Id]), [dead], T, "key1");

        Assert.Equal(TaskState.Dead, change.After.State);
        Assert.Equal(TaskRules.DependencyError, change.After.Error?.Type);
        Assert.Equal(T, change.After.FinishedAt);
    }

    [Fact]
    public void DependencyFinished_AllSucceeded_Queues_OneStillOpen_KeepsWaiting_OneCancelled_Kills()
    {
        var a = SomeTasks.Task(T) with { State = TaskState.Succeeded };
        var b = SomeTasks.Task(T) with { State = TaskState.Running };
        var waiting = SomeTasks.Task(T, dependsOn: [a.Id, b.Id]) with { State = TaskState.Waiting };

        Assert.Null(TaskRules.DependencyFinished(waiting, [a, b], T));
        Assert.Equal(TaskState.Queued, TaskRules.DependencyFinished(waiting, [a, b with { State = TaskState.Succeeded }], T)!.After.State);
        var killed = TaskRules.DependencyFinished(waiting, [a, b with { State = TaskState.Cancelled }], T)!;
        Assert.Equal((TaskState.Dead, TaskRules.DependencyError), (killed.After.State, killed.After.Error!.Type));
        Assert.Equal((TaskState.Waiting, TaskRules.Sweeper), (killed.Event!.From, killed.Event.Actor));
    }

    [Fact]
    public void Assign_QueuedTask_IncrementsEpochAndMustStartWithinSixtySeconds()
    {
        var cards = new List<ScoreCard>();
        var change = TaskRules.Assign(SomeTasks.Task(T), new DispatchDecision("agent_1", true, cards, "probe: …"), T, Times);

        Assert.Equal((TaskState.Assigned, 1L, "agent_1", true), (change.After.State, change.After.Epoch, change.After.AssignedAgent, change.After.Probe));
        Assert.Equal(T.AddSeconds(60), change.After.LeaseExpiresAt);
        Assert.Equal((TaskState.Queued, TaskState.Assigned, TaskRules.Dispatcher), (change.Event!.From, change.Event.To, change.Event.Actor));
        Assert.Same(cards, change.Event.ScoreCards);
    }

    [Fact]
    public void Start_AssignedWithItsEpoch_RunsAttemptOneWithALease()
    {
        var assigned = Assigned(out _);

        var granted = Granted(TaskRules.Start(assigned, 1, T.AddSeconds(5), Times, new Random(1), Worker));

        Assert.Equal((TaskState.Running, 1), (granted.Task.State, granted.Task.Attempt));
        Assert.Equal(T.AddSeconds(65), granted.Task.LeaseExpiresAt);
        Assert.Equal((TaskState.Assigned, TaskState.Running, Worker), (granted.Change!.Event!.From, granted.Change.Event.To, granted.Change.Event.Actor));
    }

    [Fact]
    public void Start_SameEpochTwice_IsGrantedUnchanged()
    {
        var running = Running(out _);

        var again = Granted(TaskRules.Start(running, running.Epoch, T.AddSeconds(6), Times, new Random(1), Worker));

        Assert.Null(again.Change);
        Assert.Equal(running, again.Task);
    }

    [Fact]
    public void Start_StaleEpoch_IsLostAndChangesNothing()
    {
        var assigned = Assigned(out _);

        var lost = Assert.IsType<LeaseDecision.Lost>(TaskRules.Start(assigned, 0, T.AddSeconds(5), Times, new Random(1), Worker));

        Assert.Null(lost.Sweep);
        Assert.Contains("epoch 1", lost.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_AfterTheStartDeadline_IsLostAndTheTaskGoesBackToTheQueueAvoidingThatAgent()
    {
        var assigned = Assigned(out var agent);

        var lost = Assert.IsType<LeaseDecision.Lost>(TaskRules.Start(assigned, 1, T.AddSeconds(60), Times, new Random(1), Worker));

        Assert.Equal((TaskState.Queued, agent), (lost.Sweep!.After.State, lost.Sweep.After.LastFailedAgent));
        Assert.Equal((TaskState.Assigned, TaskRules.Sweeper), (lost.Sweep.Event!.From, lost.Sweep.Event.Actor));
        Assert.Null(lost.Sweep.Result);
    }

    [Fact]
    public void Renew_ExtendsTheLeaseByTtl_NeverPastTimeoutPlusTtl()
    {
        var running = Running(out _, timeoutSeconds: 100);

        var first = Granted(TaskRules.Renew(running, 1, T.AddSeconds(25), Times, new Random(1), Worker));
        var late = Granted(TaskRules.Renew(first.Task, 1, T.AddSeconds(80), Times, new Random(1), Worker));

        Assert.Equal(T.AddSeconds(85), first.Task.LeaseExpiresAt);
        Assert.Null(first.Change!.Event);
        // started at T+5, timeout 100 s, ttl 60 s: the lease never runs past T+165.
        Assert.Equal(T.AddSeconds(140), late.Task.LeaseExpiresAt);
        var last = Granted(TaskRules.Renew(late.Task, 1, T.AddSeconds(130), Times, new Random(1), Worker));
        Assert.Equal(T.AddSeconds(165), last.Task.LeaseExpiresAt);
    }

    [Fact]
    public void Renew_WithACancellationWaiting_DeliversIt_TheTaskIsCancelled()
    {
        var running = Running(out _);
        var marked = Assert.IsType<ChangeDecision.Changed>(TaskRules.Cancel(running, T.AddSeconds(10), "admin", "wrong branch")).Change.After;

        var renew = Granted(TaskRules.Renew(marked, 1, T.AddSeconds(20), Times, new Random(1), Worker));

        Assert.True(marked.CancelRequested);
        Assert.Equal(TaskState.Running, marked.State);
        Assert.Equal(TaskState.Cancelled, renew.Task.State);
        Assert.Equal((TaskState.Running, TaskState.Cancelled), (renew.Change!.Event!.From, renew.Change.Event.To));
    }

    [Fact]
    public void Finish_Success_SucceedsWithResultAndRecordsTheAttemptForScoring()
    {
        var running = Running(out var agent);

        var done = Granted(TaskRules.Finish(running, 1, Success(), T.AddSeconds(30), new Random(1), Worker));

        Assert.Equal((TaskState.Succeeded, """{"pr":1}"""), (done.Task.State, done.Task.Result));
        var result = done.Change!.Result!;
        Assert.Equal((agent, "deploy-service", true, 1, 900L), (result.AgentId, result.Capability, result.Success, result.Attempt, result.DurationMs));
        Assert.Equal((10L, 20L, 0.5), (result.Usage!.InputTokens, result.Usage.OutputTokens, result.Usage.CostUsd));
    }

    [Fact]
    public void Finish_FailureWithAttemptsLeft_FailsWithBackoffPlusJitter()
    {
        var running = Running(out var agent);
        var now = T.AddSeconds(30);
        var expectedJitter = Backoff.Jitter(new Random(7));

        var failed = Granted(TaskRules.Finish(running, 1, Failure(), now, new Random(7), Worker));

        Assert.Equal(TaskState.Failed, failed.Task.State);
        Assert.Equal(now + TimeSpan.FromSeconds(15) + expectedJitter, failed.Task.RetryAt);
        Assert.Equal(agent, failed.Task.LastFailedAgent);
        Assert.Equal(("tests_failed", false), (failed.Change!.Result!.ErrorType, failed.Change.Result.Success));
        Assert.Null(TaskRules.PromoteRetry(failed.Task, failed.Task.RetryAt!.Value.AddMilliseconds(-1)));
        var queued = TaskRules.PromoteRetry(failed.Task, failed.Task.RetryAt!.Value)!;
        Assert.Equal((TaskState.Queued, TaskState.Failed), (queued.After.State, queued.Event!.From));
    }

    [Fact]
    public void Finish_FailureOfTheLastAttempt_IsDead()
    {
        var running = Running(out _, maxAttempts: 1);

        var dead = Granted(TaskRules.Finish(running, 1, Failure(), T.AddSeconds(30), new Random(1), Worker));

        Assert.Equal(TaskState.Dead, dead.Task.State);
        Assert.Null(dead.Task.RetryAt);
        Assert.Contains("no attempts left", dead.Change!.Event!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_BadPayloadWithAttemptsLeft_IsDeadAtOnce()
    {
        var running = Running(out _, maxAttempts: 3);

        var dead = Granted(TaskRules.Finish(running, 1, Failure(TaskRules.BadPayloadError), T.AddSeconds(30), new Random(1), Worker));

        Assert.Equal(TaskState.Dead, dead.Task.State);
        Assert.Null(dead.Task.RetryAt);
        Assert.Contains("no retry can mend it", dead.Change!.Event!.Reason, StringComparison.Ordinal);
        Assert.False(TaskRules.IsPermanent("bad_result")); // an agent's answer may be right the next time
    }

    [Fact]
    public void Finish_AfterTheLeaseExpired_IsLost_TheAttemptIsSweptAsATimeout()
    {
        var running = Running(out _);

        var lost = Assert.IsType<LeaseDecision.Lost>(TaskRules.Finish(running, 1, Success(), T.AddSeconds(65), new Random(1), Worker));

        Assert.Equal((TaskState.Failed, TaskRules.TimeoutError), (lost.Sweep!.After.State, lost.Sweep.After.Error!.Type));
        Assert.False(lost.Sweep.Result!.Success);
        Assert.Null(lost.Sweep.After.Result);
    }

    [Fact]
    public void Cancel_QueuedIsImmediate_RunningWaitsForRenew_FinishedIsRefused()
    {
        var queued = TaskRules.Cancel(SomeTasks.Task(T), T, "admin", "not needed");
        var running = Running(out _);
        var marked = Assert.IsType<ChangeDecision.Changed>(TaskRules.Cancel(running, T, "admin", "x")).Change.After;

        Assert.Equal(TaskState.Cancelled, Assert.IsType<ChangeDecision.Changed>(queued).Change.After.State);
        Assert.IsType<ChangeDecision.Unchanged>(TaskRules.Cancel(marked, T, "admin", "again"));
        Assert.IsType<ChangeDecision.Refused>(TaskRules.Cancel(SomeTasks.Task(T) with { State = TaskState.Succeeded }, T, "admin", "x"));
    }

    [Fact]
    public void Retry_DeadTask_QueuesItWithOneMoreAttempt_AnOpenTaskIsRefused()
    {
        var dead = SomeTasks.Task(T, maxAttempts: 3) with { State = TaskState.Dead, Attempt = 3, Error = new TaskError("timeout", "x"), FinishedAt = T };

        var retried = Assert.IsType<ChangeDecision.Changed>(TaskRules.Retry(dead, [], 1, T, "admin")).Change.After;

        Assert.Equal((TaskState.Queued, 4, null), (retried.State, retried.MaxAttempts, retried.Error));
        Assert.IsType<ChangeDecision.Refused>(TaskRules.Retry(SomeTasks.Task(T), [], 1, T, "admin"));
    }

    [Fact]
    public void Sweep_RunningWithExpiredLease_FailsAsTimeout_NotExpired_DoesNothing()
    {
        var running = Running(out _);

        Assert.Null(TaskRules.Sweep(running, T.AddSeconds(64.999), new Random(1)));
        var swept = TaskRules.Sweep(running, T.AddSeconds(65), new Random(1))!;
        Assert.Equal((TaskState.Failed, TaskRules.TimeoutError, TaskRules.Sweeper), (swept.After.State, swept.After.Error!.Type, swept.Event!.Actor));
    }
}
