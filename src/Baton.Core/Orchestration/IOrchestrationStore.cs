using Baton.Core.Common;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Orchestration;

/// <summary>
/// The orchestration side of the storage port (docs/architecture.md §8, §14): agents, repo
/// contexts, tasks with their events and result history. The database is the scheduler, so every transition runs
/// inside one store transaction: the store reads the rows, asks the pure rule (<see cref="TaskRules"/>,
/// <see cref="TaskDispatch"/>), and persists the <see cref="TaskChange"/> it returns — the task row, its event and the
/// attempt's result — never its own copy of a rule. Times, randomness (backoff jitter) and settings are passed in.
/// <para>
/// <b>Saving a change</b> (every method that changes a task): update the task row, insert <see cref="TaskChange.Event"/>
/// when not null and <see cref="TaskChange.Result"/> when not null. When the task is now finished (succeeded, dead or
/// cancelled), every <i>waiting</i> task that depends on it is re-judged with <see cref="TaskRules.DependencyFinished"/>
/// (its dependencies read in the same transaction) and saved the same way — recursively, since a dependent made dead
/// finishes too. A store must never let two transactions assign the same task (SQLite: the one writer; PostgreSQL:
/// rows claimed <c>FOR UPDATE SKIP LOCKED</c>).
/// </para>
/// Every store implements it alongside <c>IBatonStore</c> and passes <c>QueueStoreContractTests</c>.
/// </summary>
public interface IOrchestrationStore
{
    // ---- agents ----

    /// <summary>
    /// Registers <paramref name="candidate"/> keyed on its name (exact). New name: stored as is. Known name: keeps id
    /// and <see cref="Agent.RegisteredAt"/>; machine, cli, capabilities, health checks, max concurrency, updated_at,
    /// actor and last heartbeat (the later of the two) become the candidate's; a removed agent is revived
    /// (<see cref="Agent.RemovedAt"/> null); pause fields are kept. Atomic: racing registrations of one name leave one agent.
    /// </summary>
    Task<AgentUpsert> UpsertAgentAsync(Agent candidate, CancellationToken ct);

    /// <summary>The agent (removed ones included), or null.</summary>
    Task<Agent?> FindAgentOrNullAsync(string id, CancellationToken ct);

    Task<Agent?> FindAgentByNameOrNullAsync(string name, CancellationToken ct);

    /// <summary>A heartbeat: last_heartbeat_at becomes <paramref name="now"/> unless later already. Null when unknown or removed.</summary>
    Task<AgentTouch?> TouchAgentAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Sets (or with <paramref name="until"/> null clears) the pause and its reason. Null when unknown or removed.</summary>
    Task<Agent?> SetAgentPauseAsync(string id, DateTimeOffset? until, string? reason, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Deregisters: sets removed_at, and in the same transaction puts every task assigned to it but not started back in
    /// the queue (assigned → queued, lease cleared, an event by <paramref name="actor"/>). Running tasks keep their lease
    /// (the worker may still finish; the sweeper times them out otherwise). Null when unknown or already removed.
    /// </summary>
    Task<AgentRemoval?> RemoveAgentAsync(string id, DateTimeOffset now, string actor, CancellationToken ct);

    /// <summary>Agents newest-registered first (by id), keyset-paged, with the exact total; removed ones only when asked.</summary>
    Task<Page<Agent>> ListAgentsAsync(AgentQuery query, CancellationToken ct);

    /// <summary>Records the latest result of one requirement (one row per agent and requirement, replaced). Null when the agent is unknown.</summary>
    Task<Agent?> RecordHealthAsync(string agentId, HealthResult result, CancellationToken ct);

    /// <summary>For each of <paramref name="agentIds"/>: its health results (requirement order) and tasks assigned to or running on it now.</summary>
    Task<IReadOnlyDictionary<string, AgentLoad>> GetAgentLoadsAsync(IReadOnlyList<string> agentIds, CancellationToken ct);

    /// <summary>
    /// One statement: for each of <paramref name="agentIds"/> and each capability it has results for, its newest
    /// <paramref name="perCapability"/> results that scoring counts (<c>rate_limited</c> and <c>worker_shutdown</c> left
    /// out), newest first (finished_at, then insertion order); ordered by agent id, then capability.
    /// </summary>
    Task<IReadOnlyList<ResultHistory>> ListResultHistoryAsync(IReadOnlyList<string> agentIds, int perCapability, CancellationToken ct);

    /// <summary>
    /// One round of server-side health probes, at most one at a time across every process sharing the store (a
    /// round already under way elsewhere: <see cref="HealthProbeRound.Ran"/> false, nothing done). Reads the agents not
    /// removed and their latest results, asks <see cref="HealthProbes.Due"/> which URL checks are due at
    /// <paramref name="now"/>, calls <paramref name="probe"/> with them (none due: not called), and records what it
    /// returns as <see cref="RecordHealthAsync"/> would — skipping agents removed meanwhile. PostgreSQL holds the round
    /// in one transaction under a transaction-scoped advisory lock taken with <c>pg_try_advisory_xact_lock</c>, so the
    /// probes run while the round is held (the caller bounds them by its timeout).
    /// </summary>
    Task<HealthProbeRound> RunHealthProbesAsync(DateTimeOffset now, TimeSpan interval,
        Func<IReadOnlyList<HealthProbe>, CancellationToken, Task<IReadOnlyList<ProbedHealth>>> probe, CancellationToken ct);

    // ---- repo contexts ----

    /// <summary>Upserts on (machine, repo): path, default branch, last fetched and reported_at are replaced.</summary>
    Task<RepoContext> UpsertContextAsync(RepoContext context, CancellationToken ct);

    /// <summary>Contexts, filtered by machine and/or repo when given, ordered by repo then machine.</summary>
    Task<IReadOnlyList<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct);

