using Baton.Core.Common;
using Baton.Core.Orchestration.Dispatch;

namespace Baton.Core.Orchestration.Tasks;

/// <summary>A task as it is after a transition, the event recording it (null for a plain lease renewal), and the attempt's result when one ended.</summary>
public sealed record TaskChange(BatonTask After, TaskEvent? Event, TaskResult? Result);

/// <summary>What a start, renew, complete or fail carrying an epoch may do.</summary>
public abstract record LeaseDecision
{
    private LeaseDecision()
    {
    }

    /// <summary>The epoch holds the task: <see cref="Task"/> is the task after <see cref="Change"/> (null when nothing changed: a retried start).</summary>
    public sealed record Granted(BatonTask Task, TaskChange? Change) : LeaseDecision;

    /// <summary>
    /// The epoch no longer holds the task (409 <c>lease_lost</c>); nothing the caller sent is kept. <see cref="Sweep"/> is
    /// the expired lease this call found, to be recorded as the sweeper would have.
    /// </summary>
    public sealed record Lost(string Detail, TaskChange? Sweep) : LeaseDecision;
}

/// <summary>What a cancel or a retry by hand does.</summary>
public abstract record ChangeDecision
{
    private ChangeDecision()
    {
    }

    public sealed record Changed(TaskChange Change) : ChangeDecision;

    /// <summary>Already so (a second cancel of a running task); nothing to record.</summary>
    public sealed record Unchanged(BatonTask Task) : ChangeDecision;

    /// <summary>Not allowed from the task's state (409 <c>task_state_conflict</c>).</summary>
    public sealed record Refused(string Detail) : ChangeDecision;
}

/// <summary>How long leases last: <see cref="Ttl"/> per start or renew (workers renew every ttl/3), <see cref="StartWithin"/> for an assignment.</summary>
public sealed record LeaseTimes(TimeSpan Ttl, TimeSpan StartWithin)
{
    public static LeaseTimes Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
}

/// <summary>
/// Every transition of a task, as pure functions (docs/architecture.md §14): a store loads the rows, asks these, and persists the
/// <see cref="TaskChange"/> they return inside one transaction — it never carries its own copy of a rule.
/// </summary>
public static class TaskRules
{
    /// <summary>The actor of assignments.</summary>
    public const string Dispatcher = "dispatcher";

    /// <summary>The actor of expired leases, elapsed backoffs and dependency outcomes.</summary>
    public const string Sweeper = "sweeper";

    public const string TimeoutError = "timeout";
    public const string DependencyError = "dependency_failed";

    /// <summary>A CLI's rate or usage limit (issue 16): the agent is paused until the reset, the task goes back to the queue at once.</summary>
    public const string RateLimitedError = "rate_limited";

    /// <summary>A worker stopping released the attempt (issue 16): back to the queue at once, for another machine.</summary>
    public const string WorkerShutdownError = "worker_shutdown";

    /// <summary>A worker could not read what the payload asks (issue 17's step tasks: a <c>run</c> without a command…): no retry can succeed.</summary>
    public const string BadPayloadError = "bad_payload";

    /// <summary>
    /// True for the error types that no retry can mend (<see cref="BadPayloadError"/>): the task is dead at once,
    /// whatever attempts it has left, rather than failing the same way max_attempts times.
    /// </summary>
    public static bool IsPermanent(string? errorType) => errorType is BadPayloadError;

    /// <summary>
    /// True for the error types that send a running task back to the queue at once (<see cref="RateLimitedError"/>,
    /// <see cref="WorkerShutdownError"/>): they say nothing about the task or the agent's skill, so the attempt is not
    /// charged against max_attempts and scoring's rolling success leaves its result out.
    /// </summary>
    public static bool RequeuesAtOnce(string? errorType) => errorType is RateLimitedError or WorkerShutdownError;

