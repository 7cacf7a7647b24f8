using Baton.Core.Common;


namespace Baton.Core.Alerts;

// Requests and answers of the operations side (issue 7): alerts, cadence and the webhook secret.

/// <summary>
/// An alert list. <see cref="Status"/> defaults to open. Without <see cref="Branch"/>, only default-branch alerts are
/// listed unless <see cref="AllBranches"/> is true.
/// </summary>
public sealed record AlertListRequest(
    string? Venture = null,
    AlertStatus? Status = null,
    string? Branch = null,
    bool? AllBranches = null,
    int? Limit = null,
    string? Cursor = null);

/// <summary>
/// An alert page, plus the counts a reader needs so the page is never taken for the whole: open alerts on other
/// branches (kept, not shown by default) and deliveries for repos no venture owns.
/// </summary>
public sealed record AlertListResponse(
    IReadOnlyList<Alert> Items,
    long Total,
    string? NextCursor,
    long OpenOnOtherBranches,
    long UnownedDeliveries,
    IReadOnlyList<string> UnownedRepos);

/// <summary>An alert from another source (admin). Repeating it for the same open (repo, workflow, branch, source) adds an occurrence.</summary>
public sealed record CreateAlertRequest(
    string? Venture,
    string? Repo,
    string? Workflow,
    string? Branch,
    string? Source,
    AlertSeverity? Severity = null,
    string? Url = null);

public sealed record ResolveAlertRequest(string? Reason);

public sealed record CreateCadenceRequest(string? Scope, string? Title, int? IntervalDays, string? Description = null);

/// <summary>A duty with where it stands now.</summary>
public sealed record CadenceView(CadenceItem Item, DateTimeOffset DueAt, CadenceStatus Status)
{
    public static CadenceView From(CadenceState s) => new(s.Item, s.DueAt, s.Status);
}

public sealed record SetWebhookSecretRequest(string? Secret);

/// <summary>The answer to setting the secret: never the secret itself.</summary>
public sealed record WebhookSecretSet(DateTimeOffset SetAt, string Message);

public interface IAlertService
{
    Task<AlertListResponse> ListAlertsAsync(AlertListRequest request, CancellationToken ct);
    Task<Alert> CreateAlertAsync(CreateAlertRequest request, CancellationToken ct);
    Task<Alert> ResolveAlertAsync(string id, ResolveAlertRequest request, CancellationToken ct);
    /// <summary>Stores the GitHub webhook secret (admin). It is never shown again.</summary>
    Task<WebhookSecretSet> SetWebhookSecretAsync(SetWebhookSecretRequest request, CancellationToken ct);
}

public interface ICadenceService
{
    /// <summary>Duties of the venture, plus global ones when it is the platform venture (all duties when null).</summary>
    Task<ListResult<CadenceView>> ListCadenceAsync(string? venture, CancellationToken ct);
    Task<CadenceView> CreateCadenceAsync(CreateCadenceRequest request, CancellationToken ct);
    Task<CadenceView> MarkCadenceDoneAsync(string id, CancellationToken ct);
}
