using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Storage.Relational;

namespace Baton.Storage.Postgres;

/// <summary>
/// The orchestrator on PostgreSQL (docs/architecture.md §8, §14), answering exactly as the SQLite store does: every
/// transition reads its task rows with a row lock, asks the pure rule (<see cref="TaskRules"/>,
/// <see cref="TaskDispatch"/>) and saves the change in the same transaction. Several replicas share the queue:
/// <list type="bullet">
/// <item>A dispatch pass claims queued rows <c>FOR UPDATE SKIP LOCKED</c>: a row another transaction holds (a start, a
/// cancel, a sweep, another pass) is left to it, and a row assigned by a pass that committed first no longer matches
/// <c>state = 'queued'</c> when re-checked — a task is never assigned twice.</item>
/// <item>Passes also take a transaction-scoped advisory lock, so one pass at a time reads the agents' loads and probes:
/// two replicas assigning different tasks to one agent cannot both count it below its max_concurrency.</item>
/// <item>Start, renew, complete, fail, cancel and retry lock the task row <c>FOR UPDATE</c> and judge the epoch on the
/// locked row, so a stale epoch changes nothing however the calls interleave.</item>
/// <item>Locks are taken dependency before dependent (a finish locks its waiting dependents; an insert or a retry
/// shares-locks its dependencies first), so a dependent is judged after every finish it depends on has committed and
/// never waits for ever, and the order cannot deadlock.</item>
/// <item>A pass that assigned sends <c>pg_notify</c> per agent inside its transaction; every replica's listener
/// (<see cref="ListenForAssignmentsAsync"/>) hears the committed assignment and wakes its long polls.</item>
/// </list>
/// </summary>
public sealed partial class PostgresBatonStore
{
    private const string OpenLease = "state IN ('assigned', 'running')";

    /// <summary>The advisory-lock key dispatch passes share across replicas ("dispatch" in ASCII).</summary>
    private const long DispatchLockKey = 0x6469737061746368;

    /// <summary>Assignments committed by any replica, heard over <c>LISTEN</c> (see <see cref="NotificationListener"/>).</summary>
    public async Task<IAsyncDisposable> ListenForAssignmentsAsync(Action<string> onAssigned, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onAssigned);
        EnsureUsable();
        try
        {
            return await NotificationListener.StartAsync(new Npgsql.NpgsqlConnectionStringBuilder(_connectionString), NotificationListener.AssignmentChannel, onAssigned, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresFailures.Translate(ex, _location) is { } failure)
        {
            throw failure;
        }
    }

    // ---- agents ----

    public Task<AgentUpsert> UpsertAgentAsync(Agent candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        // One statement, atomic across replicas: the unique name index is the conflict target, and xmax = 0 tells an
        // insert from an update.
        return WriteAsync(async db => (await db.FirstOrDefaultAsync($"""
            INSERT INTO agents AS a ({OrchestrationRows.AgentColumns}) VALUES ({OrchestrationRows.AgentValues})
            ON CONFLICT (name) DO UPDATE SET
                machine_id = excluded.machine_id,
                cli = excluded.cli,
                capabilities = excluded.capabilities,
                health_checks = excluded.health_checks,
                max_concurrency = excluded.max_concurrency,
                updated_at = excluded.updated_at,
                last_heartbeat_at = greatest(excluded.last_heartbeat_at, a.last_heartbeat_at),
                removed_at = NULL,
                actor_key_id = excluded.actor_key_id
            RETURNING {OrchestrationRows.AgentColumns}, (xmax = 0) AS created
            """, r => new AgentUpsert(OrchestrationRows.Agent(r), r.GetBoolean(r.GetOrdinal("created"))), ct,
            OrchestrationRows.AgentArgs(candidate)).ConfigureAwait(false))!, ct);
    }

    public Task<Agent?> FindAgentOrNullAsync(string id, CancellationToken ct) => RunAsync(db => FindAgentAsync(db, id, ct), ct);

