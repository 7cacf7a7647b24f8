using System.ComponentModel;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Workflows;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

/// <summary><c>project_status</c> for the venture: its open workflows (every one not ACCEPTED or FAILED, newest first).</summary>
public sealed record ProjectStatusListResult(string Venture, IReadOnlyList<Workflow> Items, long Total, string Count, string? NextCursor);

/// <summary>
/// Project workflows as an agent sees them (issue 17, docs/architecture.md §17): <c>project_status</c> answers one workflow
/// (state, bounces, the step's task, whether it waits for a human, the PR, the latest history) or the venture's open ones.
/// </summary>
[McpServerToolType]
public sealed class WorkflowTools(ToolContext context)
{
    private const int EventsShown = 10;

    /// <summary>The most workflows read when the venture's open ones are asked for (the list has no "open" filter: each open state is read).</summary>
    private const int OpenShown = 50;

    [McpServerTool(Name = "project_status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Project workflows (plan → review → build → QA → deploy → validate): one workflow by id, or the venture's open ones — " +
                 "state, returns to planning, the step's task, whether it waits for a human (`baton projects advance|reject`), and the PR.")]
    public Task<CallToolResult> ProjectStatus(
        [Description("A workflow id (wf_…). Without it: the venture's open workflows.")] string? id = null,
        [Description("Venture code. Default: the current session's venture (or the repo's).")] string? venture = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var workflows = await context.WorkflowsAsync(ct);
            if (!string.IsNullOrWhiteSpace(id))
            {
                var info = await workflows.GetWorkflowAsync(id.Trim(), ct);
                return ToolResults.Ok(Describe(info), info);
            }
            var scope = (await context.CurrentVentureOrNullAsync(venture, ct))?.Code
                        ?? throw SessionTools.Invalid("no venture is known here: pass venture or id, or call `sod` first.");
            var open = new List<Workflow>();
            long total = 0;
            foreach (var state in WorkflowMachine.Open)
            {
                var page = await workflows.ListWorkflowsAsync(new WorkflowListRequest(scope, state, Limit: OpenShown), ct);
                total += page.Total;
                open.AddRange(page.Items);
            }
            var shown = open.OrderByDescending(w => w.Id, StringComparer.Ordinal).Take(OpenShown).ToList();
            var count = Count.Slice(shown.Count, total).ToString();
            var text = new StringBuilder($"## Open workflows of {scope} ({count})\n");
            foreach (var w in shown) text.Append(Line(w)).Append('\n');
            if (shown.Count == 0) text.Append("No open workflows.\n");
            return ToolResults.Ok(text.ToString(), new ProjectStatusListResult(scope, shown, total, count, null));
        });

    private static string Describe(WorkflowInfo info)
    {
        var w = info.Workflow;
        var text = new StringBuilder($"## Workflow {w.Id}: {WorkflowMachine.Name(w.State)}\n");
        text.Append($"\"{w.Title}\" · {w.Venture}{(w.Issue is null ? "" : " · " + w.Issue)} · returns to planning {w.Bounces} of {w.MaxBounces} · branch {w.Branch}\n");
        if (w.PrUrl is not null) text.Append($"PR: {w.PrUrl}\n");
        if (info.Step is { } step)
            text.Append($"Step task: `{step.TaskId}` {step.Capability} [{step.TaskState}]{(step.Agent is null ? "" : $" · agent `{step.Agent}`")} · attempt {step.Attempt} of {step.MaxAttempts}\n");
        if (w.WaitingForHuman is { } waiting) text.Append($"Waiting for a human: {waiting}\n");
        if (w.Reason is { } reason) text.Append($"Reason: {reason}\n");
        var shown = info.Events.TakeLast(EventsShown).ToList();
        text.Append($"\n### History ({Count.Slice(shown.Count, info.Events.Count)})\n");
        foreach (var e in shown)
        {
            text.Append($"- {Timestamp.ToWire(e.At)} {(e.From is { } from ? WorkflowMachine.Name(from) : "(new)")} → {WorkflowMachine.Name(e.To)} ({e.Trigger}) by {e.Actor}: {e.Reason}\n");
        }
        var failing = info.Effects.Count(e => e.DoneAt is null && e.LastError is not null);
        if (failing > 0) text.Append($"\n{failing} GitHub change{(failing == 1 ? "" : "s")} failing (comments, labels): see `baton projects show {w.Id}`.\n");
        return text.ToString();
    }

    private static string Line(Workflow w) =>
        $"- `{w.Id}` [{WorkflowMachine.Name(w.State)}] {w.Title}{(w.Issue is null ? "" : " · " + w.Issue)} · returns {w.Bounces}/{w.MaxBounces}" +
        (w.StepTaskId is null ? "" : $" · step task `{w.StepTaskId}`") + (w.WaitingForHuman is null ? "" : " · **waiting for a human**") +
        (w.PrUrl is null ? "" : " · " + w.PrUrl);
}
