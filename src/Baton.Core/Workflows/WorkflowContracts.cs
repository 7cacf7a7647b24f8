using Baton.Core.Common;

namespace Baton.Core.Workflows;

// Requests and answers of workflows and sprints (docs/architecture.md §17). Request fields are nullable: the services
// validate them and name every bad field, the same way in both modes.

/// <summary>
/// Starts a workflow: from a GitHub issue (<c>org/repo#42</c>; its title and body are read with <c>gh</c>), or from a
/// title and body (no issue: no comments, labels or bug issues).
/// </summary>
/// <param name="Venture">Required unless the issue's repo belongs to exactly one venture.</param>
/// <param name="HumanGates">review, qa, validate: where a passing step waits for a human; null: the venture's settings.</param>
public sealed record StartWorkflowRequest(
    string? Issue = null,
    string? Venture = null,
    string? Title = null,
    string? Body = null,
    string? Repo = null,
    int? MaxBounces = null,
    IReadOnlyList<string?>? HumanGates = null);

/// <summary>A human's decision at a gate; the reason is recorded and, for a reject, is what the next plan must answer.</summary>
public sealed record GateDecisionRequest(string? Reason = null);

public sealed record WorkflowListRequest(string? Venture = null, WorkflowState? State = null, string? Sprint = null, int? Limit = null, string? Cursor = null);

/// <summary>A workflow with its history, its GitHub effects and the current step's task (state and agent).</summary>
public sealed record WorkflowInfo(Workflow Workflow, IReadOnlyList<WorkflowEvent> Events, IReadOnlyList<WorkflowEffect> Effects, WorkflowStepInfo? Step);

/// <summary>The task carrying out the current state, as the orchestrator has it now.</summary>
public sealed record WorkflowStepInfo(string TaskId, string Capability, string TaskState, string? Agent, int Attempt, int MaxAttempts);

public interface IWorkflowService
{
    Task<WorkflowInfo> StartWorkflowAsync(StartWorkflowRequest request, CancellationToken ct);
    Task<WorkflowInfo> GetWorkflowAsync(string id, CancellationToken ct);
    Task<Page<Workflow>> ListWorkflowsAsync(WorkflowListRequest request, CancellationToken ct);
    /// <summary>At a gate (REVIEW, QA, VALIDATE): moves forward whatever the step said (its task, if open, is cancelled).</summary>
    Task<WorkflowInfo> AdvanceWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct);
    /// <summary>At a gate: back to PLANNING with the reason (counted against max_bounces; one too many is FAILED).</summary>
    Task<WorkflowInfo> RejectWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct);
}

/// <summary>Issues for a sprint: numbers, or a label (every open issue with it). The repo defaults to the venture's primary repo.</summary>
public sealed record PlanSprintRequest(string? Venture, IReadOnlyList<int>? Issues = null, string? Label = null, string? Repo = null);

/// <summary>Plans and starts a sprint at once (a cycle refuses it, naming the cycle).</summary>
public sealed record StartSprintRequest(string? Venture, IReadOnlyList<int>? Issues = null, string? Label = null, string? Repo = null, SprintMode? Mode = null);

public sealed record SprintListRequest(string? Venture = null, int? Limit = null, string? Cursor = null);

/// <summary>
/// A sprint with its report: how many merged, failed and were retried, the time from start to the last item's end
/// (or now), and what its tasks spent (exact micro-dollars summed, as spend sums them).
/// </summary>
public sealed record SprintInfo(Sprint Sprint, SprintReport Report);

public sealed record SprintReport(int Items, int Merged, int Failed, int Retried, int Running, int Pending, long ElapsedSeconds, double SpendUsd, int TasksCounted);

public interface ISprintService
{
    /// <summary>Reads the issues with gh and builds the waves; nothing is stored.</summary>
    Task<SprintPlan> PlanSprintAsync(PlanSprintRequest request, CancellationToken ct);
    Task<SprintInfo> StartSprintAsync(StartSprintRequest request, CancellationToken ct);
    Task<SprintInfo> GetSprintAsync(string id, CancellationToken ct);
    Task<Page<Sprint>> ListSprintsAsync(SprintListRequest request, CancellationToken ct);
}
