namespace Baton.Core.Orchestration.Supervision;

/// <summary>
/// A review task's verdict on the task it reviewed. <see cref="None"/>: the review succeeded but its result named no
/// valid verdict (the report's problem says what was wrong).
/// </summary>
public enum ReviewVerdict { None, Approve, RequestChanges, Reject }

/// <summary>
/// A supervisory report (docs/architecture.md §14 Supervision): what a succeeded review task (its payload's
/// <c>reviews</c> names the reviewed task) answered, stored with the task it reviewed.
/// </summary>
/// <param name="AgentId">The agent that ran the review.</param>
/// <param name="Problem">Why the result was not read as it stands (no verdict, concerns not strings…); null when it was.</param>
public sealed record TaskReview(
    string ReviewedTaskId,
    string ReviewTaskId,
    string? AgentId,
    ReviewVerdict Verdict,
    IReadOnlyList<string> Concerns,
    string? Summary,
    string? Problem,
    DateTimeOffset At);

/// <summary>A review result as read: the verdict, the concerns, the summary, and what was wrong with it (null: nothing).</summary>
public sealed record ReviewReport(ReviewVerdict Verdict, IReadOnlyList<string> Concerns, string? Summary, string? Problem);
