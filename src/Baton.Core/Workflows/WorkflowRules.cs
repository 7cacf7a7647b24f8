using System.Text;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>What one change of a workflow saves: the row as it becomes, and the events and GitHub effects written with it.</summary>
public sealed record WorkflowChange(Workflow Workflow, IReadOnlyList<WorkflowEvent> Events, IReadOnlyList<WorkflowEffect> Effects);

/// <summary>
/// The changes a workflow goes through (docs/architecture.md §17), pure: the engine and a human's advance/reject both
/// fire triggers through <see cref="Fire"/>, so the bounce cap, the events and the GitHub effects are decided in one place.
/// </summary>
public static class WorkflowRules
{
    /// <summary>The actor of the engine's own changes.</summary>
    public const string EngineActor = "workflow";

    /// <summary>
    /// Fires <paramref name="trigger"/> on <paramref name="workflow"/>: the table's next state, or FAILED when it would go
    /// back to PLANNING more than max_bounces times. The step task and any human wait are cleared; the issue (when the
    /// workflow has one) gets the state's label and a comment, a bug issue when tests or smoke checks failed, and at
    /// ACCEPTED the PR merged (when <paramref name="settings"/> say so) and the issue closed with the report.
    /// </summary>
    /// <param name="reason">One line: why (the review's concerns, the failing tests' count, a human's words).</param>
    /// <param name="detail">Markdown for the comment and the event (the plan, the test table, the smoke report), or null.</param>
    /// <param name="lastSeq">The workflow's newest event's seq (0 when it has none).</param>
    /// <exception cref="InvalidOperationException">The table has no row for the trigger from the workflow's state.</exception>
    public static WorkflowChange Fire(Workflow workflow, WorkflowTrigger trigger, string actor, string reason, string? detail,
        WorkflowSettings settings, int lastSeq, DateTimeOffset now, Func<string> newEffectId)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(newEffectId);
        var from = workflow.State;
        var to = WorkflowMachine.Next(from, trigger)
                 ?? throw new InvalidOperationException($"workflow {workflow.Id} is {WorkflowMachine.Name(from)}: no transition on {WorkflowMachine.Name(trigger)}");

        var bounces = workflow.Bounces;
        var firedName = WorkflowMachine.Name(trigger);
        var why = reason;
        if (WorkflowMachine.IsBounce(from, trigger))
        {
            if (bounces >= workflow.MaxBounces)
            {
                to = WorkflowState.Failed;
                firedName = WorkflowMachine.Name(WorkflowTrigger.Fail);
                why = $"it would go back to PLANNING a {Ordinal(bounces + 1)} time (max_bounces {workflow.MaxBounces}): {reason}";
            }
            else
            {
                bounces++;
            }
        }

