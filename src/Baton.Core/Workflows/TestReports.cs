namespace Baton.Core.Workflows;

/// <summary>
/// Reads test reports (QA, docs/architecture.md §17) in their real formats: JUnit XML (<c>&lt;testsuites&gt;</c> /
/// <c>&lt;testsuite&gt;</c>), Visual Studio TRX, and Playwright's JSON reporter. Pure: the worker reads the files and
/// passes their text.
/// </summary>
public static class TestReports
{
    /// <summary>The run one report describes; the format is judged from the content (the name only for messages). A report that cannot be read is a <see cref="TestRun"/> with one problem.</summary>
    public static TestRun Read(string relativePath, string content) => throw new NotImplementedException("helper: parsers");

    /// <summary>Several reports' runs as one: counts summed, failures, reports and problems concatenated.</summary>
    public static TestRun Merge(IReadOnlyList<TestRun> runs) => throw new NotImplementedException("helper: parsers");
}

/// <summary>Reads a review-plan task's answer (REVIEW).</summary>
public static class PlanVerdicts
{
    /// <summary>
    /// The verdict in a task's result JSON: <c>{approved, concerns, suggestions}</c> at the top, or a JSON object of that
    /// shape inside its <c>final_message</c> (a fenced block, or the first '{' to the last '}'); null with the problem
    /// named when there is none (then the attempt is failed, never an approval).
    /// </summary>
    public static (PlanVerdict? Verdict, string? Problem) Read(string? resultJsonOrText) => throw new NotImplementedException("helper: parsers");
}
