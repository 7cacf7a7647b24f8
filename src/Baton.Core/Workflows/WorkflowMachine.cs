using System.Text;

namespace Baton.Core.Workflows;

/// <summary>
/// Where a project workflow is (docs/architecture.md §17): <c>CREATE → PLANNING → REVIEW → IN_PROGRESS → QA → DEPLOY →
/// VALIDATE → ACCEPTED</c>; REVIEW, QA and VALIDATE can send it back to PLANNING; <c>FAILED</c> waits for a human.
/// </summary>
public enum WorkflowState { Create, Planning, Review, InProgress, Qa, Deploy, Validate, Accepted, Failed }

/// <summary>What moves a workflow from one state to the next (the names events and the diagram carry).</summary>
public enum WorkflowTrigger
{
    /// <summary>CREATE → PLANNING: the workflow was created and its first plan task is due.</summary>
    Start,
    /// <summary>PLANNING → REVIEW: the plan task succeeded; its plan is posted on the issue.</summary>
    Planned,
    /// <summary>REVIEW → IN_PROGRESS: the review answered <c>approved: true</c> (or a human advanced).</summary>
    Approved,
    /// <summary>REVIEW → PLANNING: the review did not approve (or a human rejected): the plan is inadequate.</summary>
    PlanRejected,
    /// <summary>IN_PROGRESS → QA: the code task succeeded with a pull request.</summary>
    Built,
    /// <summary>QA → DEPLOY: the test command passed on the PR's branch.</summary>
    TestsPassed,
    /// <summary>QA → PLANNING: tests failed; a bug issue names the failing tests.</summary>
    TestsFailed,
    /// <summary>DEPLOY → VALIDATE: the deploy succeeded.</summary>
    Deployed,
    /// <summary>VALIDATE → ACCEPTED: every critical smoke check passed; the issue is closed with the report.</summary>
    Validated,
    /// <summary>VALIDATE → PLANNING: a critical endpoint failed; a bug issue carries the report.</summary>
    ValidationFailed,
    /// <summary>Any open state → FAILED: a step's task is dead or cancelled, or the workflow went back to PLANNING more than its cap allows.</summary>
    Fail,
}

/// <summary>One row of the transition table.</summary>
public sealed record WorkflowTransition(WorkflowState From, WorkflowTrigger Trigger, WorkflowState To);

/// <summary>
/// The transition table, in one place: the engine, the human gate commands, the API's diagram and docs/architecture.md's
/// Mermaid block all read it (a test holds the doc to <see cref="Mermaid"/>).
/// </summary>
public static class WorkflowMachine
{
    /// <summary>States from which REVIEW, QA or VALIDATE may send the workflow back: the gates a human may advance or reject.</summary>
    public static IReadOnlyList<WorkflowState> Gates { get; } = [WorkflowState.Review, WorkflowState.Qa, WorkflowState.Validate];

    /// <summary>States a workflow can be in and still move (not ACCEPTED, not FAILED).</summary>
    public static IReadOnlyList<WorkflowState> Open { get; } =
        [WorkflowState.Create, WorkflowState.Planning, WorkflowState.Review, WorkflowState.InProgress, WorkflowState.Qa, WorkflowState.Deploy, WorkflowState.Validate];

    /// <summary>How many times a workflow may go back to PLANNING before it is FAILED (a workflow's own max_bounces overrides).</summary>
    public const int DefaultMaxBounces = 2;

    public static IReadOnlyList<WorkflowTransition> Transitions { get; } = Build();