        var updated = workflow with
        {
            State = to,
            Bounces = bounces,
            StepTaskId = null,
            WaitingForHuman = null,
            Reason = to is WorkflowState.Planning or WorkflowState.Failed ? why : workflow.Reason,
            UpdatedAt = now,
            FinishedAt = to is WorkflowState.Accepted or WorkflowState.Failed ? now : null,
            Version = workflow.Version + 1,
        };
        var events = new List<WorkflowEvent> { new(workflow.Id, lastSeq + 1, now, from, to, firedName, actor, why, workflow.StepTaskId, detail) };
        var effects = IssueEffects(updated, from, firedName, why, detail, settings, now, newEffectId);
        return new WorkflowChange(updated, events, effects);
    }

    /// <summary>
    /// A new workflow in CREATE (version 1, step 0, on its own branch) with its <c>created</c> event: the engine fires
    /// Start on its next pass. Started by a person (WorkflowService) or by a sprint's wave (the engine).
    /// </summary>
    /// <param name="reason">What its first plan must answer (a sprint's retry says why the first try failed); null for a fresh start.</param>
    /// <param name="why">The created event's reason: where it was started from.</param>
    public static WorkflowChange Create(string id, string venture, string? repo, string? issue, string title, string? body, int maxBounces,
        IReadOnlyList<WorkflowState> humanGates, string? sprintId, string? reason, string createdBy, string actor, string why, DateTimeOffset now)
    {
        var workflow = new Workflow(id, venture, repo, issue, title, string.IsNullOrEmpty(body) ? null : body, WorkflowState.Create, 0, maxBounces,
            humanGates, WorkflowIds.BranchOf(id), null, null, 0, null, null, reason, sprintId, createdBy, now, now, null, 1);
        var created = new WorkflowEvent(id, 1, now, null, WorkflowState.Create, "created", actor, why, null, null);
        return new WorkflowChange(workflow, [created], []);
    }

    /// <summary>A step task minted for the current state: the step counter grows and the task is named before it is created.</summary>
    public static WorkflowChange BeginStep(Workflow workflow, string taskId, string capability, int lastSeq, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var updated = workflow with { Step = workflow.Step + 1, StepTaskId = taskId, UpdatedAt = now, Version = workflow.Version + 1 };
        var e = new WorkflowEvent(workflow.Id, lastSeq + 1, now, workflow.State, workflow.State, "step", EngineActor,
            $"step {updated.Step}: {capability} task {taskId}", taskId, null);
        return new WorkflowChange(updated, [e], []);
    }

    /// <summary>
    /// A passing step at a human gate: the workflow stays, waiting for <c>advance</c> (or <c>reject</c>); the step's
    /// report is kept in the event and said on the issue.
    /// </summary>
    public static WorkflowChange WaitForHuman(Workflow workflow, string reason, string? detail, int lastSeq, DateTimeOffset now, Func<string> newEffectId)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(newEffectId);
        var waiting = $"{reason}; waiting for a human: `baton projects advance {workflow.Id}` or `baton projects reject {workflow.Id} --reason …`";
        var updated = workflow with { StepTaskId = null, WaitingForHuman = waiting, UpdatedAt = now, Version = workflow.Version + 1 };
        var e = new WorkflowEvent(workflow.Id, lastSeq + 1, now, workflow.State, workflow.State, "waiting", EngineActor, waiting, workflow.StepTaskId, detail);
        var effects = new List<WorkflowEffect>();
        if (IssueOf(workflow) is { } issue)
            effects.Add(Effect(newEffectId(), workflow, WorkflowEffectKind.Comment, issue, now, body: Comment(workflow, $"**{WorkflowMachine.Name(workflow.State)}** waits for a human", waiting, detail)));
        return new WorkflowChange(updated, [e], effects);
    }

    /// <summary>Every <c>status:*</c> label the workflow sets; setting one removes the others.</summary>
    public static IReadOnlyList<string> StatusLabels { get; } =
        Enum.GetValues<WorkflowState>().Select(WorkflowMachine.Label).ToList();

    /// <summary>(org/name, number) of <c>org/name#42</c>, or null.</summary>
    public static (string Repo, int Number)? ParseIssue(string? issue)
    {
        if (string.IsNullOrWhiteSpace(issue)) return null;
        issue = issue.Trim();
        var hash = issue.LastIndexOf('#');
        if (hash <= 0 || hash == issue.Length - 1) return null;
        var repo = issue[..hash].Trim();
        var slash = repo.IndexOf('/');
        if (slash <= 0 || slash == repo.Length - 1 || repo.IndexOf('/', slash + 1) >= 0) return null;
        return int.TryParse(issue.AsSpan(hash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? (repo, n)
            : null;
    }

    private static (string Repo, int Number)? IssueOf(Workflow workflow) => ParseIssue(workflow.Issue);

    private static List<WorkflowEffect> IssueEffects(Workflow updated, WorkflowState from, string trigger, string reason, string? detail,
        WorkflowSettings settings, DateTimeOffset now, Func<string> newEffectId)
    {
        var effects = new List<WorkflowEffect>();
        if (IssueOf(updated) is not { } issue) return effects;
        var to = updated.State;
        var headline = $"**{WorkflowMachine.Name(from)} → {WorkflowMachine.Name(to)}** ({trigger})";

        if (to == WorkflowState.Accepted)
        {
            if (settings.MergeOnAccept && updated.PrUrl is { } pr)
                effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.MergePullRequest, issue, now, prUrl: pr));
            effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.StatusLabel, issue, now, labels: [WorkflowMachine.Label(to)]));
            effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.CloseIssue, issue, now,
                body: Comment(updated, $"{headline}: verified", reason, detail)));
            return effects;
        }

        if (trigger == WorkflowMachine.Name(WorkflowTrigger.TestsFailed) || trigger == WorkflowMachine.Name(WorkflowTrigger.ValidationFailed)
            || (to == WorkflowState.Failed && from is WorkflowState.Qa or WorkflowState.Validate && detail is not null))
        {
            var what = from == WorkflowState.Qa ? "Tests failed" : "Deployed service failed its smoke checks";
            effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.CreateIssue, issue, now,
                title: DisplayText.Clip($"{what}: #{issue.Number} {updated.Title}", 200),
                body: $"{what} for #{issue.Number} (workflow `{updated.Id}`{(updated.PrUrl is null ? "" : $", {updated.PrUrl}")}, branch `{updated.Branch}`).\n\n{reason}\n\n{detail}",
                labels: ["bug"]));
        }
        effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.StatusLabel, issue, now, labels: [WorkflowMachine.Label(to)]));
        var body = from == WorkflowState.Planning && to == WorkflowState.Review && updated.Plan is { } plan
            ? Comment(updated, $"{headline}: the plan", reason, plan)
            : Comment(updated, headline, reason, detail);
        effects.Add(Effect(newEffectId(), updated, WorkflowEffectKind.Comment, issue, now, body: body));
        return effects;
    }

    private static string Comment(Workflow workflow, string headline, string reason, string? detail)
    {
        var sb = new StringBuilder();
        sb.Append(headline).Append(" — ").Append(reason).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(detail)) sb.Append(detail.Trim()).Append("\n\n");
        sb.Append("<sub>Baton workflow `").Append(workflow.Id).Append("`, step ").Append(workflow.Step)
          .Append(", returns to planning ").Append(workflow.Bounces).Append('/').Append(workflow.MaxBounces).Append("</sub>");
        return DisplayText.Clip(sb.ToString(), 60_000);
    }

    private static WorkflowEffect Effect(string id, Workflow workflow, WorkflowEffectKind kind, (string Repo, int Number) issue, DateTimeOffset now,
        string? title = null, string? body = null, IReadOnlyList<string>? labels = null, string? prUrl = null) =>
        new(id, workflow.Id, kind, issue.Repo, issue.Number, title, body, labels ?? [], prUrl, now, 0, null, null, null);

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

}
