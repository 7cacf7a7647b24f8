using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record TasksToolResult(string Venture, IReadOnlyList<BatonTask> Items, long Total, string Count, TaskCounts Counts, string? NextCursor);

public sealed record TaskStatusToolResult(BatonTask Task, IReadOnlyList<TaskEvent> Events, IReadOnlyList<TaskResult> Results);

/// <summary>
/// The orchestrator's queue as an agent sees it (issue 14): delegate work to another agent (<c>task_create</c>), the
/// venture's queue with honest counts (<c>tasks</c>), and one task's state, history and result (<c>task_status</c>).
/// </summary>
[McpServerToolType]
public sealed class TaskTools(ToolContext context)
{
    private const int EventsShown = 10;

    private static readonly string States = string.Join(", ", Enum.GetValues<TaskState>().Select(Snake));

    [McpServerTool(Name = "task_create", ReadOnly = false, Idempotent = false, OpenWorld = false)]
    [Description("Delegate work to another agent: add a task to the venture's queue (e.g. \"review my branch\"). Baton gives it to the " +
                 "best-scoring agent with the capability; `task_status` follows it. Only when the user or your instructions ask for delegation.")]
    public Task<CallToolResult> TaskCreate(
        McpServer server,
        [Description("What it needs done: an agent capability, e.g. code-review, deploy-service.")] string capability,
        [Description("A short title, e.g. \"Review feature/login\".")] string title,
        [Description("What to do, in full, for the agent that takes it (branch, what to look at, what to answer).")] string? prompt = null,
        [Description("Repository as org/repo when the work needs a clone of it: only agents on a machine with one get the task. Default: none.")] string? repo = null,
        [Description("Venture code. Default: the current session's venture (or the repo's).")] string? venture = null,
        [Description("0–10, higher first (default 5; 3 or less may go to an agent earning its score back).")] int? priority = null,
        [Description("A JSON object handed to the worker as is, e.g. {\"branch\": \"feature/login\"}.")] JsonElement? payload = null,
        [Description("Task ids (task_…) that must succeed first.")] string[]? depends_on = null,
        [Description("How long one attempt may run, in seconds (1–86,400, default 3,600).")] int? timeout_seconds = null,
        [Description("Attempts before it is dead (1–20, default 3).")] int? max_attempts = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var tasks = await context.TasksAsync(ct);
            JsonObject? body = null;
            if (payload is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } given)
            {
                body = given.ValueKind == JsonValueKind.Object
                    ? JsonNode.Parse(given.GetRawText()) as JsonObject
                    : throw SessionTools.Invalid("payload must be a JSON object, e.g. {\"branch\": \"feature/login\"}.");
            }
            var scope = (await context.CurrentVentureOrNullAsync(venture, ct))?.Code
                        ?? throw SessionTools.Invalid("no venture is known here: pass venture, or call `sod` first.");
            var createdBy = context.Memory.CurrentOrNull?.Agent ?? context.Agent(null, server);
            var task = await tasks.CreateTaskAsync(new CreateTaskRequest(scope, capability, title, repo, prompt, body, priority, timeout_seconds,
                max_attempts, depends_on, CreatedBy: createdBy), ct);
            var text = $"Task `{task.Id}` added to {task.Venture}'s queue: \"{task.Title}\" ({task.Capability}, priority {task.Priority}) — {Snake(task.State)}. " +
                       $"Call `task_status` with id `{task.Id}` to follow it.";
            return ToolResults.Ok(text, task);
        });

    [McpServerTool(Name = "tasks", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The venture's task queue: exact counts per state (queued, running, failed, dead, …) and the tasks, highest priority then oldest first.")]
    public Task<CallToolResult> Tasks(
        [Description("Venture code. Default: the current session's venture (or the repo's).")] string? venture = null,
        [Description("Only tasks in this state: waiting, queued, assigned, running, succeeded, failed, dead or cancelled.")] string? state = null,
        [Description("Only tasks assigned to this agent (agent_…).")] string? agent = null,
        [Description("Most tasks to return (1–50, default 20).")] int limit = 20,
        [Description("Continue from the next_cursor of a previous answer.")] string? cursor = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var tasks = await context.TasksAsync(ct);
            if (limit is < 1 or > 50) throw SessionTools.Invalid("limit must be between 1 and 50.");
            TaskState? filter = null;
            if (!string.IsNullOrWhiteSpace(state))
            {
                filter = Enum.GetValues<TaskState>().Cast<TaskState?>().FirstOrDefault(s => Snake(s!.Value) == state.Trim())
                         ?? throw SessionTools.Invalid($"state '{state}' is not one of: {States}.");
            }
            var scope = (await context.CurrentVentureOrNullAsync(venture, ct))?.Code
                        ?? throw SessionTools.Invalid("no venture is known here: pass venture, or call `sod` first.");
            var page = await tasks.ListTasksAsync(new TaskListRequest(scope, filter, null, agent, limit, cursor), ct);
            var counts = await tasks.CountTasksAsync(scope, ct);
            var count = Count.Slice(page.Items.Count, page.Total).ToString();

            var text = new StringBuilder($"## Tasks of {scope}{(filter is null ? "" : $" ({Snake(filter.Value)})")} ({count})\n");
            text.Append(string.Join(" · ", Enum.GetValues<TaskState>().Select(s => $"{Snake(s)} {counts.Of(s)}"))).Append($" (total {counts.Total})\n\n");
            foreach (var t in page.Items) text.Append(Line(t)).Append('\n');
            if (page.Items.Count == 0) text.Append("No tasks.\n");
            if (page.NextCursor is not null) text.Append($"\nMore: call `tasks` again with cursor `{page.NextCursor}`.\n");
            return ToolResults.Ok(text.ToString(), new TasksToolResult(scope, page.Items, page.Total, count, counts, page.NextCursor));
        });

    [McpServerTool(Name = "task_status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One task: its state, which agent has it (and why, from the score cards), its latest transitions, and its result or error.")]
    public Task<CallToolResult> TaskStatus(
        [Description("The task id (task_…), as `task_create` or `tasks` gave it.")] string id,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var tasks = await context.TasksAsync(ct);
            if (string.IsNullOrWhiteSpace(id)) throw SessionTools.Invalid("id is required: the task_… id `task_create` or `tasks` gave.");
            var task = await tasks.GetTaskAsync(id.Trim(), ct);
            var events = await tasks.ListTaskEventsAsync(task.Id, ct);
            var results = await tasks.ListTaskResultsAsync(task.Id, ct);

            var text = new StringBuilder($"## Task {task.Id}: {Snake(task.State)}\n");
            text.Append($"\"{task.Title}\" · {task.Venture}{(task.Repo is null ? "" : " · " + task.Repo)} · {task.Capability} · priority {task.Priority} · " +
                        $"attempt {task.Attempt} of {task.MaxAttempts} · created by {task.CreatedBy}\n");
            if (task.AssignedAgent is not null) text.Append($"Agent: `{task.AssignedAgent}`{(task.Probe ? " (as a probe)" : "")}\n");
            if (task.CancelRequested) text.Append("Cancellation requested: its worker is told at its next renew.\n");
            if (task.Error is { } error) text.Append($"Error: {error.Type}: {error.Message}\n");
            if (task.Result is { } result) text.Append($"Result: {result}\n");
            var shown = events.Items.TakeLast(EventsShown).ToList();
            text.Append($"\n### Transitions ({Count.Slice(shown.Count, events.Total)})\n");
            foreach (var e in shown)
            {
                text.Append($"- {Timestamp.ToWire(e.At)} {(e.From is { } from ? Snake(from) : "(new)")} → {Snake(e.To)} by {e.Actor}: {e.Reason}\n");
            }
            if (results.Total > 0)
            {
                text.Append($"\n### Attempts ({results.Total})\n");
                foreach (var r in results.Items)
                {
                    text.Append($"- attempt {r.Attempt} by `{r.AgentId}`: {(r.Success ? "succeeded" : $"failed ({r.ErrorType}: {r.ErrorMessage})")}" +
                                $"{(r.PrUrl is null ? "" : " · " + r.PrUrl)}{(r.Branch is null ? "" : " · branch " + r.Branch)}\n");
                }
            }
            return ToolResults.Ok(text.ToString(), new TaskStatusToolResult(task, events.Items, results.Items));
        });

    private static string Line(BatonTask t) =>
        $"- `{t.Id}` [{Snake(t.State)}] p{t.Priority} {t.Capability}: {t.Title}{(t.AssignedAgent is null ? "" : $" · agent `{t.AssignedAgent}`")}" +
        $" · attempt {t.Attempt}/{t.MaxAttempts}";

    private static string Snake(TaskState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());
}