    // ---- tasks ----

    /// <summary>
    /// Inserts a new task: reads the tasks of <see cref="BatonTask.DependsOn"/> (the service checked they exist, in the
    /// same venture), applies <see cref="TaskRules.Create"/> (queued, waiting or dead), stores the task, one dependency row
    /// per entry and the creation event, all in one transaction. Returns the task as stored.
    /// </summary>
    Task<BatonTask> InsertTaskAsync(BatonTask draft, string actor, CancellationToken ct);

    Task<BatonTask?> FindTaskOrNullAsync(string id, CancellationToken ct);

    /// <summary>The tasks among <paramref name="ids"/> that exist, in any order.</summary>
    Task<IReadOnlyList<BatonTask>> FindTasksAsync(IReadOnlyList<string> ids, CancellationToken ct);

    /// <summary>Tasks newest first (by id), keyset-paged, filtered by venture, state, capability and assigned agent; the exact total.</summary>
    Task<Page<BatonTask>> ListTasksAsync(TaskQuery query, CancellationToken ct);

    /// <summary>How many tasks are in each state, for one venture or (null) all; exact.</summary>
    Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct);

    /// <summary>Every event of the task, oldest first (insertion order).</summary>
    Task<IReadOnlyList<TaskEvent>> ListTaskEventsAsync(string taskId, CancellationToken ct);

    /// <summary>Every finished attempt of the task, by attempt.</summary>
    Task<IReadOnlyList<TaskResult>> ListTaskResultsAsync(string taskId, CancellationToken ct);

    /// <summary>The tasks assigned (not yet started) to the agent, oldest assignment first; only <paramref name="venture"/>'s when given.</summary>
    Task<IReadOnlyList<BatonTask>> ListAssignedTasksAsync(string agentId, string? venture, CancellationToken ct);

    /// <summary>True when some task holds a lease that ran out at or before <paramref name="now"/> (reads sweep first when so).</summary>
    Task<bool> AnyLeaseExpiredAsync(DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// In one transaction: every expired lease (<see cref="TaskRules.Sweep"/>) and every failed task whose backoff has
    /// elapsed (<see cref="TaskRules.PromoteRetry"/>), each saved with its dependents.
    /// </summary>
    Task<SweepOutcome> SweepAsync(DateTimeOffset now, Random random, CancellationToken ct);

    /// <summary>
    /// One dispatch pass: reads up to <see cref="DispatchPass.MaxTasks"/> queued tasks that are due (not_before null or
    /// ≤ now) by priority (highest first), then created_at, then id; reads the <see cref="DispatchSnapshot"/> for them;
    /// persists what <see cref="TaskDispatch.Plan"/> returns (each assignment with its score cards in the event). A task
    /// is assigned at most once however many passes race (one winner). Also returns the earliest future time something
    /// becomes due (a lease expiry, a backoff, a not_before, a pause ending), so the dispatcher can sleep until then.
    /// </summary>
    Task<DispatchOutcome> DispatchAsync(DispatchPass pass, CancellationToken ct);

    /// <summary>
    /// <see cref="SweepAsync"/> then <see cref="DispatchAsync"/> at <see cref="DispatchPass.Now"/>, in one transaction:
    /// the dispatcher's pass, one write instead of two. The same answers as the two calls one after the other.
    /// </summary>
    Task<PassOutcome> SweepAndDispatchAsync(DispatchPass pass, Random random, CancellationToken ct);

    /// <summary>Start (assigned → running) under <see cref="LeaseCall.Epoch"/>: <see cref="TaskRules.Start"/>.</summary>
    Task<LeaseOutcome> StartTaskAsync(LeaseCall call, CancellationToken ct);

    /// <summary>Renew under the epoch: <see cref="TaskRules.Renew"/> (a waiting cancellation is delivered: the task becomes cancelled).</summary>
    Task<LeaseOutcome> RenewTaskAsync(LeaseCall call, CancellationToken ct);

    /// <summary>
    /// Complete or fail under the epoch: <see cref="TaskRules.Finish"/>, saved with its dependents. A success also saves,
    /// in the same transaction, what <see cref="Supervision.SupervisionRules.Succeeded"/> returns for it: the follow-ups
    /// of <see cref="LeaseCall.FollowUps"/> (rows and creation events), the events on the completed and reviewed tasks,
    /// and the supervisory report when the task's payload names a reviewed task (read in the transaction).
    /// </summary>
    Task<LeaseOutcome> FinishTaskAsync(LeaseCall call, AttemptOutcome outcome, CancellationToken ct);

    /// <summary>The supervisory reports on a task (the reviews of it), oldest first.</summary>
    Task<IReadOnlyList<Supervision.TaskReview>> ListTaskReviewsAsync(string taskId, CancellationToken ct);

    /// <summary>The latest report's verdict for each of <paramref name="taskIds"/> that has one (the task list's mark).</summary>
    Task<IReadOnlyDictionary<string, Supervision.ReviewVerdict>> LatestVerdictsAsync(IReadOnlyList<string> taskIds, CancellationToken ct);

    /// <summary><see cref="TaskRules.Cancel"/>, saved with its dependents.</summary>
    Task<ChangeOutcome> CancelTaskAsync(string id, DateTimeOffset now, string actor, string reason, CancellationToken ct);

    /// <summary><see cref="TaskRules.Retry"/> (its dependencies read in the same transaction).</summary>
    Task<ChangeOutcome> RetryTaskAsync(string id, int extraAttempts, DateTimeOffset now, string actor, CancellationToken ct);
}

