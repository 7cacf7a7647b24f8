namespace Baton.Core.Workflows;

/// <summary>Builds a sprint's waves from its issues' "depends on #N" / "blocked by #N" (docs/architecture.md §17).</summary>
public static class SprintWaves
{
    /// <summary>The issue numbers a body says it depends on ("depends on #12", "blocked by #3, #4", case-insensitive), distinct, in order of appearance.</summary>
    public static IReadOnlyList<int> DependenciesIn(string? body) => throw new NotImplementedException("helper: parsers");

    /// <summary>
    /// Wave 1: issues with no dependency inside the set; wave n: issues whose dependencies are all in earlier waves.
    /// Dependencies outside the set are left out and named in <see cref="SprintPlan.Outside"/>. A cycle throws
    /// <c>BatonException(ErrorCodes.Validation…)</c> naming it ("#12 → #13 → #12").
    /// </summary>
    public static SprintPlan Plan(string venture, string repo, IReadOnlyList<GitHubIssue> issues) => throw new NotImplementedException("helper: parsers");
}

/// <summary>Markdown reports the workflow posts (VALIDATE's smoke report, QA's failing tests).</summary>
public static class WorkflowReports
{
    /// <summary>A table of every check: URL, critical, status, time (ms), result; a heading line saying passed or which critical ones failed.</summary>
    public static string Smoke(IReadOnlyList<SmokeResult> results) => throw new NotImplementedException("helper: parsers");

    /// <summary>The counts and a table of each failing test (suite, test, message's first line), at most 50 rows (the rest counted).</summary>
    public static string Tests(TestRun run) => throw new NotImplementedException("helper: parsers");
}
