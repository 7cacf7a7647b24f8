namespace Baton.Core.Workflows;

/// <summary>
/// A venture's workflow settings (<c>ventures.json</c> → <c>workflow</c>, docs/architecture.md §3 and §17): the commands
/// QA and DEPLOY run, the URLs VALIDATE checks, and who does each step. Every field is optional; <see cref="Default"/>
/// is what a venture without the block gets.
/// </summary>
/// <param name="TestCommand">QA: run by a worker with <c>sh -c</c> in a worktree of the PR's branch; null: QA has nothing to run and fails the step with that reason.</param>
/// <param name="TestReports">Globs (relative to the worktree) of the reports the test command writes: JUnit XML, TRX, Playwright's JSON reporter.</param>
/// <param name="DeployCommand">DEPLOY: run by a worker on the PR's branch; null: a <see cref="DeployCapability"/> task (an agent deploys) instead.</param>
/// <param name="BaseUrl">VALIDATE: <c>/healthz</c> and <c>/readyz</c> under it are checked (critical), with <see cref="Endpoints"/>.</param>
/// <param name="Endpoints">More URLs to check: absolute, or a path under <see cref="BaseUrl"/>.</param>
/// <param name="MaxBounces">Returns to PLANNING allowed (0–10); null: <see cref="WorkflowMachine.DefaultMaxBounces"/>.</param>
/// <param name="HumanGates">Gates (review, qa, validate) where a passing step waits for a human.</param>
/// <param name="QaCapability">The capability of the QA step's task (a worker's agent with it runs the test command: the task's payload carries <c>run</c>).</param>
/// <param name="DeployCapability">The capability of an agent's deploy task, when there is no deploy command.</param>
/// <param name="DeployCommandCapability">The capability of the task that runs the deploy command.</param>
/// <param name="MergeOnAccept">ACCEPTED merges the PR (<c>gh pr merge</c>) before closing the issue.</param>
public sealed record WorkflowSettings(
    string? TestCommand = null,
    IReadOnlyList<string>? TestReports = null,
    string? DeployCommand = null,
    string? BaseUrl = null,
    IReadOnlyList<SmokeEndpoint>? Endpoints = null,
    int? MaxBounces = null,
    IReadOnlyList<WorkflowState>? HumanGates = null,
    bool MergeOnAccept = true,
    string PlanCapability = "plan",
    string ReviewCapability = "review-plan",
    string CodeCapability = "code",
    string QaCapability = "qa",
    string DeployCapability = "deploy-service",
    string DeployCommandCapability = "deploy")
{
    public static WorkflowSettings Default { get; } = new();

    /// <summary>Report globs a test command writes by default: JUnit XML, TRX and Playwright JSON anywhere under the tree.</summary>
    public static IReadOnlyList<string> DefaultTestReports { get; } = ["**/*.trx", "**/TEST-*.xml", "**/junit*.xml", "**/test-results/*.json", "**/playwright-report*.json"];
}

/// <summary>One URL VALIDATE checks: an absolute http(s) URL (or a path under the base URL), and whether its failure fails the deploy.</summary>
public sealed record SmokeEndpoint(string Url, bool Critical = true);

/// <summary>What one smoke check found: the status (null: no answer), the time it took, and why it failed (null: it passed).</summary>
public sealed record SmokeResult(string Url, bool Critical, int? Status, long ElapsedMs, string? Error)
{
    public bool Passed => Error is null;
}
