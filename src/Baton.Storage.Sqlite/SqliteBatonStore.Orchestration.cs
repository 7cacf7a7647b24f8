using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Storage.Relational;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The orchestrator on SQLite (docs/architecture.md §8). Every transition — an assignment, a start, a renew, a
/// completion, a sweep — runs as one write in the group-commit writer: the task rows are read, the pure rule
/// (<see cref="TaskRules"/>, <see cref="TaskDispatch"/>) decides, and the change is saved in the same savepoint. The
/// writer runs one write at a time, so two claims of one task cannot interleave: exactly one wins.
/// </summary>
public sealed partial class SqliteBatonStore
{
    private const string OpenLease = "state IN ('assigned', 'running')";

    // ---- agents ----

    public Task<AgentUpsert> UpsertAgentAsync(Agent candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return WriteAsync(db =>
        {
            var existed = db.Scalar("SELECT EXISTS (SELECT 1 FROM agents WHERE name = $name)", ("$name", candidate.Name)) != 0;
            db.Execute($"""
                INSERT INTO agents ({OrchestrationRows.AgentColumns}) VALUES ({OrchestrationRows.AgentValues})
                ON CONFLICT (name) DO UPDATE SET
                    machine_id = excluded.machine_id,
                    cli = excluded.cli,
                    capabilities = excluded.capabilities,
                    health_checks = excluded.health_checks,
                    max_concurrency = excluded.max_concurrency,
                    updated_at = excluded.updated_at,
                    last_heartbeat_at = max(excluded.last_heartbeat_at, last_heartbeat_at),
                    removed_at = NULL,
                    actor_key_id = excluded.actor_key_id
                """, OrchestrationRows.AgentArgs(candidate));
            return new AgentUpsert(FindAgentByName(db, candidate.Name)!, !existed);
        }, ct);
    }

    public Task<Agent?> FindAgentOrNullAsync(string id, CancellationToken ct) => ReadAsync(db => FindAgent(db, id), ct);

    public Task<Agent?> FindAgentByNameOrNullAsync(string name, CancellationToken ct) => ReadAsync(db => FindAgentByName(db, name), ct);

