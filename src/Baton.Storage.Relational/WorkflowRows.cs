using System.Data.Common;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Storage.Relational;

/// <summary>
/// Rows of the workflow tables (workflows, workflow_events, workflow_effects, sprints) for both SQL stores: the same
/// columns with the same meaning. Human gates and sprint items are JSON text written with <see cref="BatonJson.Options"/>
/// (states as their snake_case names); an effect's labels are a list column (<typeparamref name="TDialect"/>).
/// </summary>
internal static class WorkflowRows<TDialect> where TDialect : ISqlDialect
{
    public const string WorkflowColumns =
        "id, venture, repo, issue, title, body, state, bounces, max_bounces, human_gates, branch, plan, pr_url, step, " +
        "step_task_id, waiting_for_human, reason, sprint_id, created_by, created_at, updated_at, finished_at, version";

    /// <summary>What an update may set: every column but the id and those fixed at creation.</summary>
    private const string WorkflowMutableColumns =
        "repo, issue, title, body, state, bounces, max_bounces, human_gates, branch, plan, pr_url, step, step_task_id, " +
        "waiting_for_human, reason, sprint_id, updated_at, finished_at, version";

    public const string EventColumns = "workflow_id, seq, at, from_state, to_state, trigger_name, actor, reason, task_id, detail";

    public const string EffectColumns =
        "id, workflow_id, kind, repo, number, title, body, labels, pr_url, created_at, attempts, last_error, done_at, result_url";

    public const string SprintColumns =
        "id, venture, repo, mode, state, items, current_wave, wave_count, created_by, created_at, updated_at, finished_at, version";

    private const string SprintMutableColumns = "repo, mode, state, items, current_wave, wave_count, updated_at, finished_at, version";

    /// <summary>The states a workflow can no longer leave, as the <c>state</c> column holds them.</summary>
    public static readonly string Finished = $"'{Rows<TDialect>.Text(WorkflowState.Accepted)}', '{Rows<TDialect>.Text(WorkflowState.Failed)}'";

    public static readonly string WorkflowValues = Rows<TDialect>.Values(WorkflowColumns);
    public static readonly string EventValues = Rows<TDialect>.Values(EventColumns);
    public static readonly string EffectValues = Rows<TDialect>.Values(EffectColumns);
    public static readonly string SprintValues = Rows<TDialect>.Values(SprintColumns);

    /// <summary>
    /// The versioned update of a workflow: every mutable column, only while the row still has the version the caller
    /// read (<c>expected_version</c>). No row changed means another writer came first.
    /// </summary>
    public static readonly string UpdateWorkflowSql =
        $"UPDATE workflows SET {Assignments(WorkflowMutableColumns)} WHERE id = {TDialect.Parameter("id")} AND version = {TDialect.Parameter("expected_version")}";

    public static readonly string UpdateSprintSql =
        $"UPDATE sprints SET {Assignments(SprintMutableColumns)} WHERE id = {TDialect.Parameter("id")} AND version = {TDialect.Parameter("expected_version")}";

    public static readonly string InsertWorkflowSql = $"INSERT INTO workflows ({WorkflowColumns}) VALUES ({WorkflowValues})";
    public static readonly string InsertEventSql = $"INSERT INTO workflow_events ({EventColumns}) VALUES ({EventValues})";
    public static readonly string InsertEffectSql = $"INSERT INTO workflow_effects ({EffectColumns}, claimed_until) VALUES ({EffectValues}, NULL)";
    public static readonly string InsertSprintSql = $"INSERT INTO sprints ({SprintColumns}) VALUES ({SprintValues})";

    /// <summary>
    /// Records what carrying out an effect came to, on a not-done effect only: done (<c>done_at</c> and what gh answered)
    /// or a failed attempt (the error kept), each counted as an attempt; not done and no error is no attempt at all (the
    /// engine holding an effect back for its back-off): only the claim is released. The claim is released every time.
    /// </summary>
    public static readonly string RecordEffectSql = $"""
        UPDATE workflow_effects SET
            attempts = attempts + {TDialect.Parameter("attempted")},
            done_at = {TDialect.Parameter("done_at")},
            result_url = {TDialect.Parameter("result_url")},
            last_error = COALESCE({TDialect.Parameter("last_error")}, last_error),
            claimed_until = NULL
        WHERE id = {TDialect.Parameter("id")} AND done_at IS NULL
        """;

