using Baton.Core.Domain;
using Baton.Core.Storage;

namespace Baton.Storage.Postgres;

// Issue 7's port (IAlertStore) is not implemented on PostgreSQL yet: these members only keep the build whole until it
// is. The behaviour to implement is pinned by tests/Baton.Storage.Contract/AlertStoreContractTests.cs (subclass it in
// Baton.Storage.Postgres.Tests); the SQLite version is SqliteBatonStore.Alerts.cs with migration 0004_alerts.sql.
public sealed partial class PostgresBatonStore
{
    public Task<AlertChange> ApplyAlertSignalAsync(AlertSignal signal, CancellationToken ct) => throw NotYet();
    public Task<Alert?> FindAlertOrNullAsync(string id, CancellationToken ct) => throw NotYet();
    public Task<Alert?> ResolveAlertAsync(string id, DateTimeOffset now, string resolvedBy, string reason, CancellationToken ct) => throw NotYet();
    public Task<Page<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct) => throw NotYet();
    public Task<WebhookOutcome> RecordWebhookDeliveryAsync(WebhookDelivery delivery, AlertSignal? signal, CancellationToken ct) => throw NotYet();
    public Task<string?> FindRepoDefaultBranchOrNullAsync(string repo, CancellationToken ct) => throw NotYet();
    public Task<WebhookStats> GetWebhookStatsAsync(string? venture, CancellationToken ct) => throw NotYet();
    public Task SetWebhookSecretAsync(string secret, DateTimeOffset now, CancellationToken ct) => throw NotYet();
    public Task<string?> FindWebhookSecretOrNullAsync(CancellationToken ct) => throw NotYet();
    public Task InsertCadenceItemAsync(CadenceItem item, CancellationToken ct) => throw NotYet();
    public Task<CadenceItem?> FindCadenceItemOrNullAsync(string id, CancellationToken ct) => throw NotYet();
    public Task<CadenceItem?> MarkCadenceDoneAsync(string id, DateTimeOffset now, string doneBy, CancellationToken ct) => throw NotYet();
    public Task<IReadOnlyList<CadenceItem>> ListCadenceItemsAsync(IReadOnlyList<string>? scopes, CancellationToken ct) => throw NotYet();
    public Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct) => throw NotYet();

    private static NotSupportedException NotYet() =>
        new("Alerts, webhooks and cadence (issue 7) are not implemented on the PostgreSQL store yet; use the SQLite store for them.");
}
