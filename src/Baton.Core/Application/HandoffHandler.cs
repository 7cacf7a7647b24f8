using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Core.Application;

/// <summary>The handoff fields as a front end received them: the status still as text, parsed here once for all.</summary>
public sealed record HandoffArguments(
    string? Summary,
    string? Status,
    IReadOnlyList<string>? Accomplished = null,
    IReadOnlyList<string>? InProgress = null,
    IReadOnlyList<string>? Blocked = null,
    IReadOnlyList<string>? NextSteps = null,
    IReadOnlyList<string>? SuccessCriteria = null,
    string? ToAgent = null,
    int? IssueNumber = null);

/// <summary>Where a handoff written without ending its session belongs.</summary>
public sealed record HandoffTarget(string Venture, string Repo, string Track, string FromAgent, string? SessionId, string? ToVenture);

/// <summary>
/// End of day and handoffs, for every front end: <c>baton eod</c> / <c>baton handoff</c> and the MCP <c>handoff</c>
/// tool build their requests here, so the status is parsed and the fields are checked one way.
/// </summary>
public static class HandoffHandler
{
    /// <summary>Ends the session with this handoff. Repeating it unchanged changes nothing; other content is refused (the session service's rule).</summary>
    public static Task<EodResponse> EodAsync(string sessionId, HandoffArguments h, ArgumentNames names, ISessionService sessions, CancellationToken ct)
    {
        var status = Validate(h, names);
        return sessions.EodAsync(new EodRequest(sessionId, h.Summary, status, h.Accomplished, h.InProgress, h.Blocked, h.NextSteps,
            h.SuccessCriteria, h.ToAgent, h.IssueNumber), ct);
    }

    /// <summary>Writes a handoff and leaves the session open; with <see cref="HandoffTarget.ToVenture"/> it is addressed to that venture.</summary>
    public static Task<HandoffReceipt> CreateAsync(HandoffTarget target, HandoffArguments h, ArgumentNames names, IHandoffService handoffs, CancellationToken ct)
    {
        var status = Validate(h, names);
        return handoffs.CreateHandoffAsync(new CreateHandoffRequest(
            target.Venture, target.Repo, target.FromAgent, h.Summary, status, target.Track, target.SessionId,
            string.IsNullOrWhiteSpace(target.ToVenture) ? null : target.ToVenture.Trim(),
            h.Accomplished, h.InProgress, h.Blocked, h.NextSteps, h.SuccessCriteria, h.ToAgent, h.IssueNumber), ct);
    }

    /// <summary>Checks the fields (summary given, status allowed, issue positive) and returns the parsed status; the handlers call it too.</summary>
    public static HandoffStatus Validate(HandoffArguments h, ArgumentNames names)
    {
        if (string.IsNullOrWhiteSpace(h.Summary))
            throw new ArgumentProblem(ArgumentProblemKind.InvalidArgument, $"{names.Summary} is required: one or two sentences on where things stand.");
        var status = Arguments.Status(h.Status, names);
        Arguments.IssueNumber(h.IssueNumber, names.Issue);
        return status;
    }
}