    /// <summary>
    /// The state a new task starts in, from its dependencies (all exist; the service checked): a dead or cancelled one
    /// makes it dead at once, any other open one makes it wait, none open queues it.
    /// </summary>
    public static TaskChange Create(BatonTask draft, IReadOnlyList<BatonTask> dependencies, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(dependencies);
        var (state, error, reason) = FromDependencies(dependencies, "created");
        var task = draft with
        {
            State = state,
            Error = error,
            FinishedAt = state == TaskState.Dead ? now : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return new TaskChange(task, Event(task, null, now, actor, reason), null);
    }

    /// <summary>A waiting task after one of its dependencies finished: queued, dead, or (null) still waiting.</summary>
    public static TaskChange? DependencyFinished(BatonTask dependent, IReadOnlyList<BatonTask> dependencies, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        ArgumentNullException.ThrowIfNull(dependencies);
        if (dependent.State != TaskState.Waiting) return null;
        var (state, error, reason) = FromDependencies(dependencies, "dependencies finished");
        if (state == TaskState.Waiting) return null;
        var task = dependent with { State = state, Error = error, FinishedAt = state == TaskState.Dead ? now : null, UpdatedAt = now };
        return new TaskChange(task, Event(task, TaskState.Waiting, now, Sweeper, reason), null);
    }

    /// <summary>A queued task given to the decision's agent: the epoch grows, and it must be started within <see cref="LeaseTimes.StartWithin"/>.</summary>
    public static TaskChange Assign(BatonTask task, DispatchDecision decision, DateTimeOffset now, LeaseTimes times)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(times);
        if (task.State != TaskState.Queued || decision.AgentId is null)
            throw new InvalidOperationException($"Only a queued task can be assigned, to an agent (task {task.Id} is {task.State}).");
        var after = task with
        {
            State = TaskState.Assigned,
            Epoch = task.Epoch + 1,
            AssignedAgent = decision.AgentId,
            AssignedAt = now,
            StartedAt = null,
            LeaseExpiresAt = now + times.StartWithin,
            Probe = decision.Probe,
            Held = null,
            UpdatedAt = now,
        };
        return new TaskChange(after, Event(after, TaskState.Queued, now, Dispatcher, decision.Reason, decision.Cards), null);
    }

    /// <summary>True when the task holds a lease that ran out at or before <paramref name="now"/>.</summary>
    public static bool LeaseExpired(BatonTask task, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.State is TaskState.Assigned or TaskState.Running && task.LeaseExpiresAt is { } until && until <= now;
    }