    private static List<WorkflowTransition> Build()
    {
        var table = new List<WorkflowTransition>
        {
            new(WorkflowState.Create, WorkflowTrigger.Start, WorkflowState.Planning),
            new(WorkflowState.Planning, WorkflowTrigger.Planned, WorkflowState.Review),
            new(WorkflowState.Review, WorkflowTrigger.Approved, WorkflowState.InProgress),
            new(WorkflowState.Review, WorkflowTrigger.PlanRejected, WorkflowState.Planning),
            new(WorkflowState.InProgress, WorkflowTrigger.Built, WorkflowState.Qa),
            new(WorkflowState.Qa, WorkflowTrigger.TestsPassed, WorkflowState.Deploy),
            new(WorkflowState.Qa, WorkflowTrigger.TestsFailed, WorkflowState.Planning),
            new(WorkflowState.Deploy, WorkflowTrigger.Deployed, WorkflowState.Validate),
            new(WorkflowState.Validate, WorkflowTrigger.Validated, WorkflowState.Accepted),
            new(WorkflowState.Validate, WorkflowTrigger.ValidationFailed, WorkflowState.Planning),
        };
        foreach (var open in Open) table.Add(new(open, WorkflowTrigger.Fail, WorkflowState.Failed));
        return table;
    }

    /// <summary>The state <paramref name="trigger"/> leads to from <paramref name="from"/>, or null when the table has no such row.</summary>
    public static WorkflowState? Next(WorkflowState from, WorkflowTrigger trigger)
    {
        foreach (var t in Transitions)
        {
            if (t.From == from && t.Trigger == trigger) return t.To;
        }
        return null;
    }

    /// <summary>True for a trigger that sends the workflow back to PLANNING (counted against its max_bounces).</summary>
    public static bool IsBounce(WorkflowState from, WorkflowTrigger trigger) =>
        from != WorkflowState.Create && Next(from, trigger) == WorkflowState.Planning;

    /// <summary>The forward trigger of a gate (what <c>advance</c> fires), or null for a state that is not a gate.</summary>
    public static WorkflowTrigger? AdvanceOf(WorkflowState gate) => gate switch
    {
        WorkflowState.Review => WorkflowTrigger.Approved,
        WorkflowState.Qa => WorkflowTrigger.TestsPassed,
        WorkflowState.Validate => WorkflowTrigger.Validated,
        _ => null,
    };

    /// <summary>The backward trigger of a gate (what <c>reject</c> fires), or null for a state that is not a gate.</summary>
    public static WorkflowTrigger? RejectOf(WorkflowState gate) => gate switch
    {
        WorkflowState.Review => WorkflowTrigger.PlanRejected,
        WorkflowState.Qa => WorkflowTrigger.TestsFailed,
        WorkflowState.Validate => WorkflowTrigger.ValidationFailed,
        _ => null,
    };

    /// <summary>A state as the wire, the labels and the diagram write it: <c>IN_PROGRESS</c>.</summary>
    public static string Name(WorkflowState state) => state switch
    {
        WorkflowState.InProgress => "IN_PROGRESS",
        _ => state.ToString().ToUpperInvariant(),
    };

    /// <summary>The issue label of a state: <c>status:in-progress</c>.</summary>
    public static string Label(WorkflowState state) => "status:" + Name(state).ToLowerInvariant().Replace('_', '-');

    /// <summary>A trigger as events and the diagram write it: <c>plan_rejected</c>.</summary>
    public static string Name(WorkflowTrigger trigger)
    {
        var text = trigger.ToString();
        var sb = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(text[i]));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The table as a Mermaid <c>stateDiagram-v2</c> (docs/architecture.md §17 and the dashboard draw it). The FAILED
    /// rows of every open state are drawn as one note rather than seven arrows.
    /// </summary>
    public static string Mermaid()
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        sb.Append("    [*] --> CREATE\n");
        foreach (var t in Transitions)
        {
            if (t.Trigger == WorkflowTrigger.Fail) continue;
            sb.Append("    ").Append(Name(t.From)).Append(" --> ").Append(Name(t.To)).Append(" : ").Append(Name(t.Trigger)).Append('\n');
        }
        sb.Append("    ACCEPTED --> [*]\n");
        sb.Append("    FAILED --> [*]\n");
        sb.Append("    note right of FAILED\n");
        sb.Append("        fail: from any open state when a step's task is dead or cancelled,\n");
        sb.Append("        or when the workflow would go back to PLANNING more than max_bounces times\n");
        sb.Append("    end note\n");
        return sb.ToString();
    }
}