    public Task<AgentTouch?> TouchAgentAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db =>
        {
            if (FindAgent(db, id) is not { RemovedAt: null } before) return null;
            var after = db.FirstOrDefault($"""
                UPDATE agents SET last_heartbeat_at = max(last_heartbeat_at, $now) WHERE id = $id
                RETURNING {OrchestrationRows.AgentColumns}
                """, OrchestrationRows.Agent, ("$id", id), ("$now", Rows.Ms(now)))!;
            return new AgentTouch(after, before.LastHeartbeatAt);
        }, ct);

    public Task<Agent?> SetAgentPauseAsync(string id, DateTimeOffset? until, string? reason, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefault($"""
            UPDATE agents SET paused_until = $until, pause_reason = $reason, updated_at = $now WHERE id = $id AND removed_at IS NULL
            RETURNING {OrchestrationRows.AgentColumns}
            """, OrchestrationRows.Agent, ("$id", id), ("$until", Rows.Ms(until)), ("$reason", until is null ? null : reason), ("$now", Rows.Ms(now))), ct);

    public Task<AgentRemoval?> RemoveAgentAsync(string id, DateTimeOffset now, string actor, CancellationToken ct) =>
        WriteAsync(db =>
        {
            var removed = db.FirstOrDefault($"""
                UPDATE agents SET removed_at = $now, updated_at = $now WHERE id = $id AND removed_at IS NULL
                RETURNING {OrchestrationRows.AgentColumns}
                """, OrchestrationRows.Agent, ("$id", id), ("$now", Rows.Ms(now)));
            if (removed is null) return null;
            var assigned = db.List($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE assigned_agent = $id AND state = 'assigned' ORDER BY id",
                OrchestrationRows.Task, ("$id", id));
            foreach (var task in assigned)
                SaveTaskChange(db, TaskRules.Unassign(task, now, actor, $"agent {removed.Name} was deregistered before starting it"), now);
            return new AgentRemoval(removed, assigned.Select(t => t.Id).ToList());
        }, ct);

    public Task<Page<Agent>> ListAgentsAsync(AgentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        if (!query.IncludeRemoved) filter.Add("removed_at IS NULL");
        return ReadAsync(db => filter.Page(db, "agents", OrchestrationRows.AgentColumns, OrchestrationRows.Agent, query.Page, IdGenerator.Agent, a => a.Id), ct);
    }

    public Task<Agent?> RecordHealthAsync(string agentId, HealthResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync(db =>
        {
            if (FindAgent(db, agentId) is not { } agent) return null;
            db.Execute($"""
                INSERT INTO agent_health ({OrchestrationRows.HealthColumns}) VALUES ({OrchestrationRows.HealthValues})
                ON CONFLICT (agent_id, requirement) DO UPDATE SET healthy = excluded.healthy, checked_at = excluded.checked_at, detail = excluded.detail
                """, OrchestrationRows.HealthArgs(agentId, result));
            return agent;
        }, ct);
    }

    public Task<IReadOnlyDictionary<string, AgentLoad>> GetAgentLoadsAsync(IReadOnlyList<string> agentIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        return ReadAsync<IReadOnlyDictionary<string, AgentLoad>>(db =>
        {
            if (agentIds.Count == 0) return new Dictionary<string, AgentLoad>();
            var healthFilter = new Filter();
            healthFilter.In("agent_id", "agent", agentIds);
            var health = db.List($"SELECT {OrchestrationRows.HealthColumns} FROM agent_health {healthFilter.WhereClause()} ORDER BY agent_id, requirement",
                OrchestrationRows.Health, [.. healthFilter.Args]);
            var loadFilter = new Filter();
            loadFilter.In("assigned_agent", "agent", agentIds);
            var running = db.List($"SELECT assigned_agent, count(*) FROM tasks {loadFilter.WhereClause(OpenLease)} GROUP BY assigned_agent",
                r => (Agent: r.GetString(0), Count: checked((int)r.GetInt64(1))), [.. loadFilter.Args]);
            return agentIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => new AgentLoad(
                health.Where(h => h.AgentId == id).Select(h => h.Result).ToList(),
                running.FirstOrDefault(x => x.Agent == id).Count), StringComparer.Ordinal);
        }, ct);
    }

    public Task<IReadOnlyList<ResultHistory>> ListResultHistoryAsync(IReadOnlyList<string> agentIds, int perCapability, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        return ReadAsync<IReadOnlyList<ResultHistory>>(db =>
        {
            if (agentIds.Count == 0) return [];
            var filter = new Filter();
            var condition = $"agent_id IN ({filter.Parameters("agent", agentIds.Distinct(StringComparer.Ordinal).ToList())})";
            return OrchestrationRows.Histories(db.List(OrchestrationRows.HistorySql(condition), OrchestrationRows.Sample,
                [.. filter.Args, Filter.Arg("per", perCapability)]));
        }, ct);
    }

    /// <summary>
    /// One process writes a SQLite file (the server), so one round at a time in this store is one at a time: a flag,
    /// not a lock, so a round that finds another under way skips at once. The probes run between the read and the
    /// write, outside both, so nothing waits on them.
    /// </summary>
    public async Task<HealthProbeRound> RunHealthProbesAsync(DateTimeOffset now, TimeSpan interval,
        Func<IReadOnlyList<HealthProbe>, CancellationToken, Task<IReadOnlyList<ProbedHealth>>> probe, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (Interlocked.CompareExchange(ref _healthProbeRound, 1, 0) != 0) return HealthProbeRound.Skipped;
        try
        {
            var due = await ReadAsync(db => HealthProbes.Due(
                db.List($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE removed_at IS NULL ORDER BY id", OrchestrationRows.Agent),
                LatestHealth(db), now, interval), ct).ConfigureAwait(false);
            if (due.Count == 0) return new HealthProbeRound(true, []);
            var results = await probe(due, ct).ConfigureAwait(false);
            return new HealthProbeRound(true, await WriteAsync<IReadOnlyList<ProbedHealth>>(db => results.Where(r => RecordProbed(db, r)).ToList(), ct).ConfigureAwait(false));
        }
        finally
        {
            Volatile.Write(ref _healthProbeRound, 0);
        }
    }

    private int _healthProbeRound;

    /// <summary>Records a probe's result unless its agent was removed meanwhile; true when recorded.</summary>
    private static bool RecordProbed(Db db, ProbedHealth probed) =>
        db.Execute($"""
            INSERT INTO agent_health ({OrchestrationRows.HealthColumns})
            SELECT {OrchestrationRows.HealthValues} WHERE EXISTS (SELECT 1 FROM agents WHERE id = $agent_id AND removed_at IS NULL)
            ON CONFLICT (agent_id, requirement) DO UPDATE SET healthy = excluded.healthy, checked_at = excluded.checked_at, detail = excluded.detail
            """, OrchestrationRows.HealthArgs(probed.AgentId, probed.Result)) > 0;

    private static Dictionary<string, IReadOnlyList<HealthResult>> LatestHealth(Db db) =>
        db.List($"SELECT {Rows.Qualified(OrchestrationRows.HealthColumns, "h")} FROM agent_health h JOIN agents a ON a.id = h.agent_id WHERE a.removed_at IS NULL ORDER BY h.agent_id, h.requirement",
                OrchestrationRows.Health)
            .GroupBy(h => h.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<HealthResult>)g.Select(h => h.Result).ToList(), StringComparer.Ordinal);

    // ---- repo contexts ----

    public Task<RepoContext> UpsertContextAsync(RepoContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(db => db.FirstOrDefault($"""
            INSERT INTO repo_contexts ({OrchestrationRows.ContextColumns}) VALUES ({OrchestrationRows.ContextValues})
            ON CONFLICT (machine_id, repo) DO UPDATE SET local_path = excluded.local_path, default_branch = excluded.default_branch,
                last_fetched_at = excluded.last_fetched_at, reported_at = excluded.reported_at
            RETURNING {OrchestrationRows.ContextColumns}
            """, OrchestrationRows.Context, OrchestrationRows.ContextArgs(context))!, ct);
    }

    public Task<IReadOnlyList<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("machine_id", machineId);
        filter.Equal("repo", repo);
        return ReadAsync<IReadOnlyList<RepoContext>>(db => db.List(
            $"SELECT {OrchestrationRows.ContextColumns} FROM repo_contexts {filter.WhereClause()} ORDER BY repo, machine_id",
            OrchestrationRows.Context, [.. filter.Args]), ct);
    }

    // ---- tasks ----

    public Task<BatonTask> InsertTaskAsync(BatonTask draft, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return WriteAsync(db => InsertTask(db, TaskRules.Create(draft, FindTasks(db, draft.DependsOn), draft.CreatedAt, actor)), ct);
    }

    private static BatonTask InsertTask(Db db, TaskChange change)
    {
        db.Execute($"INSERT INTO tasks ({OrchestrationRows.TaskColumns}) VALUES ({OrchestrationRows.TaskValues})", OrchestrationRows.TaskArgs(change.After));
        foreach (var dependency in change.After.DependsOn.Distinct(StringComparer.Ordinal))
            db.Execute("INSERT INTO task_dependencies (task_id, depends_on) VALUES ($task, $dependency)", ("$task", change.After.Id), ("$dependency", dependency));
        InsertEvent(db, change.Event!);
        return change.After;
    }

    public Task<BatonTask?> FindTaskOrNullAsync(string id, CancellationToken ct) => ReadAsync(db => FindTask(db, id), ct);

    public Task<IReadOnlyList<BatonTask>> FindTasksAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ReadAsync<IReadOnlyList<BatonTask>>(db => FindTasks(db, ids), ct);
    }

    public Task<Page<BatonTask>> ListTasksAsync(TaskQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ListTasks(db, query), ct);
    }

    public Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct) => ReadAsync(db => CountTasks(db, venture), ct);

    private static Page<BatonTask> ListTasks(Db db, TaskQuery query)
    {
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        filter.Equal("state", query.State is { } state ? Rows.Text(state) : null);
        filter.Equal("capability", query.Capability);
        filter.Equal("assigned_agent", query.Agent);
        return filter.Page(db, "tasks", OrchestrationRows.TaskColumns, OrchestrationRows.Task, query.Page, IdGenerator.Task, t => t.Id);
    }

    private static TaskCounts CountTasks(Db db, string? venture)
    {
        var filter = new Filter();
        filter.Equal("venture", venture);
        return TaskCounts.FromKeyed(db.List(TaskCounts.Sql(filter.WhereClause(), filter.WhereClause(TaskCounts.HeldClauses)),
            r => (r.GetString(0), r.GetInt64(1)), [.. filter.Args]));
    }

    public Task<IReadOnlyList<TaskEvent>> ListTaskEventsAsync(string taskId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<TaskEvent>>(db => db.List($"SELECT {OrchestrationRows.EventColumns} FROM task_events WHERE task_id = $id ORDER BY seq",
            OrchestrationRows.Event, ("$id", taskId)), ct);

    public Task<IReadOnlyList<TaskResult>> ListTaskResultsAsync(string taskId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<TaskResult>>(db => db.List($"SELECT {OrchestrationRows.ResultColumns} FROM task_results WHERE task_id = $id ORDER BY attempt, seq",
            OrchestrationRows.Result, ("$id", taskId)), ct);

    public Task<IReadOnlyList<BatonTask>> ListAssignedTasksAsync(string agentId, string? venture, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("assigned_agent", agentId);
        filter.Equal("venture", venture);
        return ReadAsync<IReadOnlyList<BatonTask>>(db => db.List(
            $"SELECT {OrchestrationRows.TaskColumns} FROM tasks {filter.WhereClause("state = 'assigned'")} ORDER BY assigned_at, id",
            OrchestrationRows.Task, [.. filter.Args]), ct);
    }

    public Task<bool> AnyLeaseExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        ReadAsync(db => db.Scalar($"SELECT EXISTS (SELECT 1 FROM tasks WHERE {OpenLease} AND lease_expires_at <= $now)", ("$now", Rows.Ms(now))) != 0, ct);

    public Task<SweepOutcome> SweepAsync(DateTimeOffset now, Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(random);
        return WriteAsync(db => Sweep(db, now, random), ct);
    }

    public Task<DispatchOutcome> DispatchAsync(DispatchPass pass, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return WriteAsync(db => Dispatch(db, pass), ct);
    }

    /// <summary>The sweep and the pass as one write of the group commit: one turn of the writer, not two.</summary>
    public Task<PassOutcome> SweepAndDispatchAsync(DispatchPass pass, Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(random);
        return WriteAsync(db => new PassOutcome(Sweep(db, pass.Now, random), Dispatch(db, pass)), ct);
    }

    private static SweepOutcome Sweep(Db db, DateTimeOffset now, Random random)
    {
        var changed = new List<string>();
        var expired = db.List($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE {OpenLease} AND lease_expires_at <= $now ORDER BY lease_expires_at, id",
            OrchestrationRows.Task, ("$now", Rows.Ms(now)));
        foreach (var task in expired)
        {
            if (TaskRules.Sweep(task, now, random) is not { } change) continue;
            SaveTaskChange(db, change, now);
            changed.Add(task.Id);
        }
        var due = db.List($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE state = 'failed' AND retry_at <= $now ORDER BY retry_at, id",
            OrchestrationRows.Task, ("$now", Rows.Ms(now)));
        foreach (var task in due)
        {
            if (TaskRules.PromoteRetry(task, now) is not { } change) continue;
            SaveTaskChange(db, change, now);
            changed.Add(task.Id);
        }
        return new SweepOutcome(changed);
    }

    private static DispatchOutcome Dispatch(Db db, DispatchPass pass)
    {
        var due = db.List($"""
            SELECT {OrchestrationRows.TaskColumns} FROM tasks
            WHERE state = 'queued' AND (not_before IS NULL OR not_before <= $now)
            ORDER BY priority DESC, created_at, id LIMIT $limit
            """, OrchestrationRows.Task, ("$now", Rows.Ms(pass.Now)), ("$limit", pass.MaxTasks));
        var budgets = BudgetRule.Apply(due, due.Count == 0 ? new Dictionary<string, VentureBudget>() : ReadBudgets(db, due, pass.Now));
        foreach (var held in budgets.HoldChanged) db.Execute(OrchestrationRows.SetHeldSql, OrchestrationRows.HeldArgs(held));
        var queue = budgets.Assignable.ToList();
        var assignments = new List<Assignment>();
        if (queue.Count > 0 && LoadSnapshot(db, queue) is { } snapshot)
        {
            foreach (var change in TaskDispatch.Plan(queue, snapshot, pass))
            {
                SaveTaskChange(db, change, pass.Now);
                assignments.Add(new Assignment(change.After.Id, change.After.AssignedAgent!, change.After.Epoch, change.After.Probe));
            }
        }
        var nextDue = db.List($"""
            SELECT min(due) FROM (
                SELECT min(lease_expires_at) AS due FROM tasks WHERE {OpenLease}
                UNION ALL SELECT min(retry_at) FROM tasks WHERE state = 'failed'
                UNION ALL SELECT min(not_before) FROM tasks WHERE state = 'queued' AND not_before > $now
                UNION ALL SELECT min(paused_until) FROM agents WHERE removed_at IS NULL AND paused_until > $now)
            """, r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), ("$now", Rows.Ms(pass.Now)))[0];
        return new DispatchOutcome(assignments, budgets.AnyHeld ? Earliest(nextDue, BudgetRule.NextMidnight(pass.Now)) : nextDue);
    }

    /// <summary>The budgets of the ventures of <paramref name="queue"/> that have one, with their spend since today's UTC midnight.</summary>
    private static Dictionary<string, VentureBudget> ReadBudgets(Db db, IReadOnlyList<BatonTask> queue, DateTimeOffset now)
    {
        var filter = new Filter();
        var condition = $"v.code IN ({filter.Parameters("venture", BudgetRule.Ventures(queue))})";
        return db.List(OrchestrationRows.BudgetsSql(condition), OrchestrationRows.Budget,
                [("$day_start", Rows.Ms(BudgetRule.DayStart(now))), .. filter.Args])
            .ToDictionary(b => b.Venture, StringComparer.Ordinal);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    public Task<LeaseOutcome> StartTaskAsync(LeaseCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WriteAsync(db => Lease(db, call, task => TaskRules.Start(task, call.Epoch, call.Now, call.Times, call.Random, call.Actor)), ct);
    }

    public Task<LeaseOutcome> RenewTaskAsync(LeaseCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WriteAsync(db => Lease(db, call, task => TaskRules.Renew(task, call.Epoch, call.Now, call.Times, call.Random, call.Actor)), ct);
    }

    public Task<LeaseOutcome> FinishTaskAsync(LeaseCall call, AttemptOutcome outcome, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(outcome);
        return WriteAsync(db =>
        {
            var leased = Lease(db, call, task => TaskRules.Finish(task, call.Epoch, outcome, call.Now, call.Random, call.Actor));
            if (leased is { Result: LeaseResult.Granted, Task: { State: TaskState.Succeeded } done }) Supervise(db, done, call);
            return leased;
        }, ct);
    }

    /// <summary>A success's follow-ups, events and report (<see cref="SupervisionRules.Succeeded"/>), in the completion's write.</summary>
    private static void Supervise(Db db, BatonTask done, LeaseCall call)
    {
        var followUps = call.FollowUps ?? [];
        var reviewedId = SupervisionRules.ReviewedTaskId(done.Payload);
        if (followUps.Count == 0 && reviewedId is null) return;
        var change = SupervisionRules.Succeeded(done, followUps, reviewedId is null ? null : FindTask(db, reviewedId), call.Now, call.Actor);
        foreach (var created in change.Created) InsertTask(db, created);
        foreach (var note in change.Events) InsertEvent(db, note);
        if (change.Review is { } review)
            db.Execute($"INSERT INTO task_reviews ({OrchestrationRows.ReviewColumns}) VALUES ({OrchestrationRows.ReviewValues})", OrchestrationRows.ReviewArgs(review));
    }

    public Task<IReadOnlyList<TaskReview>> ListTaskReviewsAsync(string taskId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<TaskReview>>(db => db.List($"SELECT {OrchestrationRows.ReviewColumns} FROM task_reviews WHERE reviewed_task_id = $id ORDER BY seq",
            OrchestrationRows.Review, ("$id", taskId)), ct);

    public Task<IReadOnlyDictionary<string, ReviewVerdict>> LatestVerdictsAsync(IReadOnlyList<string> taskIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        return ReadAsync<IReadOnlyDictionary<string, ReviewVerdict>>(db =>
        {
            if (taskIds.Count == 0) return new Dictionary<string, ReviewVerdict>();
            var filter = new Filter();
            filter.In("reviewed_task_id", "id", taskIds.Distinct(StringComparer.Ordinal).ToList());
            // The newest report per task: its seq is the greatest (SQLite returns the bare column of the max row).
            return db.List($"SELECT reviewed_task_id, verdict, max(seq) FROM task_reviews {filter.WhereClause()} GROUP BY reviewed_task_id",
                    r => (Id: r.GetString(0), Verdict: EnumText<ReviewVerdict>.Parse(r.GetString(1))), [.. filter.Args])
                .ToDictionary(x => x.Id, x => x.Verdict, StringComparer.Ordinal);
        }, ct);
    }

    public Task<ChangeOutcome> CancelTaskAsync(string id, DateTimeOffset now, string actor, string reason, CancellationToken ct) =>
        WriteAsync(db => Change(db, id, now, task => TaskRules.Cancel(task, now, actor, reason)), ct);

    public Task<ChangeOutcome> RetryTaskAsync(string id, int extraAttempts, DateTimeOffset now, string actor, CancellationToken ct) =>
        WriteAsync(db => Change(db, id, now, task => TaskRules.Retry(task, FindTasks(db, task.DependsOn), extraAttempts, now, actor)), ct);

    private static LeaseOutcome Lease(Db db, LeaseCall call, Func<BatonTask, LeaseDecision> decide)
    {
        if (FindTask(db, call.TaskId) is not { } task) return new LeaseOutcome(LeaseResult.NotFound, null, null);
        switch (decide(task))
        {
            case LeaseDecision.Granted granted:
                if (granted.Change is { } change) SaveTaskChange(db, change, call.Now);
                return new LeaseOutcome(LeaseResult.Granted, granted.Task, null);
            case LeaseDecision.Lost lost:
                // The caller's report is refused, but an expired lease found on the way is recorded as the sweeper would.
                if (lost.Sweep is { } sweep) SaveTaskChange(db, sweep, call.Now);
                return new LeaseOutcome(LeaseResult.Lost, lost.Sweep?.After ?? task, lost.Detail);
            default:
                throw new InvalidOperationException("Unknown lease decision.");
        }
    }

    private static ChangeOutcome Change(Db db, string id, DateTimeOffset now, Func<BatonTask, ChangeDecision> decide)
    {
        if (FindTask(db, id) is not { } task) return new ChangeOutcome(ChangeResult.NotFound, null, null);
        switch (decide(task))
        {
            case ChangeDecision.Changed changed:
                SaveTaskChange(db, changed.Change, now);
                return new ChangeOutcome(ChangeResult.Changed, changed.Change.After, null);
            case ChangeDecision.Unchanged unchanged:
                return new ChangeOutcome(ChangeResult.Unchanged, unchanged.Task, null);
            case ChangeDecision.Refused refused:
                return new ChangeOutcome(ChangeResult.Refused, task, refused.Detail);
            default:
                throw new InvalidOperationException("Unknown change decision.");
        }
    }

    /// <summary>
    /// Saves one transition (the row, its event, the attempt's result) and, when the task is now finished, judges its
    /// waiting dependents again — recursively, since a dependent made dead finishes too.
    /// </summary>
    private static void SaveTaskChange(Db db, TaskChange change, DateTimeOffset now)
    {
        db.Execute($"UPDATE tasks SET {OrchestrationRows.TaskAssignments} WHERE id = $id", OrchestrationRows.TaskUpdateArgs(change.After));
        if (change.Event is { } taskEvent) InsertEvent(db, taskEvent);
        if (change.Result is { } result)
            db.Execute($"INSERT INTO task_results ({OrchestrationRows.ResultColumns}) VALUES ({OrchestrationRows.ResultValues})", OrchestrationRows.ResultArgs(result));
        if (!change.After.IsFinished) return;

        var dependents = db.List($"""
            SELECT {Rows.Qualified(OrchestrationRows.TaskColumns, "t")} FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
            WHERE d.depends_on = $id AND t.state = 'waiting' ORDER BY t.id
            """, OrchestrationRows.Task, ("$id", change.After.Id));
        foreach (var dependent in dependents)
        {
            if (TaskRules.DependencyFinished(dependent, FindTasks(db, dependent.DependsOn), now) is { } next) SaveTaskChange(db, next, now);
        }
    }

    private static void InsertEvent(Db db, TaskEvent taskEvent) =>
        db.Execute($"INSERT INTO task_events ({OrchestrationRows.EventColumns}) VALUES ({OrchestrationRows.EventValues})", OrchestrationRows.EventArgs(taskEvent));

    /// <summary>
    /// What the dispatch rules read for <paramref name="queue"/>, in the writer's transaction; null when no agent has
    /// room for any capability in it (nothing can be assigned, so health, history and clones are not read). The
    /// history is read per (agent, capability) for the capabilities some agent has room for, newest first, through
    /// the scoring index, at most <see cref="Scoring.HistoryWindow"/> rows each — not every result of the capability.
    /// </summary>
    private static DispatchSnapshot? LoadSnapshot(Db db, List<BatonTask> queue)
    {
        var agents = db.List($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE removed_at IS NULL ORDER BY id", OrchestrationRows.Agent);
        var load = db.List($"SELECT assigned_agent, count(*), sum(probe) FROM tasks WHERE {OpenLease} AND assigned_agent IS NOT NULL GROUP BY assigned_agent",
            r => (Agent: r.GetString(0), Running: checked((int)r.GetInt64(1)), Probes: r.GetInt64(2)));
        var running = load.ToDictionary(l => l.Agent, l => l.Running, StringComparer.Ordinal);
        var room = TaskDispatch.CapabilitiesWithRoom(queue, agents, running);
        if (room.Count == 0) return null;

        var health = db.List($"SELECT {Rows.Qualified(OrchestrationRows.HealthColumns, "h")} FROM agent_health h JOIN agents a ON a.id = h.agent_id WHERE a.removed_at IS NULL ORDER BY h.agent_id, h.requirement",
                OrchestrationRows.Health)
            .GroupBy(h => h.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<HealthResult>)g.Select(h => h.Result).ToList(), StringComparer.Ordinal);

        var history = new Dictionary<(string AgentId, string Capability), IReadOnlyList<ResultSample>>();
        foreach (var agent in agents)
        {
            foreach (var capability in agent.Capabilities.Select(c => c.Name).Where(room.Contains))
            {
                var samples = db.List($"""
                    SELECT agent_id, capability, success, finished_at FROM task_results
                    WHERE agent_id = $agent AND capability = $capability AND {OrchestrationRows.ScoredResult()}
                    ORDER BY finished_at DESC, seq DESC LIMIT {Scoring.HistoryWindow}
                    """, OrchestrationRows.Sample, ("$agent", agent.Id), ("$capability", capability));
                if (samples.Count > 0) history[(agent.Id, capability)] = samples.Select(s => s.Sample).ToList();
            }
        }

        var repos = queue.Where(t => t.Repo is not null).Select(t => t.Repo!).Distinct(StringComparer.Ordinal).ToList();
        var machines = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (repos.Count > 0)
        {
            var repoFilter = new Filter();
            repoFilter.In("repo", "repo", repos);
            foreach (var group in db.List($"SELECT machine_id, repo FROM repo_contexts {repoFilter.WhereClause()}",
                         r => (Machine: r.GetString(0), Repo: r.GetString(1)), [.. repoFilter.Args]).GroupBy(c => c.Repo, StringComparer.Ordinal))
                machines[group.Key] = group.Select(c => c.Machine).ToHashSet(StringComparer.Ordinal);
        }

        return new DispatchSnapshot(
            agents,
            health,
            running,
            load.Where(l => l.Probes > 0).Select(l => l.Agent).ToHashSet(StringComparer.Ordinal),
            history,
            machines);
    }

    private static Agent? FindAgent(Db db, string id) =>
        db.FirstOrDefault($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE id = $id", OrchestrationRows.Agent, ("$id", id));

    private static Agent? FindAgentByName(Db db, string name) =>
        db.FirstOrDefault($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE name = $name", OrchestrationRows.Agent, ("$name", name));

    private static BatonTask? FindTask(Db db, string id) =>
        db.FirstOrDefault($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE id = $id", OrchestrationRows.Task, ("$id", id));

    private static List<BatonTask> FindTasks(Db db, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0) return [];
        var filter = new Filter();
        filter.In("id", "id", ids.Distinct(StringComparer.Ordinal).ToList());
        return db.List($"SELECT {OrchestrationRows.TaskColumns} FROM tasks {filter.WhereClause()} ORDER BY id", OrchestrationRows.Task, [.. filter.Args]);
    }
}
