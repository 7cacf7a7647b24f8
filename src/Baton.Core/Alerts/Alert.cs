namespace Baton.Core.Alerts;

/// <summary>How bad an alert is. Declared most severe first, so ordering by the value orders the briefing.</summary>
public enum AlertSeverity { Critical, High, Medium, Low }

public enum AlertStatus { Open, Resolved }

/// <summary>
/// A CI (or other) alert for one (repo, workflow, branch) of a venture (issue 7). It opens on the first failure, counts
/// every further failure as an occurrence, and resolves itself on the next success of the same (repo, workflow, branch)
/// — or by hand, with a reason. <see cref="ResolvedBy"/> names the event or key that resolved it.
/// </summary>
/// <param name="Repo">As <c>org/repo</c>.</param>
/// <param name="Workflow">The workflow (or check app, or other source's) name; part of the alert's identity.</param>
/// <param name="Source">Where it came from: <c>workflow_run</c>, <c>check_suite</c>, or what an admin's tool names.</param>
/// <param name="OnDefaultBranch">True when <see cref="Branch"/> was the repo's default branch when the alert was written; only these reach the briefing unless asked.</param>
/// <param name="LastRun">The newest CI run that opened or added to the alert (null for alerts raised through the API): a success older than it does not resolve the alert.</param>
public sealed record Alert(
    string Id,
    string Venture,
    string Repo,
    string Workflow,
    string Branch,
    string Source,
    AlertSeverity Severity,
    AlertStatus Status,
    bool OnDefaultBranch,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Occurrences,
    string? Url,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? ResolutionReason,
    RunOrder? LastRun = null);

/// <summary>
/// Where a CI run stands in its workflow's history, so deliveries arriving out of order cannot undo newer news. For a
/// <c>workflow_run</c>: <c>created_at</c> and <c>run_number</c>; for a <c>check_suite</c>: <c>created_at</c> and the
/// suite <c>id</c>. Either part may be missing from a payload; <see cref="AlertRules.CompareRuns"/> says what then.
/// </summary>
/// <param name="Number">The run number (or suite id): increasing within one workflow (or app) of one repo.</param>
public sealed record RunOrder(DateTimeOffset? CreatedAt, long? Number);

/// <summary>
/// A recurring duty. <see cref="Scope"/> is a venture code or <c>global</c> (global duties show only in the platform
/// venture's briefing). Due <see cref="IntervalDays"/> after it was last done; one never done is due from creation.
/// </summary>
public sealed record CadenceItem(
    string Id,
    string Scope,
    string Title,
    string? Description,
    int IntervalDays,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastDoneAt,
    string? LastDoneBy);

/// <summary>A verified webhook delivery, kept so a repeated delivery id is recognised and the briefing can say when the last one came.</summary>
/// <param name="Venture">The venture owning <see cref="Repo"/>; null for a repo no venture owns (counted, reported).</param>
public sealed record WebhookDelivery(
    string DeliveryId,
    string Event,
    string? Repo,
    string? Venture,
    string? DefaultBranch,
    DateTimeOffset ReceivedAt);
