using System.Data.Common;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Relational;

/// <summary>
/// Rows of the orchestration tables (agents, agent_health, repo_contexts, tasks, task_events, task_results) for both SQL
/// stores: the same columns with the same meaning. Nested values (capabilities, health checks, score cards) are JSON
/// text written with <see cref="BatonJson.Options"/>; <c>depends_on</c> is a list column (<typeparamref name="TDialect"/>).
/// </summary>
internal static class OrchestrationRows<TDialect> where TDialect : ISqlDialect
{
    public const string AgentColumns =
        "id, name, machine_id, cli, capabilities, health_checks, max_concurrency, registered_at, updated_at, last_heartbeat_at, " +
        "paused_until, pause_reason, removed_at, actor_key_id";

    public const string HealthColumns = "agent_id, requirement, healthy, checked_at, detail";

    public const string ContextColumns = "machine_id, repo, local_path, default_branch, last_fetched_at, reported_at";

    public const string TaskColumns =
        "id, venture, repo, capability, title, prompt, payload, priority, timeout_s, max_attempts, depends_on, not_before, " +
        "max_cost_usd, created_by, created_at, updated_at, state, attempt, epoch, assigned_agent, assigned_at, started_at, " +
        "lease_expires_at, retry_at, probe, last_failed_agent, cancel_requested, result, error_type, error_message, finished_at, actor_key_id, held";

    /// <summary>What a change may set: every column but the ones fixed at creation.</summary>
    public const string TaskMutableColumns =
        "updated_at, state, attempt, epoch, assigned_agent, assigned_at, started_at, lease_expires_at, retry_at, probe, " +
        "last_failed_agent, cancel_requested, result, error_type, error_message, finished_at, max_attempts, held";

    public const string EventColumns = "task_id, at, from_state, to_state, actor, reason, attempt, epoch, agent_id, probe, score_cards";

    public const string ResultColumns =
        "task_id, attempt, agent_id, capability, success, finished_at, duration_ms, error_type, error_message, input_tokens, " +
        "output_tokens, cost_usd, native_session_id, branch, pr_url";

    public const string ReviewColumns = "reviewed_task_id, review_task_id, agent_id, verdict, concerns, summary, problem, at";

    public static readonly string ReviewValues = Rows<TDialect>.Values(ReviewColumns);
    public static readonly string AgentValues = Rows<TDialect>.Values(AgentColumns);
    public static readonly string HealthValues = Rows<TDialect>.Values(HealthColumns);
    public static readonly string ContextValues = Rows<TDialect>.Values(ContextColumns);
    public static readonly string TaskValues = Rows<TDialect>.Values(TaskColumns);
    public static readonly string EventValues = Rows<TDialect>.Values(EventColumns);
    public static readonly string ResultValues = Rows<TDialect>.Values(ResultColumns);

    /// <summary><c>col = param, …</c> for every mutable task column, for the UPDATE a change makes.</summary>
    public static readonly string TaskAssignments =
        string.Join(", ", TaskMutableColumns.Split(", ").Select(c => $"{c} = {TDialect.Parameter(c)}"));

    public static Agent Agent(DbDataReader r) => new(
        Id: r.Str("id"),
        Name: r.Str("name"),
        MachineId: r.StrOrNull("machine_id"),
        Cli: EnumText<AgentCli>.Parse(r.Str("cli")),
        Capabilities: Json<List<AgentCapability>>(r.Str("capabilities")),
        HealthChecks: Json<List<HealthCheck>>(r.Str("health_checks")),
        MaxConcurrency: r.Int("max_concurrency"),
        RegisteredAt: r.Time("registered_at"),
        UpdatedAt: r.Time("updated_at"),
        LastHeartbeatAt: r.Time("last_heartbeat_at"),
        PausedUntil: r.TimeOrNull("paused_until"),
        PauseReason: r.StrOrNull("pause_reason"),
        RemovedAt: r.TimeOrNull("removed_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"));

    public static (string Name, object? Value)[] AgentArgs(Agent a) =>
    [
        Arg("id", a.Id), Arg("name", a.Name), Arg("machine_id", a.MachineId), Arg("cli", Rows<TDialect>.Text(a.Cli)),
        Arg("capabilities", ToJson(a.Capabilities)), Arg("health_checks", ToJson(a.HealthChecks)), Arg("max_concurrency", a.MaxConcurrency),
        Arg("registered_at", Ms(a.RegisteredAt)), Arg("updated_at", Ms(a.UpdatedAt)), Arg("last_heartbeat_at", Ms(a.LastHeartbeatAt)),
        Arg("paused_until", Ms(a.PausedUntil)), Arg("pause_reason", a.PauseReason), Arg("removed_at", Ms(a.RemovedAt)),
        Arg("actor_key_id", a.ActorKeyId),
    ];

