using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>
/// The workflow store (part of <c>IBatonStore</c>; docs/architecture.md §17): workflows, their events, their GitHub
/// effects (an outbox) and sprints. Every change of a workflow or sprint carries the <c>Version</c> it read and
/// applies only when the row still has it, so two writers (the engine and a human's advance; two replicas) never both
/// win; the loser re-reads.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Inserts a new workflow (version 1) with its first events and effects, in one transaction.</summary>
    Task InsertWorkflowAsync(Workflow workflow, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct);

    Task<Workflow?> FindWorkflowOrNullAsync(string id, CancellationToken ct);

    /// <summary>Newest first, paged by id.</summary>
    Task<Page<Workflow>> ListWorkflowsAsync(WorkflowQuery query, CancellationToken ct);

    /// <summary>Every workflow not ACCEPTED or FAILED, oldest first (the engine's pass).</summary>
    Task<IReadOnlyList<Workflow>> ListOpenWorkflowsAsync(int limit, CancellationToken ct);

    /// <summary>
    /// Saves <paramref name="updated"/> (its Version must be <paramref name="expectedVersion"/> + 1) with the events and
    /// effects of the change, all or nothing; false when the stored row's version is no longer
    /// <paramref name="expectedVersion"/> (nothing saved).
    /// </summary>
    Task<bool> UpdateWorkflowAsync(Workflow updated, long expectedVersion, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct);

    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<WorkflowEvent>> ListWorkflowEventsAsync(string workflowId, CancellationToken ct);

    /// <summary>The workflow's effects, oldest first.</summary>
    Task<IReadOnlyList<WorkflowEffect>> ListWorkflowEffectsAsync(string workflowId, CancellationToken ct);

    /// <summary>
    /// Effects not done, oldest first, that nobody claimed after <paramref name="now"/>: each returned one is claimed
    /// until <paramref name="claimUntil"/> (so two replicas do not both carry it out) in the same statement.
    /// </summary>
    Task<IReadOnlyList<WorkflowEffect>> ClaimPendingEffectsAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken ct);

    /// <summary>
    /// Releases every claim on an effect not done. Only for a store one engine drives (SQLite: one server per data
    /// directory), at that engine's start: a server killed while holding claims would otherwise hold those effects
    /// until the claims end. Where several replicas share the store their claims are live; they are left to expire.
    /// </summary>
    Task ReleaseEffectClaimsAsync(CancellationToken ct);

    /// <summary>
    /// Marks an effect done (with what gh answered; attempts + 1) or records a failed attempt (attempts + 1, the error
    /// kept, the claim released). Not done and no error only releases the claim (an effect held back for its back-off:
    /// no attempt counted, the last error kept). An effect already done is left as it is.
    /// </summary>
    Task RecordEffectAsync(string effectId, DateTimeOffset now, bool done, string? resultUrl, string? error, CancellationToken ct);

    Task InsertSprintAsync(Sprint sprint, CancellationToken ct);

    Task<Sprint?> FindSprintOrNullAsync(string id, CancellationToken ct);

    /// <summary>Newest first, paged by id.</summary>
    Task<Page<Sprint>> ListSprintsAsync(SprintQuery query, CancellationToken ct);

    /// <summary>Running sprints, oldest first (the engine's pass).</summary>
    Task<IReadOnlyList<Sprint>> ListRunningSprintsAsync(int limit, CancellationToken ct);

    /// <summary>As <see cref="UpdateWorkflowAsync"/>: saves when the stored version is still <paramref name="expectedVersion"/>.</summary>
    Task<bool> UpdateSprintAsync(Sprint updated, long expectedVersion, CancellationToken ct);
}

public sealed record WorkflowQuery(PageRequest Page, string? Venture = null, WorkflowState? State = null, string? SprintId = null);

public sealed record SprintQuery(PageRequest Page, string? Venture = null);