    /// <summary>
    /// What the sweeper makes of an expired lease (null when the lease has not expired): an assignment not started in
    /// time goes back to the queue, avoiding that agent next; a running attempt fails with error type
    /// <c>timeout</c> (or is cancelled, when a cancellation was waiting for the renew that never came).
    /// </summary>
    public static TaskChange? Sweep(BatonTask task, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!LeaseExpired(task, now)) return null;
        var expiredAt = Timestamp.ToWire(task.LeaseExpiresAt!.Value);
        if (task.State == TaskState.Assigned)
        {
            var requeued = task with { State = TaskState.Queued, LeaseExpiresAt = null, LastFailedAgent = task.AssignedAgent, UpdatedAt = now };
            return new TaskChange(requeued, Event(requeued, TaskState.Assigned, now, Sweeper,
                $"not started by {task.AssignedAgent} by {expiredAt}; back in the queue"), null);
        }
        if (task.CancelRequested)
            return Cancelled(task, now, Sweeper, $"cancelled: the lease expired at {expiredAt} before the worker's renew saw the cancellation");
        return FailAttempt(task, new TaskError(TimeoutError, $"the lease expired at {expiredAt}: the worker stopped renewing"), null, now, random, Sweeper);
    }

    /// <summary>An assigned, not started task taken back (its agent was deregistered): queued again, lease cleared.</summary>
    public static TaskChange Unassign(BatonTask task, DateTimeOffset now, string actor, string reason)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.State != TaskState.Assigned)
            throw new InvalidOperationException($"Only an assigned task can be taken back (task {task.Id} is {task.State}).");
        var queued = task with { State = TaskState.Queued, LeaseExpiresAt = null, UpdatedAt = now };
        return new TaskChange(queued, Event(queued, TaskState.Assigned, now, actor, reason), null);
    }

    /// <summary>A failed task whose backoff has elapsed goes back to the queue (null while it has not).</summary>
    public static TaskChange? PromoteRetry(BatonTask task, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.State != TaskState.Failed || task.RetryAt is not { } at || at > now) return null;
        var queued = task with { State = TaskState.Queued, RetryAt = null, UpdatedAt = now };
        return new TaskChange(queued, Event(queued, TaskState.Failed, now, Sweeper,
            $"backoff elapsed; attempt {task.Attempt + 1} of {task.MaxAttempts} next"), null);
    }

    /// <summary>A start: the assigned task becomes running (attempt + 1) with a lease of <see cref="LeaseTimes.Ttl"/>; a retried start of the same epoch is granted unchanged.</summary>
    public static LeaseDecision Start(BatonTask task, long epoch, DateTimeOffset now, LeaseTimes times, Random random, string actor)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(times);
        if (Fenced(task, epoch, now, random, allowAssigned: true) is { } lost) return lost;
        if (task.State == TaskState.Running) return new LeaseDecision.Granted(task, null);
        var running = task with
        {
            State = TaskState.Running,
            Attempt = task.Attempt + 1,
            StartedAt = now,
            LeaseExpiresAt = LeaseEnd(now, now, task.TimeoutSeconds, times.Ttl),
            UpdatedAt = now,
        };
        return new LeaseDecision.Granted(running, new TaskChange(running,
            Event(running, TaskState.Assigned, now, actor, $"started by {task.AssignedAgent} (attempt {running.Attempt} of {task.MaxAttempts})"), null));
    }

    /// <summary>
    /// A renew: the lease is extended by <see cref="LeaseTimes.Ttl"/> (never past the task's timeout plus one ttl). A
    /// cancellation requested meanwhile is delivered here: the task becomes cancelled and the worker stops.
    /// </summary>
    public static LeaseDecision Renew(BatonTask task, long epoch, DateTimeOffset now, LeaseTimes times, Random random, string actor)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(times);
        if (Fenced(task, epoch, now, random, allowAssigned: false) is { } lost) return lost;
        if (task.CancelRequested)
        {
            var cancelled = Cancelled(task, now, actor, "cancellation delivered at the worker's renew");
            return new LeaseDecision.Granted(cancelled.After, cancelled);
        }
        var renewed = task with { LeaseExpiresAt = LeaseEnd(now, task.StartedAt ?? now, task.TimeoutSeconds, times.Ttl), UpdatedAt = now };
        return new LeaseDecision.Granted(renewed, new TaskChange(renewed, null, null));
    }

    /// <summary>
    /// A completion or failure report of the running attempt. Success: succeeded with the result. Failure: failed with
    /// a backoff, or dead when it was the last attempt. Either way the attempt's result joins the scoring history.
    /// </summary>
    public static LeaseDecision Finish(BatonTask task, long epoch, AttemptOutcome outcome, DateTimeOffset now, Random random, string actor)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(outcome);
        if (Fenced(task, epoch, now, random, allowAssigned: false) is { } lost) return lost;
        if (!outcome.Success)
        {
            var failed = FailAttempt(task, outcome.Error ?? new TaskError("failed", "the worker reported a failure without details"), outcome, now, random, actor);
            return new LeaseDecision.Granted(failed.After, failed);
        }
        var done = task with
        {
            State = TaskState.Succeeded,
            Result = outcome.Result,
            Error = null,
            LeaseExpiresAt = null,
            CancelRequested = false,
            FinishedAt = now,
            UpdatedAt = now,
        };
        var duration = outcome.DurationMs ?? DurationSinceStart(task, now);
        return new LeaseDecision.Granted(done, new TaskChange(done,
            Event(done, TaskState.Running, now, actor, $"attempt {task.Attempt} succeeded on {task.AssignedAgent}"),
            Result(task, true, now, duration, null, outcome)));
    }

    /// <summary>
    /// A cancellation by hand. Waiting, queued, failed or assigned tasks are cancelled at once; a running one is marked
    /// and the worker learns at its next renew; a finished task is refused.
    /// </summary>
    public static ChangeDecision Cancel(BatonTask task, DateTimeOffset now, string actor, string reason)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsFinished) return new ChangeDecision.Refused($"Task {task.Id} is already {Text(task.State)}; there is nothing to cancel.");
        if (task.State == TaskState.Running)
        {
            if (task.CancelRequested) return new ChangeDecision.Unchanged(task);
            var marked = task with { CancelRequested = true, UpdatedAt = now };
            return new ChangeDecision.Changed(new TaskChange(marked,
                Event(marked, TaskState.Running, now, actor, $"cancellation requested ({reason}); delivered at the worker's next renew"), null));
        }
        return new ChangeDecision.Changed(Cancelled(task, now, actor, $"cancelled ({reason})"));
    }

    /// <summary>
    /// A retry by hand of a failed, dead or cancelled task: back to the queue now (or waiting, while a dependency is
    /// still open) with at least <paramref name="extraAttempts"/> attempts left. A dependency that is itself dead or
    /// cancelled must be retried first.
    /// </summary>
    public static ChangeDecision Retry(BatonTask task, IReadOnlyList<BatonTask> dependencies, int extraAttempts, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(dependencies);
        if (task.State is not (TaskState.Failed or TaskState.Dead or TaskState.Cancelled))
            return new ChangeDecision.Refused($"Task {task.Id} is {Text(task.State)}: only failed, dead or cancelled tasks can be retried.");
        if (dependencies.FirstOrDefault(d => d.State is TaskState.Dead or TaskState.Cancelled) is { } broken)
            return new ChangeDecision.Refused($"Dependency {broken.Id} is {Text(broken.State)}: retry it first (`baton tasks retry {broken.Id}`).");
        var state = dependencies.All(d => d.State == TaskState.Succeeded) ? TaskState.Queued : TaskState.Waiting;
        var retried = task with
        {
            State = state,
            MaxAttempts = Math.Max(task.MaxAttempts, task.Attempt + extraAttempts),
            RetryAt = null,
            LeaseExpiresAt = null,
            Error = null,
            Result = null,
            CancelRequested = false,
            FinishedAt = null,
            UpdatedAt = now,
        };
        return new ChangeDecision.Changed(new TaskChange(retried, Event(retried, task.State, now, actor,
            $"retried by hand; up to {retried.MaxAttempts} attempts"), null));
    }

    /// <summary>Where a lease started or renewed at <paramref name="now"/> ends: one ttl on, never past the timeout plus one ttl.</summary>
    public static DateTimeOffset LeaseEnd(DateTimeOffset now, DateTimeOffset startedAt, int timeoutSeconds, TimeSpan ttl)
    {
        var byTtl = now + ttl;
        var byTimeout = startedAt + TimeSpan.FromSeconds(timeoutSeconds) + ttl;
        return byTtl < byTimeout ? byTtl : byTimeout;
    }

    private static LeaseDecision.Lost? Fenced(BatonTask task, long epoch, DateTimeOffset now, Random random, bool allowAssigned)
    {
        var sweep = Sweep(task, now, random);
        if (epoch != task.Epoch)
            return new LeaseDecision.Lost($"Epoch {epoch} no longer holds task {task.Id}: it is at epoch {task.Epoch} (assigned again since). Drop this attempt's work.", sweep);
        if (sweep is not null)
            return new LeaseDecision.Lost($"The lease of task {task.Id} expired at {Timestamp.ToWire(task.LeaseExpiresAt!.Value)}; the attempt is over. Drop its work.", sweep);
        if (task.State == TaskState.Running || (allowAssigned && task.State == TaskState.Assigned)) return null;
        var detail = task.State == TaskState.Assigned
            ? $"Task {task.Id} is assigned but not started: start it first."
            : $"Task {task.Id} is {Text(task.State)}; epoch {epoch} holds no lease on it. Drop this attempt's work.";
        return new LeaseDecision.Lost(detail, null);
    }

    private static TaskChange FailAttempt(BatonTask task, TaskError error, AttemptOutcome? outcome, DateTimeOffset now, Random random, string actor)
    {
        if (RequeuesAtOnce(error.Type)) return Released(task, error, outcome, now, actor);
        var permanent = IsPermanent(error.Type);
        var spent = permanent || task.Attempt >= task.MaxAttempts;
        var retryAt = spent ? (DateTimeOffset?)null : now + Backoff.Delay(task.Attempt) + Backoff.Jitter(random);
        var after = task with
        {
            State = spent ? TaskState.Dead : TaskState.Failed,
            Error = error,
            RetryAt = retryAt,
            LeaseExpiresAt = null,
            LastFailedAgent = task.AssignedAgent,
            CancelRequested = false,
            FinishedAt = spent ? now : null,
            UpdatedAt = now,
        };
        var reason = permanent
            ? $"attempt {task.Attempt} of {task.MaxAttempts} failed ({error.Type}); no retry can mend it, so it is dead at once"
            : spent
            ? $"attempt {task.Attempt} of {task.MaxAttempts} failed ({error.Type}); no attempts left"
            : $"attempt {task.Attempt} of {task.MaxAttempts} failed ({error.Type}); retry at {Timestamp.ToWire(retryAt!.Value)}";
        var duration = outcome?.DurationMs ?? DurationSinceStart(task, now);
        return new TaskChange(after, Event(after, TaskState.Running, now, actor, reason), Result(task, false, now, duration, error, outcome));
    }

    /// <summary>
    /// An attempt given back by its worker (<see cref="RequeuesAtOnce"/>): queued again now, no backoff, avoiding that
    /// agent next. The attempt stays counted in <see cref="BatonTask.Attempt"/> (its result is recorded, usage and all)
    /// but max_attempts grows by one, so it never uses up an attempt nor makes the task dead; the event says so. A
    /// cancellation waiting for the worker's renew is delivered instead.
    /// </summary>
    private static TaskChange Released(BatonTask task, TaskError error, AttemptOutcome? outcome, DateTimeOffset now, string actor)
    {
        var duration = outcome?.DurationMs ?? DurationSinceStart(task, now);
        var result = Result(task, false, now, duration, error, outcome);
        if (task.CancelRequested)
        {
            var cancelled = Cancelled(task, now, actor, $"attempt {task.Attempt} released ({error.Type}) with a cancellation waiting; cancelled");
            return cancelled with { Result = result };
        }
        var after = task with
        {
            State = TaskState.Queued,
            MaxAttempts = task.MaxAttempts + 1,
            Error = error,
            RetryAt = null,
            LeaseExpiresAt = null,
            LastFailedAgent = task.AssignedAgent,
            UpdatedAt = now,
        };
        return new TaskChange(after, Event(after, TaskState.Running, now, actor,
            $"attempt {task.Attempt} released by {task.AssignedAgent} ({error.Type}); back in the queue at once, not counted: up to {after.MaxAttempts} attempts"),
            result);
    }

    private static TaskChange Cancelled(BatonTask task, DateTimeOffset now, string actor, string reason)
    {
        var after = task with
        {
            State = TaskState.Cancelled,
            LeaseExpiresAt = null,
            RetryAt = null,
            Held = null,
            CancelRequested = false,
            FinishedAt = now,
            UpdatedAt = now,
        };
        return new TaskChange(after, Event(after, task.State, now, actor, reason), null);
    }

    private static (TaskState State, TaskError? Error, string Reason) FromDependencies(IReadOnlyList<BatonTask> dependencies, string what)
    {
        if (dependencies.FirstOrDefault(d => d.State is TaskState.Dead or TaskState.Cancelled) is { } broken)
        {
            var message = $"dependency {broken.Id} is {Text(broken.State)}";
            return (TaskState.Dead, new TaskError(DependencyError, message), $"{what}; {message}");
        }
        var open = dependencies.Where(d => d.State != TaskState.Succeeded).Select(d => d.Id).ToList();
        if (open.Count > 0)
            return (TaskState.Waiting, null, $"{what}; waiting for {open.Count} {(open.Count == 1 ? "dependency" : "dependencies")}: {string.Join(", ", open)}");
        return (TaskState.Queued, null, dependencies.Count == 0 ? what : $"{what}; every dependency succeeded");
    }

    private static long? DurationSinceStart(BatonTask task, DateTimeOffset now) =>
        task.StartedAt is { } started ? Math.Max(0, (long)(now - started).TotalMilliseconds) : null;

    private static TaskResult Result(BatonTask task, bool success, DateTimeOffset now, long? durationMs, TaskError? error, AttemptOutcome? outcome) => new(
        task.Id, task.Attempt, task.AssignedAgent!, task.Capability, success, now, durationMs, error?.Type, error?.Message,
        outcome?.Usage, outcome?.NativeSessionId, outcome?.Branch, outcome?.PrUrl);

    private static TaskEvent Event(BatonTask after, TaskState? from, DateTimeOffset now, string actor, string reason, IReadOnlyList<ScoreCard>? cards = null) =>
        new(after.Id, now, from, after.State, actor, reason, after.Attempt, after.Epoch, after.AssignedAgent, after.Probe, cards);

    /// <summary>A state as the wire writes it.</summary>
    public static string Text(TaskState state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());
}