    public Task<Agent?> FindAgentByNameOrNullAsync(string name, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE name = @name",
            OrchestrationRows.Agent, ct, ("name", name)), ct);

    public Task<AgentTouch?> TouchAgentAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        // One statement: the subquery locks the row and brings the heartbeat before the update.
        WriteAsync(db => db.FirstOrDefaultAsync($"""
            UPDATE agents a SET last_heartbeat_at = greatest(a.last_heartbeat_at, @now)
            FROM (SELECT id, last_heartbeat_at FROM agents WHERE id = @id AND removed_at IS NULL FOR UPDATE) before
            WHERE a.id = before.id
            RETURNING {Rows.Qualified(OrchestrationRows.AgentColumns, "a")}, before.last_heartbeat_at AS previous_heartbeat_at
            """, r => new AgentTouch(OrchestrationRows.Agent(r), r.Time("previous_heartbeat_at")), ct, ("id", id), ("now", Rows.Ms(now))), ct);

    public Task<Agent?> SetAgentPauseAsync(string id, DateTimeOffset? until, string? reason, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefaultAsync($"""
            UPDATE agents SET paused_until = @until, pause_reason = @reason, updated_at = @now WHERE id = @id AND removed_at IS NULL
            RETURNING {OrchestrationRows.AgentColumns}
            """, OrchestrationRows.Agent, ct, ("id", id), ("until", Rows.Ms(until)), ("reason", until is null ? null : reason), ("now", Rows.Ms(now))), ct);

    public Task<AgentRemoval?> RemoveAgentAsync(string id, DateTimeOffset now, string actor, CancellationToken ct) =>
        WriteInTransactionAsync<AgentRemoval?>(async db =>
        {
            var removed = await db.FirstOrDefaultAsync($"""
                UPDATE agents SET removed_at = @now, updated_at = @now WHERE id = @id AND removed_at IS NULL
                RETURNING {OrchestrationRows.AgentColumns}
                """, OrchestrationRows.Agent, ct, ("id", id), ("now", Rows.Ms(now))).ConfigureAwait(false);
            if (removed is null) return null;
            var assigned = await db.ListAsync($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE assigned_agent = @id AND state = 'assigned' ORDER BY id FOR UPDATE",
                OrchestrationRows.Task, ct, ("id", id)).ConfigureAwait(false);
            foreach (var task in assigned)
                await SaveTaskChangeAsync(db, TaskRules.Unassign(task, now, actor, $"agent {removed.Name} was deregistered before starting it"), now, ct).ConfigureAwait(false);
            return new AgentRemoval(removed, assigned.Select(t => t.Id).ToList());
        }, ct);

    public Task<Page<Agent>> ListAgentsAsync(AgentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        if (!query.IncludeRemoved) filter.Add("removed_at IS NULL");
        return RunAsync(db => filter.PageAsync(db, "agents", OrchestrationRows.AgentColumns, OrchestrationRows.Agent, query.Page, IdGenerator.Agent, a => a.Id, ct), ct);
    }

    public Task<Agent?> RecordHealthAsync(string agentId, HealthResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync(async db =>
        {
            if (await FindAgentAsync(db, agentId, ct).ConfigureAwait(false) is not { } agent) return null;
            await db.ExecuteAsync($"""
                INSERT INTO agent_health ({OrchestrationRows.HealthColumns}) VALUES ({OrchestrationRows.HealthValues})
                ON CONFLICT (agent_id, requirement) DO UPDATE SET healthy = excluded.healthy, checked_at = excluded.checked_at, detail = excluded.detail
                """, ct, OrchestrationRows.HealthArgs(agentId, result)).ConfigureAwait(false);
            return agent;
        }, ct);
    }

    public Task<IReadOnlyDictionary<string, AgentLoad>> GetAgentLoadsAsync(IReadOnlyList<string> agentIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        var ids = agentIds.Distinct(StringComparer.Ordinal).ToArray();
        return RunAsync<IReadOnlyDictionary<string, AgentLoad>>(async db =>
        {
            if (ids.Length == 0) return new Dictionary<string, AgentLoad>();
            var health = await db.ListAsync($"SELECT {OrchestrationRows.HealthColumns} FROM agent_health WHERE agent_id = ANY (@ids) ORDER BY agent_id, requirement",
                OrchestrationRows.Health, ct, ("ids", ids)).ConfigureAwait(false);
            var running = await db.ListAsync($"SELECT assigned_agent, count(*) FROM tasks WHERE {OpenLease} AND assigned_agent = ANY (@ids) GROUP BY assigned_agent",
                r => (Agent: r.GetString(0), Count: checked((int)r.GetInt64(1))), ct, ("ids", ids)).ConfigureAwait(false);
            return ids.ToDictionary(id => id, id => new AgentLoad(
                health.Where(h => h.AgentId == id).Select(h => h.Result).ToList(),
                running.FirstOrDefault(x => x.Agent == id).Count), StringComparer.Ordinal);
        }, ct);
    }

    public Task<IReadOnlyList<ResultHistory>> ListResultHistoryAsync(IReadOnlyList<string> agentIds, int perCapability, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        var ids = agentIds.Distinct(StringComparer.Ordinal).ToArray();
        return RunAsync<IReadOnlyList<ResultHistory>>(async db =>
        {
            if (ids.Length == 0) return [];
            var rows = await db.ListAsync(OrchestrationRows.HistorySql("agent_id = ANY (@ids)"), OrchestrationRows.Sample, ct, ("ids", ids), ("per", perCapability)).ConfigureAwait(false);
            return OrchestrationRows.Histories(rows);
        }, ct);
    }

    /// <summary>
    /// One transaction holds the round: <c>pg_try_advisory_xact_lock</c> on a key of its own (the dispatcher's passes
    /// take theirs the same way, blocking; a probe round instead skips when another replica's is under way, since that
    /// one is doing the work), the due checks read, the probes run, their results written, COMMIT. The stored
    /// results' age then keeps the next replica's round from probing the same URLs again within the interval.
    /// </summary>
    public Task<HealthProbeRound> RunHealthProbesAsync(DateTimeOffset now, TimeSpan interval,
        Func<IReadOnlyList<HealthProbe>, CancellationToken, Task<IReadOnlyList<ProbedHealth>>> probe, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return InTransactionAsync(async db =>
        {
            if (await db.ScalarAsync("SELECT pg_try_advisory_xact_lock(@probe_lock)::int", ct, ("probe_lock", HealthProbeLockKey)).ConfigureAwait(false) == 0)
                return HealthProbeRound.Skipped;
            var agents = await db.ListAsync($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE removed_at IS NULL ORDER BY id", OrchestrationRows.Agent, ct).ConfigureAwait(false);
            var health = (await db.ListAsync($"""
                    SELECT {Rows.Qualified(OrchestrationRows.HealthColumns, "h")} FROM agent_health h JOIN agents a ON a.id = h.agent_id
                    WHERE a.removed_at IS NULL ORDER BY h.agent_id, h.requirement
                    """, OrchestrationRows.Health, ct).ConfigureAwait(false))
                .GroupBy(h => h.AgentId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<HealthResult>)g.Select(h => h.Result).ToList(), StringComparer.Ordinal);
            var due = HealthProbes.Due(agents, health, now, interval);
            if (due.Count == 0) return new HealthProbeRound(true, []);
            var recorded = new List<ProbedHealth>();
            foreach (var result in await probe(due, ct).ConfigureAwait(false))
            {
                // An agent removed meanwhile keeps no result (as RecordHealthAsync refuses an unknown one).
                if (await db.ExecuteAsync($"""
                        INSERT INTO agent_health ({OrchestrationRows.HealthColumns})
                        SELECT {OrchestrationRows.HealthValues} WHERE EXISTS (SELECT 1 FROM agents WHERE id = @agent_id AND removed_at IS NULL)
                        ON CONFLICT (agent_id, requirement) DO UPDATE SET healthy = excluded.healthy, checked_at = excluded.checked_at, detail = excluded.detail
                        """, ct, OrchestrationRows.HealthArgs(result.AgentId, result.Result)).ConfigureAwait(false) > 0)
                    recorded.Add(result);
            }
            return new HealthProbeRound(true, recorded);
        }, ct);
    }

    /// <summary>The advisory-lock key health-probe rounds share across replicas ("probes" in ASCII).</summary>
    private const long HealthProbeLockKey = 0x70726f626573;

    // ---- repo contexts ----

    public Task<RepoContext> UpsertContextAsync(RepoContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(async db => (await db.FirstOrDefaultAsync($"""
            INSERT INTO repo_contexts ({OrchestrationRows.ContextColumns}) VALUES ({OrchestrationRows.ContextValues})
            ON CONFLICT (machine_id, repo) DO UPDATE SET local_path = excluded.local_path, default_branch = excluded.default_branch,
                last_fetched_at = excluded.last_fetched_at, reported_at = excluded.reported_at
            RETURNING {OrchestrationRows.ContextColumns}
            """, OrchestrationRows.Context, ct, OrchestrationRows.ContextArgs(context)).ConfigureAwait(false))!, ct);
    }

    public Task<IReadOnlyList<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("machine_id", machineId);
        filter.Equal("repo", repo);
        return RunAsync<IReadOnlyList<RepoContext>>(async db => await db.ListAsync(
            $"SELECT {OrchestrationRows.ContextColumns} FROM repo_contexts {filter.WhereClause()} ORDER BY repo, machine_id",
            OrchestrationRows.Context, ct, [.. filter.Args]).ConfigureAwait(false), ct);
    }

    // ---- tasks ----

    public Task<BatonTask> InsertTaskAsync(BatonTask draft, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return WriteInTransactionAsync(async db =>
        {
            // FOR SHARE: a dependency finishing now commits before this reads it, or after this task is in; either way
            // its finish judges this task or this task sees it finished.
            var dependencies = await FindTasksAsync(db, draft.DependsOn, "FOR SHARE", ct).ConfigureAwait(false);
            return await InsertTaskAsync(db, TaskRules.Create(draft, dependencies, draft.CreatedAt, actor), ct).ConfigureAwait(false);
        }, ct);
    }

    private static async Task<BatonTask> InsertTaskAsync(Db db, TaskChange change, CancellationToken ct)
    {
        await db.ExecuteAsync($"INSERT INTO tasks ({OrchestrationRows.TaskColumns}) VALUES ({OrchestrationRows.TaskValues})", ct,
            OrchestrationRows.TaskArgs(change.After)).ConfigureAwait(false);
        var distinct = change.After.DependsOn.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length > 0)
            await db.ExecuteAsync("INSERT INTO task_dependencies (task_id, depends_on) SELECT @task, unnest(@dependencies)", ct,
                ("task", change.After.Id), ("dependencies", distinct)).ConfigureAwait(false);
        await InsertEventAsync(db, change.Event!, ct).ConfigureAwait(false);
        return change.After;
    }

    public Task<BatonTask?> FindTaskOrNullAsync(string id, CancellationToken ct) => RunAsync(db => FindTaskAsync(db, id, "", ct), ct);

    public Task<IReadOnlyList<BatonTask>> FindTasksAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return RunAsync<IReadOnlyList<BatonTask>>(async db => await FindTasksAsync(db, ids, "", ct).ConfigureAwait(false), ct);
    }

    public Task<Page<BatonTask>> ListTasksAsync(TaskQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = TaskFilter(query);
        filter.Equal("assigned_agent", query.Agent);
        return RunAsync(db => db.QueryAsync(TasksPageQuery(filter, query.Page), ct), ct);
    }

    public Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct) => RunAsync(db => db.QueryAsync(CountTasksQuery(venture), ct), ct);

    /// <summary>The task list's filters other than the assigned agent (the briefing names its agent by a subquery).</summary>
    private static Filter TaskFilter(TaskQuery query)
    {
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        filter.Equal("state", query.State is { } state ? Rows.Text(state) : null);
        filter.Equal("capability", query.Capability);
        return filter;
    }

    private static Query<Page<BatonTask>> TasksPageQuery(Filter filter, PageRequest page) =>
        filter.PageQuery("tasks", OrchestrationRows.TaskColumns, OrchestrationRows.Task, page, IdGenerator.Task, t => t.Id);

    private static Query<TaskCounts> CountTasksQuery(string? venture)
    {
        var filter = new Filter();
        filter.Equal("venture", venture);
        return Queries.List(TaskCounts.Sql(filter.WhereClause(), filter.WhereClause(TaskCounts.HeldClauses)),
            r => (r.GetString(0), r.GetInt64(1)), [.. filter.Args]).Then(TaskCounts.FromKeyed);
    }

    public Task<IReadOnlyList<TaskEvent>> ListTaskEventsAsync(string taskId, CancellationToken ct) =>
        RunAsync<IReadOnlyList<TaskEvent>>(async db => await db.ListAsync($"SELECT {OrchestrationRows.EventColumns} FROM task_events WHERE task_id = @id ORDER BY seq",
            OrchestrationRows.Event, ct, ("id", taskId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyList<TaskResult>> ListTaskResultsAsync(string taskId, CancellationToken ct) =>
        RunAsync<IReadOnlyList<TaskResult>>(async db => await db.ListAsync($"SELECT {OrchestrationRows.ResultColumns} FROM task_results WHERE task_id = @id ORDER BY attempt, seq",
            OrchestrationRows.Result, ct, ("id", taskId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyList<BatonTask>> ListAssignedTasksAsync(string agentId, string? venture, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("assigned_agent", agentId);
        filter.Equal("venture", venture);
        return RunAsync<IReadOnlyList<BatonTask>>(async db => await db.ListAsync(
            $"SELECT {OrchestrationRows.TaskColumns} FROM tasks {filter.WhereClause("state = 'assigned'")} ORDER BY assigned_at, id",
            OrchestrationRows.Task, ct, [.. filter.Args]).ConfigureAwait(false), ct);
    }

    public Task<bool> AnyLeaseExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        RunAsync(async db => await db.ScalarAsync($"SELECT EXISTS (SELECT 1 FROM tasks WHERE {OpenLease} AND lease_expires_at <= @now)::int",
            ct, ("now", Rows.Ms(now))).ConfigureAwait(false) != 0, ct);

    public Task<SweepOutcome> SweepAsync(DateTimeOffset now, Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(random);
        return WriteInTransactionAsync(db => SweepAsync(db, now, random, ct), ct);
    }

    public Task<DispatchOutcome> DispatchAsync(DispatchPass pass, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return WriteInTransactionAsync(db => DispatchAsync(db, pass, ct), ct);
    }

    /// <summary>The sweep and the pass in one transaction (the sweep's rows stay locked until the pass commits).</summary>
    public Task<PassOutcome> SweepAndDispatchAsync(DispatchPass pass, Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(random);
        return WriteInTransactionAsync(async db =>
        {
            var swept = await SweepAsync(db, pass.Now, random, ct).ConfigureAwait(false);
            return new PassOutcome(swept, await DispatchAsync(db, pass, ct).ConfigureAwait(false));
        }, ct);
    }

    private static async Task<SweepOutcome> SweepAsync(Db db, DateTimeOffset now, Random random, CancellationToken ct)
    {
        var changed = new List<string>();
        // SKIP LOCKED: a row held by a start, renew or finish is judged by that call (an expired lease it finds is
        // recorded as this sweep would), and another replica's sweep takes the rows it holds.
        var expired = await db.ListAsync($"""
            SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE {OpenLease} AND lease_expires_at <= @now
            ORDER BY lease_expires_at, id FOR UPDATE SKIP LOCKED
            """, OrchestrationRows.Task, ct, ("now", Rows.Ms(now))).ConfigureAwait(false);
        foreach (var task in expired)
        {
            if (TaskRules.Sweep(task, now, random) is not { } change) continue;
            await SaveTaskChangeAsync(db, change, now, ct).ConfigureAwait(false);
            changed.Add(task.Id);
        }
        var due = await db.ListAsync($"""
            SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE state = 'failed' AND retry_at <= @now
            ORDER BY retry_at, id FOR UPDATE SKIP LOCKED
            """, OrchestrationRows.Task, ct, ("now", Rows.Ms(now))).ConfigureAwait(false);
        foreach (var task in due)
        {
            if (TaskRules.PromoteRetry(task, now) is not { } change) continue;
            await SaveTaskChangeAsync(db, change, now, ct).ConfigureAwait(false);
            changed.Add(task.Id);
        }
        return new SweepOutcome(changed);
    }

    private static async Task<DispatchOutcome> DispatchAsync(Db db, DispatchPass pass, CancellationToken ct)
    {
        var now = ("now", (object?)Rows.Ms(pass.Now));
        // The advisory lock first, then the queue: each statement reads what committed before it, so a pass that
        // waited here sees the previous pass's assignments and loads.
        var due = await db.ListAfterAsync("SELECT pg_advisory_xact_lock(@dispatch_lock)", $"""
            SELECT {OrchestrationRows.TaskColumns} FROM tasks
            WHERE state = 'queued' AND (not_before IS NULL OR not_before <= @now)
            ORDER BY priority DESC, created_at, id LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, OrchestrationRows.Task, ct, ("dispatch_lock", DispatchLockKey), now, ("limit", pass.MaxTasks)).ConfigureAwait(false);
        // One statement for every budgeted venture of the queue (not one per task), in the pass's transaction.
        var budgets = BudgetRule.Apply(due, due.Count == 0
            ? new Dictionary<string, VentureBudget>()
            : (await db.ListAsync(OrchestrationRows.BudgetsSql("v.code = ANY (@ventures)"), OrchestrationRows.Budget, ct,
                    ("day_start", Rows.Ms(BudgetRule.DayStart(pass.Now))), ("ventures", BudgetRule.Ventures(due).ToArray())).ConfigureAwait(false))
                .ToDictionary(b => b.Venture, StringComparer.Ordinal));
        if (budgets.HoldChanged.Count > 0)
        {
            await db.ExecuteAsync("UPDATE tasks SET held = h.held FROM unnest(@ids, @helds) AS h(id, held) WHERE tasks.id = h.id", ct,
                ("ids", budgets.HoldChanged.Select(t => t.Id).ToArray()), ("helds", budgets.HoldChanged.Select(t => t.Held).ToArray())).ConfigureAwait(false);
        }
        var queue = budgets.Assignable.ToList();
        var assignments = new List<Assignment>();
        if (queue.Count > 0 && await LoadSnapshotAsync(db, queue, ct).ConfigureAwait(false) is { } snapshot)
        {
            foreach (var change in TaskDispatch.Plan(queue, snapshot, pass))
            {
                await SaveTaskChangeAsync(db, change, pass.Now, ct).ConfigureAwait(false);
                assignments.Add(new Assignment(change.After.Id, change.After.AssignedAgent!, change.After.Epoch, change.After.Probe));
            }
        }
        if (assignments.Count > 0)
        {
            // Delivered at commit, to every replica's listener: a long poll waiting on another replica wakes.
            await db.ExecuteAsync($"SELECT pg_notify('{NotificationListener.AssignmentChannel}', agent) FROM unnest(@agents) agent", ct,
                ("agents", assignments.Select(a => a.AgentId).Distinct(StringComparer.Ordinal).ToArray())).ConfigureAwait(false);
        }
        var nextDue = (await db.ListAsync($"""
            SELECT min(due) FROM (
                SELECT min(lease_expires_at) AS due FROM tasks WHERE {OpenLease}
                UNION ALL SELECT min(retry_at) FROM tasks WHERE state = 'failed'
                UNION ALL SELECT min(not_before) FROM tasks WHERE state = 'queued' AND not_before > @now
                UNION ALL SELECT min(paused_until) FROM agents WHERE removed_at IS NULL AND paused_until > @now) due_times
            """, r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), ct, now).ConfigureAwait(false))[0];
        return new DispatchOutcome(assignments, budgets.AnyHeld && (nextDue is null || nextDue > BudgetRule.NextMidnight(pass.Now)) ? BudgetRule.NextMidnight(pass.Now) : nextDue);
    }

    public Task<LeaseOutcome> StartTaskAsync(LeaseCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WriteInTransactionAsync(db => LeaseAsync(db, call, task => TaskRules.Start(task, call.Epoch, call.Now, call.Times, call.Random, call.Actor), ct), ct);
    }

    public Task<LeaseOutcome> RenewTaskAsync(LeaseCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WriteInTransactionAsync(db => LeaseAsync(db, call, task => TaskRules.Renew(task, call.Epoch, call.Now, call.Times, call.Random, call.Actor), ct), ct);
    }

    public Task<LeaseOutcome> FinishTaskAsync(LeaseCall call, AttemptOutcome outcome, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(outcome);
        return WriteInTransactionAsync(async db =>
        {
            var leased = await LeaseAsync(db, call, task => TaskRules.Finish(task, call.Epoch, outcome, call.Now, call.Random, call.Actor), ct).ConfigureAwait(false);
            if (leased is { Result: LeaseResult.Granted, Task: { State: TaskState.Succeeded } done }) await SuperviseAsync(db, done, call, ct).ConfigureAwait(false);
            return leased;
        }, ct);
    }

    /// <summary>
    /// A success's follow-ups, events and report (<see cref="SupervisionRules.Succeeded"/>), in the completion's
    /// transaction. The reviewed task is read without a lock: what the rule reads of it (id, venture) never changes, and
    /// nothing here updates its row.
    /// </summary>
    private static async Task SuperviseAsync(Db db, BatonTask done, LeaseCall call, CancellationToken ct)
    {
        var followUps = call.FollowUps ?? [];
        var reviewedId = SupervisionRules.ReviewedTaskId(done.Payload);
        if (followUps.Count == 0 && reviewedId is null) return;
        var reviewed = reviewedId is null ? null : await FindTaskAsync(db, reviewedId, "", ct).ConfigureAwait(false);
        var change = SupervisionRules.Succeeded(done, followUps, reviewed, call.Now, call.Actor);
        foreach (var created in change.Created) await InsertTaskAsync(db, created, ct).ConfigureAwait(false);
        foreach (var note in change.Events) await InsertEventAsync(db, note, ct).ConfigureAwait(false);
        if (change.Review is { } review)
            await db.ExecuteAsync($"INSERT INTO task_reviews ({OrchestrationRows.ReviewColumns}) VALUES ({OrchestrationRows.ReviewValues})", ct,
                OrchestrationRows.ReviewArgs(review)).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<TaskReview>> ListTaskReviewsAsync(string taskId, CancellationToken ct) =>
        RunAsync<IReadOnlyList<TaskReview>>(async db => await db.ListAsync(
            $"SELECT {OrchestrationRows.ReviewColumns} FROM task_reviews WHERE reviewed_task_id = @id ORDER BY seq",
            OrchestrationRows.Review, ct, ("id", taskId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyDictionary<string, ReviewVerdict>> LatestVerdictsAsync(IReadOnlyList<string> taskIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0) return Task.FromResult<IReadOnlyDictionary<string, ReviewVerdict>>(new Dictionary<string, ReviewVerdict>());
        return RunAsync<IReadOnlyDictionary<string, ReviewVerdict>>(async db => (await db.ListAsync("""
                SELECT DISTINCT ON (reviewed_task_id) reviewed_task_id, verdict FROM task_reviews
                WHERE reviewed_task_id = ANY (@ids) ORDER BY reviewed_task_id, seq DESC
                """, r => (Id: r.GetString(0), Verdict: EnumText<ReviewVerdict>.Parse(r.GetString(1))), ct,
                ("ids", taskIds.Distinct(StringComparer.Ordinal).ToArray())).ConfigureAwait(false))
            .ToDictionary(x => x.Id, x => x.Verdict, StringComparer.Ordinal), ct);
    }

    public Task<ChangeOutcome> CancelTaskAsync(string id, DateTimeOffset now, string actor, string reason, CancellationToken ct) =>
        WriteInTransactionAsync(async db => await ChangeAsync(db, await FindTaskAsync(db, id, "FOR UPDATE", ct).ConfigureAwait(false), now,
            task => TaskRules.Cancel(task, now, actor, reason), ct).ConfigureAwait(false), ct);

    public Task<ChangeOutcome> RetryTaskAsync(string id, int extraAttempts, DateTimeOffset now, string actor, CancellationToken ct) =>
        WriteInTransactionAsync(async db =>
        {
            // Dependencies before the task itself, the order every writer locks in (see the class remarks). depends_on
            // never changes, so the first unlocked read names them.
            if (await FindTaskAsync(db, id, "", ct).ConfigureAwait(false) is not { } unlocked) return new ChangeOutcome(ChangeResult.NotFound, null, null);
            var dependencies = await FindTasksAsync(db, unlocked.DependsOn, "FOR SHARE", ct).ConfigureAwait(false);
            return await ChangeAsync(db, await FindTaskAsync(db, id, "FOR UPDATE", ct).ConfigureAwait(false), now,
                task => TaskRules.Retry(task, dependencies, extraAttempts, now, actor), ct).ConfigureAwait(false);
        }, ct);

    private static async Task<LeaseOutcome> LeaseAsync(Db db, LeaseCall call, Func<BatonTask, LeaseDecision> decide, CancellationToken ct)
    {
        // FOR UPDATE: the epoch is judged on the row as it is, and nothing changes it until this commits.
        if (await FindTaskAsync(db, call.TaskId, "FOR UPDATE", ct).ConfigureAwait(false) is not { } task) return new LeaseOutcome(LeaseResult.NotFound, null, null);
        switch (decide(task))
        {
            case LeaseDecision.Granted granted:
                if (granted.Change is { } change) await SaveTaskChangeAsync(db, change, call.Now, ct).ConfigureAwait(false);
                return new LeaseOutcome(LeaseResult.Granted, granted.Task, null);
            case LeaseDecision.Lost lost:
                // The caller's report is refused, but an expired lease found on the way is recorded as the sweeper would.
                if (lost.Sweep is { } sweep) await SaveTaskChangeAsync(db, sweep, call.Now, ct).ConfigureAwait(false);
                return new LeaseOutcome(LeaseResult.Lost, lost.Sweep?.After ?? task, lost.Detail);
            default:
                throw new InvalidOperationException("Unknown lease decision.");
        }
    }

    private static async Task<ChangeOutcome> ChangeAsync(Db db, BatonTask? locked, DateTimeOffset now, Func<BatonTask, ChangeDecision> decide, CancellationToken ct)
    {
        if (locked is not { } task) return new ChangeOutcome(ChangeResult.NotFound, null, null);
        switch (decide(task))
        {
            case ChangeDecision.Changed changed:
                await SaveTaskChangeAsync(db, changed.Change, now, ct).ConfigureAwait(false);
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
    /// waiting dependents again — recursively, since a dependent made dead finishes too. Each dependent is locked before
    /// its dependencies are read: two finishes of one dependent's dependencies take turns on it, and the second reads
    /// the first one's committed state.
    /// </summary>
    private static async Task SaveTaskChangeAsync(Db db, TaskChange change, DateTimeOffset now, CancellationToken ct)
    {
        await db.ExecuteAsync($"UPDATE tasks SET {OrchestrationRows.TaskAssignments} WHERE id = @id", ct, OrchestrationRows.TaskUpdateArgs(change.After)).ConfigureAwait(false);
        if (change.Event is { } taskEvent) await InsertEventAsync(db, taskEvent, ct).ConfigureAwait(false);
        if (change.Result is { } result)
            await db.ExecuteAsync($"INSERT INTO task_results ({OrchestrationRows.ResultColumns}) VALUES ({OrchestrationRows.ResultValues})", ct,
                OrchestrationRows.ResultArgs(result)).ConfigureAwait(false);
        if (!change.After.IsFinished) return;

        var dependents = await db.ListAsync($"""
            SELECT {Rows.Qualified(OrchestrationRows.TaskColumns, "t")} FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
            WHERE d.depends_on = @id AND t.state = 'waiting' ORDER BY t.id FOR UPDATE OF t
            """, OrchestrationRows.Task, ct, ("id", change.After.Id)).ConfigureAwait(false);
        foreach (var dependent in dependents)
        {
            var dependencies = await FindTasksAsync(db, dependent.DependsOn, "", ct).ConfigureAwait(false);
            if (TaskRules.DependencyFinished(dependent, dependencies, now) is { } next) await SaveTaskChangeAsync(db, next, now, ct).ConfigureAwait(false);
        }
    }

    private static Task InsertEventAsync(Db db, TaskEvent taskEvent, CancellationToken ct) =>
        db.ExecuteAsync($"INSERT INTO task_events ({OrchestrationRows.EventColumns}) VALUES ({OrchestrationRows.EventValues})", ct, OrchestrationRows.EventArgs(taskEvent));

    /// <summary>
    /// What the dispatch rules read for <paramref name="queue"/>, under the pass's advisory lock; null when no agent has
    /// room for any capability in it (nothing can be assigned, so health, history and clones are not read). The history
    /// is the newest <see cref="Scoring.HistoryWindow"/> results of each (agent, capability) for the capabilities some
    /// agent has room for, each read through the scoring index (a lateral LIMIT), not every result of the capability.
    /// </summary>
    private static async Task<DispatchSnapshot?> LoadSnapshotAsync(Db db, List<BatonTask> queue, CancellationToken ct)
    {
        var agents = await db.ListAsync($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE removed_at IS NULL ORDER BY id", OrchestrationRows.Agent, ct).ConfigureAwait(false);
        var load = await db.ListAsync($"""
            SELECT assigned_agent, count(*), count(*) FILTER (WHERE probe) FROM tasks
            WHERE {OpenLease} AND assigned_agent IS NOT NULL GROUP BY assigned_agent
            """, r => (Agent: r.GetString(0), Running: checked((int)r.GetInt64(1)), Probes: r.GetInt64(2)), ct).ConfigureAwait(false);
        var running = load.ToDictionary(l => l.Agent, l => l.Running, StringComparer.Ordinal);
        var room = TaskDispatch.CapabilitiesWithRoom(queue, agents, running);
        if (room.Count == 0) return null;

        var health = (await db.ListAsync($"""
                SELECT {Rows.Qualified(OrchestrationRows.HealthColumns, "h")} FROM agent_health h JOIN agents a ON a.id = h.agent_id
                WHERE a.removed_at IS NULL ORDER BY h.agent_id, h.requirement
                """, OrchestrationRows.Health, ct).ConfigureAwait(false))
            .GroupBy(h => h.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<HealthResult>)g.Select(h => h.Result).ToList(), StringComparer.Ordinal);

        var pairs = agents.SelectMany(a => a.Capabilities.Select(c => c.Name).Where(room.Contains).Select(c => (Agent: a.Id, Capability: c))).ToList();
        var history = (await db.ListAsync($"""
                SELECT r.agent_id, r.capability, r.success, r.finished_at
                FROM unnest(@agents, @capabilities) AS k(agent_id, capability)
                CROSS JOIN LATERAL (
                    SELECT agent_id, capability, success, finished_at, seq FROM task_results t
                    WHERE t.agent_id = k.agent_id AND t.capability = k.capability AND {OrchestrationRows.ScoredResult("t.")}
                    ORDER BY finished_at DESC, seq DESC LIMIT {Scoring.HistoryWindow}) r
                ORDER BY r.agent_id, r.capability, r.finished_at DESC, r.seq DESC
                """, OrchestrationRows.Sample, ct, ("agents", pairs.Select(p => p.Agent).ToArray()), ("capabilities", pairs.Select(p => p.Capability).ToArray())).ConfigureAwait(false))
            .GroupBy(s => (s.AgentId, s.Capability))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ResultSample>)g.Select(s => s.Sample).ToList());

        var repos = queue.Where(t => t.Repo is not null).Select(t => t.Repo!).Distinct(StringComparer.Ordinal).ToArray();
        var machines = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (repos.Length > 0)
        {
            foreach (var group in (await db.ListAsync("SELECT machine_id, repo FROM repo_contexts WHERE repo = ANY (@repos)",
                         r => (Machine: r.GetString(0), Repo: r.GetString(1)), ct, ("repos", repos)).ConfigureAwait(false)).GroupBy(c => c.Repo, StringComparer.Ordinal))
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

    private static Task<Agent?> FindAgentAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE id = @id", OrchestrationRows.Agent, ct, ("id", id));

    /// <summary>One task; <paramref name="locking"/> is empty, <c>FOR UPDATE</c> or <c>FOR SHARE</c>.</summary>
    private static Task<BatonTask?> FindTaskAsync(Db db, string id, string locking, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE id = @id {locking}", OrchestrationRows.Task, ct, ("id", id));

    /// <summary>The tasks of <paramref name="ids"/> by id (locked in that order when <paramref name="locking"/> asks).</summary>
    private static async Task<List<BatonTask>> FindTasksAsync(Db db, IReadOnlyList<string> ids, string locking, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        return await db.ListAsync($"SELECT {OrchestrationRows.TaskColumns} FROM tasks WHERE id = ANY (@ids) ORDER BY id {locking}",
            OrchestrationRows.Task, ct, ("ids", ids.Distinct(StringComparer.Ordinal).ToArray())).ConfigureAwait(false);
    }
}
