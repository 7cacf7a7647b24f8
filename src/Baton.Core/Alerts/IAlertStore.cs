using Baton.Core.Common;


namespace Baton.Core.Alerts;

/// <summary>
/// The operations side of the storage port (issue 7): alerts that open and resolve themselves, webhook deliveries,
/// recurring duties (cadence), and the schema self-check. Every store implements it as part of <c>IBatonStore</c>
/// and passes <c>AlertStoreContractTests</c>. Time is passed in, never read here.
/// </summary>
public interface IAlertStore
{
    // ---- alerts ----
    /// <summary>
    /// Applies one signal atomically: reads the open alert of the same (venture, repo, source, workflow, branch) and
    /// persists what <see cref="AlertRules.Decide"/> makes of it. A failure adds an occurrence to it — last_seen, url,
    /// the worse severity and the newer run move — or opens a new one with <see cref="AlertSignal.NewId"/>. A success
    /// resolves it (resolved_by = <see cref="AlertSignal.EventRef"/>) unless its run is older than the alert's last
    /// run (<see cref="AlertChangeKind.Kept"/>), and does nothing when none is open.
    /// </summary>
    Task<AlertChange> ApplyAlertSignalAsync(AlertSignal signal, CancellationToken ct);

    Task<Alert?> FindAlertOrNullAsync(string id, CancellationToken ct);

    /// <summary>Resolves an alert by hand; an alert already resolved is returned unchanged. Null when no such alert.</summary>
    Task<Alert?> ResolveAlertAsync(string id, DateTimeOffset now, string resolvedBy, string reason, CancellationToken ct);

    /// <summary>Exact total for the filter; <see cref="AlertQuery.Order"/> picks newest-first or briefing order.</summary>
    Task<Page<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct);

    // ---- webhooks ----
    /// <summary>
    /// Records a verified delivery and applies its signal (if any) in one transaction. A delivery id already recorded
    /// changes nothing and answers <see cref="WebhookOutcome.Duplicate"/>. Remembers the repo's default branch when the
    /// delivery carries one.
    /// </summary>
    Task<WebhookOutcome> RecordWebhookDeliveryAsync(WebhookDelivery delivery, AlertSignal? signal, CancellationToken ct);

    /// <summary>The default branch the last delivery for <paramref name="repo"/> (<c>org/repo</c>, any case) named; null when none has.</summary>
    Task<string?> FindRepoDefaultBranchOrNullAsync(string repo, CancellationToken ct);

    /// <summary>Delivery figures for a venture (null: every venture), plus the deliveries for repos no venture owns.</summary>
    Task<WebhookStats> GetWebhookStatsAsync(string? venture, CancellationToken ct);

    /// <summary>Stores the GitHub webhook secret (replacing any). It cannot be hashed: HMAC verification needs the secret itself.</summary>
    Task SetWebhookSecretAsync(string secret, DateTimeOffset now, CancellationToken ct);

    Task<string?> FindWebhookSecretOrNullAsync(CancellationToken ct);

    // ---- cadence ----
    /// <summary>Stores the duty and returns it as stored. Under an Idempotency-Key whose earlier attempt already stored it, returns that one (docs/architecture.md §7).</summary>
    Task<CadenceItem> InsertCadenceItemAsync(CadenceItem item, CancellationToken ct);
    Task<CadenceItem?> FindCadenceItemOrNullAsync(string id, CancellationToken ct);
    /// <summary>Sets last_done_at and last_done_by; null when no such item.</summary>
    Task<CadenceItem?> MarkCadenceDoneAsync(string id, DateTimeOffset now, string doneBy, CancellationToken ct);
    /// <summary>Items of the given scopes (null: all), ordered by id (creation order).</summary>
    Task<IReadOnlyList<CadenceItem>> ListCadenceItemsAsync(IReadOnlyList<string>? scopes, CancellationToken ct);

    // ---- self-check ----
    /// <summary>
    /// Hashes the live database schema now (not at build time) and compares it with the schema this build's migrations
    /// produce, so a schema changed behind the server's back is seen.
    /// </summary>
    Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct);
}

public enum AlertSignalKind { Failure, Success }

/// <summary>
/// One CI outcome for (venture, repo, source, workflow, branch). <see cref="NewId"/> is used only when a failure opens
/// a new alert; <see cref="EventRef"/> says which event this was (it becomes <c>resolved_by</c> on a success);
/// <see cref="Run"/> places the run in its workflow's history (null when unknown, e.g. an alert raised through the API).
/// </summary>
public sealed record AlertSignal(
    AlertSignalKind Kind,
    string Venture,
    string Repo,
    string Workflow,
    string Branch,
    string Source,
    AlertSeverity Severity,
    bool OnDefaultBranch,
    string? Url,
    DateTimeOffset At,
    string EventRef,
    string NewId,
    RunOrder? Run = null);

/// <summary>What a signal did. <see cref="Kept"/>: a success older than the alert's last run left it open.</summary>
public enum AlertChangeKind { None, Opened, Occurrence, Resolved, Kept }

/// <summary>What a signal did; <see cref="Alert"/> is null only for <see cref="AlertChangeKind.None"/>.</summary>
public sealed record AlertChange(AlertChangeKind Kind, Alert? Alert);

public enum AlertOrder
{
    /// <summary>Newest first (by id): the API list.</summary>
    Newest,
    /// <summary>Most severe first, then oldest first_seen: the briefing.</summary>
    SeverityThenOldest,
}

/// <summary>
/// An alert list. <see cref="DefaultBranchOnly"/> keeps alerts on their repo's default branch; <see cref="LastSeenBefore"/>
/// keeps those with no occurrence since then. Cursors are opaque: pass <c>next_cursor</c> back unchanged.
/// </summary>
public sealed record AlertQuery(
    string? Venture,
    AlertStatus? Status,
    string? Branch,
    bool DefaultBranchOnly,
    PageRequest Page,
    AlertOrder Order = AlertOrder.Newest,
    DateTimeOffset? LastSeenBefore = null);

/// <summary>What a delivery did: <see cref="Duplicate"/> when its id was seen before (nothing changed).</summary>
public sealed record WebhookOutcome(bool Duplicate, AlertChange Change);

/// <summary>
/// Delivery figures. <see cref="Deliveries"/> and <see cref="LastDeliveryAt"/> are for the venture asked about (all when
/// none); <see cref="UnownedDeliveries"/> counts deliveries for repos no venture owns (a delivery naming no repo, such as
/// an organization hook's ping, is not one), <see cref="UnownedRepos"/> names a few.
/// </summary>
public sealed record WebhookStats(long Deliveries, DateTimeOffset? LastDeliveryAt, long UnownedDeliveries, IReadOnlyList<string> UnownedRepos);

/// <summary>The live schema's hash, the hash this build expects, and whether they agree.</summary>
public sealed record SchemaCheck(string LiveHash, string ExpectedHash)
{
    public bool Matches => string.Equals(LiveHash, ExpectedHash, StringComparison.Ordinal);
}
