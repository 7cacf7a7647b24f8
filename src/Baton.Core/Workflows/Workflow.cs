using System.Text.Json.Serialization;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>
/// A project workflow (<c>wf_…</c>, docs/architecture.md §17): one piece of work driven from plan to validated deploy,
/// each state carried out by a task through the orchestrator. Every field is a column: a restart (or kill -9) of the
/// server resumes it where it stood.
/// </summary>
/// <param name="Issue">The GitHub issue it works on, <c>org/repo#42</c>; null for a workflow started from the API without one (no comments, labels or bug issues then).</param>
/// <param name="Body">The issue's body (or the request's description): what the plan task plans.</param>
/// <param name="Bounces">How many times it went back to PLANNING.</param>
/// <param name="MaxBounces">How many returns to PLANNING it may take; one more is FAILED.</param>
/// <param name="HumanGates">Gates (REVIEW, QA, VALIDATE) where a passing step waits for a human's <c>advance</c>.</param>
/// <param name="Branch">The branch its code task works on and its PR comes from: <c>baton/wf-&lt;ulid&gt;</c>.</param>
/// <param name="Plan">The latest plan (markdown), from the PLANNING step.</param>
/// <param name="Step">The step counter: grows by one for each step task minted; the step task of the current state carries it.</param>
/// <param name="StepTaskId">The task carrying out the current state (minted before it is created, so a restart creates it at most once), or null while none is due.</param>
/// <param name="WaitingForHuman">Why the workflow waits for <c>advance</c>/<c>reject</c> at a human gate; null otherwise.</param>
/// <param name="Reason">Why it last went back to PLANNING or FAILED (what the next plan must answer); null otherwise.</param>
/// <param name="SprintId">The sprint it belongs to, or null.</param>
/// <param name="Version">Grows with every change; an update carries the version it read (optimistic concurrency).</param>
public sealed record Workflow(
    string Id,
    string Venture,
    string? Repo,
    string? Issue,
    string Title,
    string? Body,
    WorkflowState State,
    int Bounces,
    int MaxBounces,
    IReadOnlyList<WorkflowState> HumanGates,
    string Branch,
    string? Plan,
    string? PrUrl,
    int Step,
    string? StepTaskId,
    string? WaitingForHuman,
    string? Reason,
    string? SprintId,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    long Version)
{
    /// <summary>ACCEPTED or FAILED: nothing more happens to it.</summary>
    [JsonIgnore]
    public bool IsFinished => State is WorkflowState.Accepted or WorkflowState.Failed;
}

/// <summary>
/// One transition (or note) of a workflow: from → to, the trigger, who and why, the step's task and its report
/// (plan, verdict, test failures, smoke report) as markdown.
/// </summary>
/// <param name="Seq">1, 2, … per workflow.</param>
/// <param name="From">Null for the creation.</param>
/// <param name="Trigger">A <see cref="WorkflowMachine.Name(WorkflowTrigger)"/>, or <c>created</c>, <c>step</c> (a step task was created), <c>waiting</c> (a human gate), <c>note</c>.</param>
/// <param name="Actor">The engine (<c>workflow</c>), an actor key id or <c>local</c> for a human's advance/reject.</param>
public sealed record WorkflowEvent(
    string WorkflowId,
    int Seq,
    DateTimeOffset At,
    WorkflowState? From,
    WorkflowState To,
    string Trigger,
    string Actor,
    string Reason,
    string? TaskId,
    string? Detail);

/// <summary>What a GitHub effect does (<see cref="WorkflowEffect.Kind"/>).</summary>
public enum WorkflowEffectKind { Comment, StatusLabel, CreateIssue, CloseIssue, MergePullRequest }

/// <summary>
/// A change on GitHub a transition asks for, written in the transition's own update (an outbox): the engine carries
/// it out after the commit and marks it done, retrying (with the error kept) until it is. At least once: a crash
/// between <c>gh</c> answering and the mark repeats it.
/// </summary>
/// <param name="Repo">org/name of the issue or PR.</param>
/// <param name="Number">The issue number (comment, label, close).</param>
/// <param name="Title">A created issue's title.</param>
/// <param name="Body">A comment's, a created issue's or a closing comment's markdown.</param>
/// <param name="Labels">StatusLabel: the label to set (the other <c>status:*</c> labels are removed); CreateIssue: its labels.</param>
/// <param name="PrUrl">MergePullRequest: the PR.</param>
/// <param name="ResultUrl">What <c>gh</c> answered (a created issue's URL), once done.</param>
public sealed record WorkflowEffect(
    string Id,
    string WorkflowId,
    WorkflowEffectKind Kind,
    string Repo,
    int? Number,
    string? Title,
    string? Body,
    IReadOnlyList<string> Labels,
    string? PrUrl,
    DateTimeOffset CreatedAt,
    int Attempts,
    string? LastError,
    DateTimeOffset? DoneAt,
    string? ResultUrl);

/// <summary>Ids of workflow things.</summary>
public static class WorkflowIds
{
    public const string Workflow = "wf";
    public const string Effect = "wfx";
    public const string Sprint = "spr";

    /// <summary>The branch of a workflow: <c>baton/wf-&lt;ulid lowercased&gt;</c> (git refs may not hold every character of an id comfortably).</summary>
    public static string BranchOf(string workflowId) => "baton/" + workflowId.Replace('_', '-').ToLowerInvariant();
}