    public static (string AgentId, HealthResult Result) Health(DbDataReader r) =>
        (r.Str("agent_id"), new HealthResult(r.Str("requirement"), Bool(r, "healthy"), r.Time("checked_at"), r.StrOrNull("detail")));

    public static (string Name, object? Value)[] HealthArgs(string agentId, HealthResult h) =>
    [
        Arg("agent_id", agentId), Arg("requirement", h.Requirement), Arg("healthy", Rows<TDialect>.Bool(h.Healthy)),
        Arg("checked_at", Ms(h.CheckedAt)), Arg("detail", h.Detail),
    ];

    public static RepoContext Context(DbDataReader r) => new(
        r.Str("machine_id"), r.Str("repo"), r.Str("local_path"), r.StrOrNull("default_branch"), r.TimeOrNull("last_fetched_at"), r.Time("reported_at"));

    public static (string Name, object? Value)[] ContextArgs(RepoContext c) =>
    [
        Arg("machine_id", c.MachineId), Arg("repo", c.Repo), Arg("local_path", c.LocalPath), Arg("default_branch", c.DefaultBranch),
        Arg("last_fetched_at", Ms(c.LastFetchedAt)), Arg("reported_at", Ms(c.ReportedAt)),
    ];

    public static BatonTask Task(DbDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Repo: r.StrOrNull("repo"),
        Capability: r.Str("capability"),
        Title: r.Str("title"),
        Prompt: r.StrOrNull("prompt"),
        Payload: r.Str("payload"),
        Priority: r.Int("priority"),
        TimeoutSeconds: r.Int("timeout_s"),
        MaxAttempts: r.Int("max_attempts"),
        DependsOn: TDialect.ReadList(r, r.GetOrdinal("depends_on")),
        NotBefore: r.TimeOrNull("not_before"),
        MaxCostUsd: DoubleOrNull(r, "max_cost_usd"),
        CreatedBy: r.Str("created_by"),
        CreatedAt: r.Time("created_at"),
        UpdatedAt: r.Time("updated_at"),
        State: EnumText<TaskState>.Parse(r.Str("state")),
        Attempt: r.Int("attempt"),
        Epoch: r.GetInt64(r.GetOrdinal("epoch")),
        AssignedAgent: r.StrOrNull("assigned_agent"),
        AssignedAt: r.TimeOrNull("assigned_at"),
        StartedAt: r.TimeOrNull("started_at"),
        LeaseExpiresAt: r.TimeOrNull("lease_expires_at"),
        RetryAt: r.TimeOrNull("retry_at"),
        Probe: Bool(r, "probe"),
        LastFailedAgent: r.StrOrNull("last_failed_agent"),
        CancelRequested: Bool(r, "cancel_requested"),
        Result: r.StrOrNull("result"),
        Error: r.StrOrNull("error_type") is { } type ? new TaskError(type, r.StrOrNull("error_message") ?? "") : null,
        FinishedAt: r.TimeOrNull("finished_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        Held: r.StrOrNull("held"));

    public static (string Name, object? Value)[] TaskArgs(BatonTask t) =>
    [
        Arg("id", t.Id), Arg("venture", t.Venture), Arg("repo", t.Repo), Arg("capability", t.Capability), Arg("title", t.Title),
        Arg("prompt", t.Prompt), Arg("payload", t.Payload), Arg("priority", t.Priority), Arg("timeout_s", t.TimeoutSeconds),
        Arg("depends_on", Rows<TDialect>.List(t.DependsOn)), Arg("not_before", Ms(t.NotBefore)), Arg("max_cost_usd", t.MaxCostUsd),
        Arg("created_by", t.CreatedBy), Arg("created_at", Ms(t.CreatedAt)), Arg("actor_key_id", t.ActorKeyId),
        .. TaskMutableArgs(t),
    ];

    /// <summary>The mutable columns (<see cref="TaskMutableColumns"/>) of <paramref name="t"/>, plus <c>id</c> for the WHERE.</summary>
    public static (string Name, object? Value)[] TaskUpdateArgs(BatonTask t) => [Arg("id", t.Id), .. TaskMutableArgs(t)];

    private static (string Name, object? Value)[] TaskMutableArgs(BatonTask t) =>
    [
        Arg("updated_at", Ms(t.UpdatedAt)), Arg("state", Rows<TDialect>.Text(t.State)), Arg("attempt", t.Attempt), Arg("epoch", t.Epoch),
        Arg("assigned_agent", t.AssignedAgent), Arg("assigned_at", Ms(t.AssignedAt)), Arg("started_at", Ms(t.StartedAt)),
        Arg("lease_expires_at", Ms(t.LeaseExpiresAt)), Arg("retry_at", Ms(t.RetryAt)), Arg("probe", Rows<TDialect>.Bool(t.Probe)),
        Arg("last_failed_agent", t.LastFailedAgent), Arg("cancel_requested", Rows<TDialect>.Bool(t.CancelRequested)),
        Arg("result", t.Result), Arg("error_type", t.Error?.Type), Arg("error_message", t.Error?.Message),
        Arg("finished_at", Ms(t.FinishedAt)), Arg("max_attempts", t.MaxAttempts), Arg("held", t.Held),
    ];

    /// <summary>Saves a task's held reason alone (<see cref="BudgetRule.Apply"/>): not a transition, so no event and no other column.</summary>
    public static readonly string SetHeldSql = $"UPDATE tasks SET held = {TDialect.Parameter("held")} WHERE id = {TDialect.Parameter("id")}";

    public static (string Name, object? Value)[] HeldArgs(BatonTask t) => [Arg("id", t.Id), Arg("held", t.Held)];

    /// <summary>
    /// The results scoring reads: every one but those of attempts given back at once (<see cref="TaskRules.RequeuesAtOnce"/>),
    /// which say nothing about the agent's skill. Columns unqualified, or prefixed with <paramref name="alias"/>.
    /// </summary>
    public static string ScoredResult(string alias = "") =>
        $"({alias}error_type IS NULL OR {alias}error_type NOT IN ('{TaskRules.RateLimitedError}', '{TaskRules.WorkerShutdownError}'))";

    /// <summary>
    /// The daily budget of each of <paramref name="ventureCondition"/>'s ventures that has one, with the micro-dollars
    /// its task results cost since <c>day_start</c> — summed exactly as spend sums them (docs/architecture.md §15 Spend).
    /// </summary>
    public static string BudgetsSql(string ventureCondition) => $"""
        SELECT v.code, v.daily_budget_usd,
               (SELECT COALESCE(SUM(CAST(ROUND(r.cost_usd * 1000000) AS BIGINT)), 0)
                FROM task_results r JOIN tasks t ON t.id = r.task_id
                WHERE t.venture = v.code AND r.finished_at >= {TDialect.Parameter("day_start")} AND r.cost_usd IS NOT NULL) AS spent_micros
        FROM ventures v
        WHERE v.daily_budget_usd IS NOT NULL AND {ventureCondition}
        """;

    public static VentureBudget Budget(DbDataReader r) => new(
        r.Str("code"), r.GetDouble(r.GetOrdinal("daily_budget_usd")),
        Convert.ToInt64(r.GetValue(r.GetOrdinal("spent_micros")), System.Globalization.CultureInfo.InvariantCulture));

    public static TaskEvent Event(DbDataReader r) => new(
        TaskId: r.Str("task_id"),
        At: r.Time("at"),
        From: r.StrOrNull("from_state") is { } from ? EnumText<TaskState>.Parse(from) : null,
        To: EnumText<TaskState>.Parse(r.Str("to_state")),
        Actor: r.Str("actor"),
        Reason: r.Str("reason"),
        Attempt: r.Int("attempt"),
        Epoch: r.GetInt64(r.GetOrdinal("epoch")),
        AgentId: r.StrOrNull("agent_id"),
        Probe: Bool(r, "probe"),
        ScoreCards: r.StrOrNull("score_cards") is { } cards ? Json<List<ScoreCard>>(cards) : null);

    public static (string Name, object? Value)[] EventArgs(TaskEvent e) =>
    [
        Arg("task_id", e.TaskId), Arg("at", Ms(e.At)), Arg("from_state", e.From is { } from ? Rows<TDialect>.Text(from) : null),
        Arg("to_state", Rows<TDialect>.Text(e.To)), Arg("actor", e.Actor), Arg("reason", e.Reason), Arg("attempt", e.Attempt),
        Arg("epoch", e.Epoch), Arg("agent_id", e.AgentId), Arg("probe", Rows<TDialect>.Bool(e.Probe)),
        Arg("score_cards", e.ScoreCards is null ? null : ToJson(e.ScoreCards)),
    ];

    public static TaskResult Result(DbDataReader r)
    {
        var input = r.LongOrNull("input_tokens");
        var output = r.LongOrNull("output_tokens");
        var cost = DoubleOrNull(r, "cost_usd");
        return new TaskResult(
            TaskId: r.Str("task_id"),
            Attempt: r.Int("attempt"),
            AgentId: r.Str("agent_id"),
            Capability: r.Str("capability"),
            Success: Bool(r, "success"),
            FinishedAt: r.Time("finished_at"),
            DurationMs: r.LongOrNull("duration_ms"),
            ErrorType: r.StrOrNull("error_type"),
            ErrorMessage: r.StrOrNull("error_message"),
            Usage: input is null && output is null && cost is null ? null : new TaskUsage(input, output, cost),
            NativeSessionId: r.StrOrNull("native_session_id"),
            Branch: r.StrOrNull("branch"),
            PrUrl: r.StrOrNull("pr_url"));
    }

    public static (string Name, object? Value)[] ResultArgs(TaskResult x) =>
    [
        Arg("task_id", x.TaskId), Arg("attempt", x.Attempt), Arg("agent_id", x.AgentId), Arg("capability", x.Capability),
        Arg("success", Rows<TDialect>.Bool(x.Success)), Arg("finished_at", Ms(x.FinishedAt)), Arg("duration_ms", x.DurationMs),
        Arg("error_type", x.ErrorType), Arg("error_message", x.ErrorMessage), Arg("input_tokens", x.Usage?.InputTokens),
        Arg("output_tokens", x.Usage?.OutputTokens), Arg("cost_usd", x.Usage?.CostUsd), Arg("native_session_id", x.NativeSessionId),
        Arg("branch", x.Branch), Arg("pr_url", x.PrUrl),
    ];

    public static TaskReview Review(DbDataReader r) => new(
        ReviewedTaskId: r.Str("reviewed_task_id"),
        ReviewTaskId: r.Str("review_task_id"),
        AgentId: r.StrOrNull("agent_id"),
        Verdict: EnumText<ReviewVerdict>.Parse(r.Str("verdict")),
        Concerns: Json<List<string>>(r.Str("concerns")),
        Summary: r.StrOrNull("summary"),
        Problem: r.StrOrNull("problem"),
        At: r.Time("at"));

    public static (string Name, object? Value)[] ReviewArgs(TaskReview x) =>
    [
        Arg("reviewed_task_id", x.ReviewedTaskId), Arg("review_task_id", x.ReviewTaskId), Arg("agent_id", x.AgentId),
        Arg("verdict", Rows<TDialect>.Text(x.Verdict)), Arg("concerns", ToJson(x.Concerns)), Arg("summary", x.Summary),
        Arg("problem", x.Problem), Arg("at", Ms(x.At)),
    ];

    /// <summary>
    /// The dashboard's history read (<c>IOrchestrationStore.ListResultHistoryAsync</c>), one statement on both stores:
    /// each (agent, capability)'s scored results numbered newest first by a window, the first <c>per</c> kept.
    /// <paramref name="agentCondition"/> restricts <c>agent_id</c> (the dialect's list or array test).
    /// </summary>
    public static string HistorySql(string agentCondition) => $"""
        SELECT agent_id, capability, success, finished_at FROM (
            SELECT agent_id, capability, success, finished_at, seq,
                   ROW_NUMBER() OVER (PARTITION BY agent_id, capability ORDER BY finished_at DESC, seq DESC) AS n
            FROM task_results WHERE {agentCondition} AND {ScoredResult()}) h
        WHERE h.n <= {TDialect.Parameter("per")}
        ORDER BY agent_id, capability, finished_at DESC, seq DESC
        """;

    /// <summary>The history rows (in <see cref="HistorySql"/>'s order) as one list per (agent, capability).</summary>
    public static IReadOnlyList<ResultHistory> Histories(IEnumerable<(string AgentId, string Capability, ResultSample Sample)> rows) =>
        [.. rows.GroupBy(s => (s.AgentId, s.Capability)).Select(g => new ResultHistory(g.Key.AgentId, g.Key.Capability, [.. g.Select(s => s.Sample)]))];

    /// <summary>A scoring sample: (agent, capability, success, finished_at) as the history query selects them.</summary>
    public static (string AgentId, string Capability, ResultSample Sample) Sample(DbDataReader r) =>
        (r.Str("agent_id"), r.Str("capability"), new ResultSample(Bool(r, "success"), r.Time("finished_at")));

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, BatonJson.Options);

    private static T Json<T>(string text) where T : class =>
        JsonSerializer.Deserialize<T>(text, BatonJson.Options) ?? throw new InvalidDataException($"The database holds JSON that is not a {typeof(T).Name}.");

    private static double? DoubleOrNull(DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetDouble(ordinal);
    }

    private static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    private static (string Name, object? Value) Arg(string column, object? value) => (TDialect.BindName(column), value);

    private static bool Bool(DbDataReader r, string column) => TDialect.ReadBool(r, r.GetOrdinal(column));
}