    public static (string Name, object? Value)[] RecordEffectArgs(string effectId, DateTimeOffset now, bool done, string? resultUrl, string? error) =>
    [
        Arg("id", effectId), Arg("attempted", done || error is not null ? 1 : 0), Arg("done_at", done ? Ms(now) : null),
        Arg("result_url", done ? resultUrl : null),
        // A success keeps the error of the attempt before it (why it took more than one); a failure records its own.
        Arg("last_error", done ? null : error),
    ];

    /// <summary>Effects a claim may take at <c>now</c>: not done, and nobody's claim still running.</summary>
    /// <summary>Every claim on an effect not done, released (<c>IWorkflowStore.ReleaseEffectClaimsAsync</c>).</summary>
    public const string ReleaseClaimsSql = "UPDATE workflow_effects SET claimed_until = NULL WHERE done_at IS NULL AND claimed_until IS NOT NULL";

    public static readonly string Claimable =
        $"done_at IS NULL AND (claimed_until IS NULL OR claimed_until <= {TDialect.Parameter("now")})";

    public static Workflow Workflow(DbDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Repo: r.StrOrNull("repo"),
        Issue: r.StrOrNull("issue"),
        Title: r.Str("title"),
        Body: r.StrOrNull("body"),
        State: EnumText<WorkflowState>.Parse(r.Str("state")),
        Bounces: r.Int("bounces"),
        MaxBounces: r.Int("max_bounces"),
        HumanGates: Json<List<WorkflowState>>(r.Str("human_gates")),
        Branch: r.Str("branch"),
        Plan: r.StrOrNull("plan"),
        PrUrl: r.StrOrNull("pr_url"),
        Step: r.Int("step"),
        StepTaskId: r.StrOrNull("step_task_id"),
        WaitingForHuman: r.StrOrNull("waiting_for_human"),
        Reason: r.StrOrNull("reason"),
        SprintId: r.StrOrNull("sprint_id"),
        CreatedBy: r.Str("created_by"),
        CreatedAt: r.Time("created_at"),
        UpdatedAt: r.Time("updated_at"),
        FinishedAt: r.TimeOrNull("finished_at"),
        Version: r.GetInt64(r.GetOrdinal("version")));

    public static (string Name, object? Value)[] WorkflowArgs(Workflow w) =>
    [
        Arg("id", w.Id), Arg("venture", w.Venture), Arg("created_by", w.CreatedBy), Arg("created_at", Ms(w.CreatedAt)),
        .. WorkflowMutableArgs(w),
    ];

    /// <summary>The mutable columns of <paramref name="w"/>, its id and the version the update expects.</summary>
    public static (string Name, object? Value)[] WorkflowUpdateArgs(Workflow w, long expectedVersion) =>
        [Arg("id", w.Id), Arg("expected_version", expectedVersion), .. WorkflowMutableArgs(w)];

    private static (string Name, object? Value)[] WorkflowMutableArgs(Workflow w) =>
    [
        Arg("repo", w.Repo), Arg("issue", w.Issue), Arg("title", w.Title), Arg("body", w.Body), Arg("state", Rows<TDialect>.Text(w.State)),
        Arg("bounces", w.Bounces), Arg("max_bounces", w.MaxBounces), Arg("human_gates", ToJson(w.HumanGates)), Arg("branch", w.Branch),
        Arg("plan", w.Plan), Arg("pr_url", w.PrUrl), Arg("step", w.Step), Arg("step_task_id", w.StepTaskId),
        Arg("waiting_for_human", w.WaitingForHuman), Arg("reason", w.Reason), Arg("sprint_id", w.SprintId),
        Arg("updated_at", Ms(w.UpdatedAt)), Arg("finished_at", Ms(w.FinishedAt)), Arg("version", w.Version),
    ];

    public static WorkflowEvent Event(DbDataReader r) => new(
        WorkflowId: r.Str("workflow_id"),
        Seq: r.Int("seq"),
        At: r.Time("at"),
        From: r.StrOrNull("from_state") is { } from ? EnumText<WorkflowState>.Parse(from) : null,
        To: EnumText<WorkflowState>.Parse(r.Str("to_state")),
        Trigger: r.Str("trigger_name"),
        Actor: r.Str("actor"),
        Reason: r.Str("reason"),
        TaskId: r.StrOrNull("task_id"),
        Detail: r.StrOrNull("detail"));

