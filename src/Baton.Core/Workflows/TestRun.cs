namespace Baton.Core.Workflows;

/// <summary>
/// What a test run's reports say (QA, docs/architecture.md §17), read from JUnit XML, TRX and Playwright's JSON
/// reporter by <c>TestReports.Read</c>: the counts and every failure with its suite, test and message.
/// </summary>
/// <param name="Reports">The report files read (relative paths).</param>
/// <param name="Problems">Reports that could not be read, each with why (a run with only unreadable reports is not a pass).</param>
public sealed record TestRun(int Passed, int Failed, int Skipped, IReadOnlyList<TestFailure> Failures, IReadOnlyList<string> Reports, IReadOnlyList<string> Problems)
{
    public static TestRun Empty { get; } = new(0, 0, 0, [], [], []);
}

/// <summary>One failed test: its suite (class, file or describe block), its name, and the failure's message (first lines).</summary>
public sealed record TestFailure(string Suite, string Test, string Message);

/// <summary>
/// A review-plan task's verdict (REVIEW): <c>{"approved": bool, "concerns": [string], "suggestions": [string]}</c>, read
/// by <c>PlanVerdicts.Read</c>. An answer that does not parse is a failed attempt, never an approval.
/// </summary>
public sealed record PlanVerdict(bool Approved, IReadOnlyList<string> Concerns, IReadOnlyList<string> Suggestions);