/// <summary>What <see cref="IOrchestrationStore.UpsertAgentAsync"/> did: the agent as stored now, and whether it was new.</summary>
public sealed record AgentUpsert(Agent Agent, bool Created);

/// <summary>An agent after a heartbeat, and its heartbeat before it (the service wakes the dispatcher when it was offline).</summary>
public sealed record AgentTouch(Agent Agent, DateTimeOffset PreviousHeartbeatAt);

/// <summary>A removed agent and the ids of the tasks put back in the queue.</summary>
public sealed record AgentRemoval(Agent Agent, IReadOnlyList<string> Requeued);

/// <summary>What a health-probe round did: whether it ran (false: another was under way), and the results it recorded.</summary>
public sealed record HealthProbeRound(bool Ran, IReadOnlyList<ProbedHealth> Recorded)
{
    public static HealthProbeRound Skipped { get; } = new(false, []);
}

/// <summary>An agent's health results and how many tasks are assigned to or running on it.</summary>
public sealed record AgentLoad(IReadOnlyList<HealthResult> Health, int Running);

public sealed record AgentQuery(PageRequest Page, bool IncludeRemoved = false);

/// <summary>Filters of the task list; null means any. <see cref="Agent"/> is the assigned agent's id.</summary>
public sealed record TaskQuery(PageRequest Page, string? Venture = null, TaskState? State = null, string? Capability = null, string? Agent = null);

