using System.Text.Json.Serialization;

namespace Baton.Core.Workflows;

/// <summary>How a sprint carries out its issues: each as a project workflow, or as one plain <c>code</c> task ending in a PR.</summary>
public enum SprintMode { Workflow, Task }

/// <summary>Where a sprint is: running its waves, or done (every item merged or failed).</summary>
public enum SprintState { Running, Done }

/// <summary>Where one issue of a sprint is.</summary>
public enum SprintItemState
{
    /// <summary>Its wave has not started.</summary>
    Pending,
    /// <summary>A workflow or task is carrying it out.</summary>
    Running,
    /// <summary>Its PR is merged.</summary>
    Merged,
    /// <summary>Its last try failed (it had its one retry) — or its PR was closed unmerged.</summary>
    Failed,
}

/// <summary>
/// A sprint (<c>spr_…</c>, docs/architecture.md §17): a venture's issues in waves built from "depends on #N" / "blocked
/// by #N"; a wave starts when every item of the one before is merged or failed (the sync gate).
/// </summary>
/// <param name="Repo">org/name the issues are in.</param>
/// <param name="CurrentWave">0-based index of the wave running (= the number of waves when done).</param>
/// <param name="Version">Grows with every change (optimistic concurrency, as <see cref="Workflow.Version"/>).</param>
public sealed record Sprint(
    string Id,
    string Venture,
    string Repo,
    SprintMode Mode,
    SprintState State,
    IReadOnlyList<SprintItem> Items,
    int CurrentWave,
    int WaveCount,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    long Version);

/// <summary>
/// One issue of a sprint.
/// </summary>
/// <param name="DependsOn">Issue numbers of this sprint it waits for (outside ones are left out of the plan and named in it).</param>
/// <param name="Runs">The workflow (<c>wf_…</c>) or task (<c>task_…</c>) of each try, oldest first: at most two (one retry).</param>
/// <param name="PrUrl">The PR of the last try, once known.</param>
/// <param name="Reason">Why it failed (or was retried).</param>
public sealed record SprintItem(
    int Issue,
    string Title,
    int Wave,
    IReadOnlyList<int> DependsOn,
    SprintItemState State,
    IReadOnlyList<string> Runs,
    string? PrUrl,
    string? Reason)
{
    [JsonIgnore]
    public bool IsDone => State is SprintItemState.Merged or SprintItemState.Failed;
}

/// <summary>An issue as a sprint plan reads it: number, title, and the numbers its body says it depends on.</summary>
public sealed record PlannedIssue(int Number, string Title, IReadOnlyList<int> DependsOn);

/// <summary>
/// A sprint's plan: the waves (issue numbers, each wave depending only on earlier ones), and the dependencies that point
/// outside the sprint (left out: the plan does not wait for them).
/// </summary>
public sealed record SprintPlan(string Venture, string Repo, IReadOnlyList<IReadOnlyList<PlannedIssue>> Waves, IReadOnlyList<string> Outside);