    public static (string Name, object? Value)[] EventArgs(WorkflowEvent e) =>
    [
        Arg("workflow_id", e.WorkflowId), Arg("seq", e.Seq), Arg("at", Ms(e.At)), Arg("from_state", Rows<TDialect>.Text(e.From)),
        Arg("to_state", Rows<TDialect>.Text(e.To)), Arg("trigger_name", e.Trigger), Arg("actor", e.Actor), Arg("reason", e.Reason),
        Arg("task_id", e.TaskId), Arg("detail", e.Detail),
    ];

    public static WorkflowEffect Effect(DbDataReader r) => new(
        Id: r.Str("id"),
        WorkflowId: r.Str("workflow_id"),
        Kind: EnumText<WorkflowEffectKind>.Parse(r.Str("kind")),
        Repo: r.Str("repo"),
        Number: r.IntOrNull("number"),
        Title: r.StrOrNull("title"),
        Body: r.StrOrNull("body"),
        Labels: TDialect.ReadList(r, r.GetOrdinal("labels")),
        PrUrl: r.StrOrNull("pr_url"),
        CreatedAt: r.Time("created_at"),
        Attempts: r.Int("attempts"),
        LastError: r.StrOrNull("last_error"),
        DoneAt: r.TimeOrNull("done_at"),
        ResultUrl: r.StrOrNull("result_url"));

    public static (string Name, object? Value)[] EffectArgs(WorkflowEffect x) =>
    [
        Arg("id", x.Id), Arg("workflow_id", x.WorkflowId), Arg("kind", Rows<TDialect>.Text(x.Kind)), Arg("repo", x.Repo),
        Arg("number", x.Number), Arg("title", x.Title), Arg("body", x.Body), Arg("labels", Rows<TDialect>.List(x.Labels)),
        Arg("pr_url", x.PrUrl), Arg("created_at", Ms(x.CreatedAt)), Arg("attempts", x.Attempts), Arg("last_error", x.LastError),
        Arg("done_at", Ms(x.DoneAt)), Arg("result_url", x.ResultUrl),
    ];

    public static Sprint Sprint(DbDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Repo: r.Str("repo"),
        Mode: EnumText<SprintMode>.Parse(r.Str("mode")),
        State: EnumText<SprintState>.Parse(r.Str("state")),
        Items: Json<List<SprintItem>>(r.Str("items")),
        CurrentWave: r.Int("current_wave"),
        WaveCount: r.Int("wave_count"),
        CreatedBy: r.Str("created_by"),
        CreatedAt: r.Time("created_at"),
        UpdatedAt: r.Time("updated_at"),
        FinishedAt: r.TimeOrNull("finished_at"),
        Version: r.GetInt64(r.GetOrdinal("version")));

    public static (string Name, object? Value)[] SprintArgs(Sprint s) =>
    [
        Arg("id", s.Id), Arg("venture", s.Venture), Arg("created_by", s.CreatedBy), Arg("created_at", Ms(s.CreatedAt)),
        .. SprintMutableArgs(s),
    ];

    public static (string Name, object? Value)[] SprintUpdateArgs(Sprint s, long expectedVersion) =>
        [Arg("id", s.Id), Arg("expected_version", expectedVersion), .. SprintMutableArgs(s)];

    private static (string Name, object? Value)[] SprintMutableArgs(Sprint s) =>
    [
        Arg("repo", s.Repo), Arg("mode", Rows<TDialect>.Text(s.Mode)), Arg("state", Rows<TDialect>.Text(s.State)),
        Arg("items", ToJson(s.Items)), Arg("current_wave", s.CurrentWave), Arg("wave_count", s.WaveCount),
        Arg("updated_at", Ms(s.UpdatedAt)), Arg("finished_at", Ms(s.FinishedAt)), Arg("version", s.Version),
    ];

    /// <summary>An update must carry the next version: the version is how the next writer knows it read a stale row.</summary>
    public static void EnsureNextVersion(long version, long expectedVersion, string what)
    {
        if (version != expectedVersion + 1)
            throw new ArgumentException($"The updated {what} must carry version {expectedVersion + 1} (the version read + 1), not {version}.", nameof(version));
    }

    private static string Assignments(string columns) =>
        string.Join(", ", columns.Split(", ").Select(c => $"{c} = {TDialect.Parameter(c)}"));

    private static string ToJson<T>(T value) => JsonSerializer.Serialize(value, BatonJson.Options);

    private static T Json<T>(string text) where T : class =>
        JsonSerializer.Deserialize<T>(text, BatonJson.Options) ?? throw new InvalidDataException($"The database holds JSON that is not a {typeof(T).Name}.");

    private static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    private static (string Name, object? Value) Arg(string column, object? value) => (TDialect.BindName(column), value);
}