/// <summary>Exact counts per state; <see cref="Held"/> is how many of the queued ones the budgets hold (<see cref="BatonTask.Held"/>).</summary>
public sealed record TaskCounts(long Waiting, long Queued, long Assigned, long Running, long Succeeded, long Failed, long Dead, long Cancelled, long Held = 0)
{
    /// <summary>The row key a count query gives the held count under, beside the states' names.</summary>
    public const string HeldKey = "held";

    public static TaskCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public long Total => Waiting + Queued + Assigned + Running + Succeeded + Failed + Dead + Cancelled;

    public long Of(TaskState state) => state switch
    {
        TaskState.Waiting => Waiting,
        TaskState.Queued => Queued,
        TaskState.Assigned => Assigned,
        TaskState.Running => Running,
        TaskState.Succeeded => Succeeded,
        TaskState.Failed => Failed,
        TaskState.Dead => Dead,
        _ => Cancelled,
    };

    /// <summary>Counts from (state, count) rows as a GROUP BY gives them.</summary>
    public static TaskCounts From(IEnumerable<(TaskState State, long Count)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var c = new long[8];
        foreach (var (state, count) in rows) c[(int)state] += count;
        return new TaskCounts(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    }

    /// <summary>Counts from (key, count) rows: each state's wire name, and <see cref="HeldKey"/> for the held count.</summary>
    public static TaskCounts FromKeyed(IEnumerable<(string Key, long Count)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        return From(list.Where(r => r.Key != HeldKey).Select(r => (Enum.GetValues<TaskState>().Single(state => TaskRules.Text(state) == r.Key), r.Count)))
            with { Held = list.Where(r => r.Key == HeldKey).Sum(r => r.Count) };
    }

    /// <summary>
    /// The count query both stores run: per state, then the held ones, over <paramref name="where"/> (a WHERE clause or
    /// empty) and <paramref name="whereHeld"/> (the same filter with the queued-and-held clauses).
    /// </summary>
    public static string Sql(string where, string whereHeld) =>
        $"SELECT state, count(*) FROM tasks {where} GROUP BY state UNION ALL SELECT '{HeldKey}', count(*) FROM tasks {whereHeld}";

    public static readonly string[] HeldClauses = ["state = 'queued'", "held IS NOT NULL"];
}

/// <summary>What a sweep did: the tasks it changed (expired leases and elapsed backoffs; dependents not counted).</summary>
public sealed record SweepOutcome(IReadOnlyList<string> Changed);

/// <summary>One assignment a dispatch pass made.</summary>
public sealed record Assignment(string TaskId, string AgentId, long Epoch, bool Probe);

/// <summary>What a dispatch pass did, and the earliest future time something becomes due (null: nothing is pending on a time).</summary>
public sealed record DispatchOutcome(IReadOnlyList<Assignment> Assignments, DateTimeOffset? NextDueAt);

/// <summary>What <see cref="IOrchestrationStore.SweepAndDispatchAsync"/> did: the sweep's changes, then the pass's.</summary>
public sealed record PassOutcome(SweepOutcome Swept, DispatchOutcome Dispatched);

/// <summary>A lease call: the task, the epoch it carries, who calls, when, the lease times, and the randomness of a backoff.</summary>
/// <param name="FollowUps">
/// A completion only: the follow-up tasks to create if it succeeds (<see cref="Supervision.SupervisionRules.FollowUps"/>,
/// planned by the service, which mints their ids). The store inserts them in the completion's transaction; a lost lease
/// or a failure creates none.
/// </param>
public sealed record LeaseCall(string TaskId, long Epoch, DateTimeOffset Now, string Actor, LeaseTimes Times, Random Random,
    IReadOnlyList<BatonTask>? FollowUps = null);

public enum LeaseResult { Granted, Lost, NotFound }

/// <summary>
/// What a lease call did. <see cref="LeaseResult.Granted"/>: <see cref="Task"/> is the task after it.
/// <see cref="LeaseResult.Lost"/>: nothing the caller sent was kept (an expired lease found on the way was swept);
/// <see cref="Task"/> is the task as stored now and <see cref="Detail"/> says why.
/// </summary>
public sealed record LeaseOutcome(LeaseResult Result, BatonTask? Task, string? Detail);

public enum ChangeResult { Changed, Unchanged, Refused, NotFound }

/// <summary>What a cancel or retry did; <see cref="Task"/> is the task as stored after it.</summary>
public sealed record ChangeOutcome(ChangeResult Result, BatonTask? Task, string? Detail);
