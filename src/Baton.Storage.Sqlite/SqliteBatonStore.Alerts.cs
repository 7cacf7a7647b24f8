using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Alerts;
using Baton.Core.Common;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    private const string GitHubProvider = "github";

    public Task<AlertChange> ApplyAlertSignalAsync(AlertSignal signal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return WriteAsync(db => ApplySignal(db, signal), ct);
    }

    public Task<Alert?> FindAlertOrNullAsync(string id, CancellationToken ct) => ReadAsync(db => FindAlert(db, id), ct);

    public Task<Alert?> ResolveAlertAsync(string id, DateTimeOffset now, string resolvedBy, string reason, CancellationToken ct) =>
        WriteAsync(db =>
        {
            // Resolving twice keeps the first resolution: who and why stay as they were.
            db.Execute("""
                UPDATE alerts SET status = 'resolved', resolved_at = $now, resolved_by = $by, resolution_reason = $reason
                WHERE id = $id AND status = 'open'
                """, ("$id", id), ("$now", Rows.Ms(now)), ("$by", resolvedBy), ("$reason", reason));
            return FindAlert(db, id);
        }, ct);

    public Task<Page<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Parsed before the read: a bad cursor is refused without taking a connection.
        OffsetPaging.ParseCursor(query.Page.Cursor);
        return ReadAsync(db => ListAlerts(db, query), ct);
    }

    private static Page<Alert> ListAlerts(Db db, AlertQuery query)
    {
        var limit = Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(query.Page.Cursor);
        var (filter, order) = ListFilters.Alerts(query);
        var where = filter.WhereClause();
        var total = db.Scalar($"SELECT count(*) FROM alerts {where}", [.. filter.Args]);
        var rows = db.List($"SELECT {Rows.AlertColumns} FROM alerts {where} ORDER BY {order} LIMIT $limit OFFSET $offset", Rows.Alert,
            [.. filter.Args, ("$limit", limit + 1), ("$offset", offset)]);
        return OffsetPaging.PageOf(rows, total, limit, offset);
    }

    /// <summary>The exact total <see cref="ListAlerts"/> would report for <paramref name="query"/>, without reading a row.</summary>
    private static long CountAlerts(Db db, AlertQuery query)
    {
        var (filter, _) = ListFilters.Alerts(query);
        return db.Scalar($"SELECT count(*) FROM alerts {filter.WhereClause()}", [.. filter.Args]);
    }

    public Task<WebhookOutcome> RecordWebhookDeliveryAsync(WebhookDelivery delivery, AlertSignal? signal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return WriteAsync(db =>
        {
            var inserted = db.Execute("""
                INSERT INTO webhook_deliveries (delivery_id, event, repo, venture, received_at)
                VALUES ($id, $event, $repo, $venture, $at)
                ON CONFLICT (delivery_id) DO NOTHING
                """, ("$id", delivery.DeliveryId), ("$event", delivery.Event), ("$repo", delivery.Repo), ("$venture", delivery.Venture),
                ("$at", Rows.Ms(delivery.ReceivedAt)));
            if (inserted == 0) return new WebhookOutcome(true, new AlertChange(AlertChangeKind.None, null));

            if (delivery.Repo is not null && delivery.DefaultBranch is not null)
            {
                db.Execute("""
                    INSERT INTO repo_default_branches (repo, default_branch, updated_at) VALUES ($repo, $branch, $at)
                    ON CONFLICT (repo) DO UPDATE SET default_branch = excluded.default_branch, updated_at = excluded.updated_at
                    """, ("$repo", delivery.Repo), ("$branch", delivery.DefaultBranch), ("$at", Rows.Ms(delivery.ReceivedAt)));
            }
            var change = signal is null ? new AlertChange(AlertChangeKind.None, null) : ApplySignal(db, signal);
            return new WebhookOutcome(false, change);
        }, ct);
    }

    public Task<string?> FindRepoDefaultBranchOrNullAsync(string repo, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault("SELECT default_branch FROM repo_default_branches WHERE repo = $repo", r => r.GetString(0), ("$repo", repo)), ct);

    public Task<WebhookStats> GetWebhookStatsAsync(string? venture, CancellationToken ct) =>
        ReadAsync(db => WebhookStatsOf(db, venture), ct);

    private static WebhookStats WebhookStatsOf(Db db, string? venture)
    {
        var owned = db.List("""
            SELECT count(*), max(received_at) FROM webhook_deliveries
            WHERE ($venture IS NULL AND venture IS NOT NULL) OR venture = $venture
            """, r => (Count: r.GetInt64(0), Last: r.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))),
            ("$venture", venture))[0];
        // Unowned means for a repo no venture owns: a delivery naming no repo (an organization hook's ping) is not one.
        var unowned = db.Scalar("SELECT count(*) FROM webhook_deliveries WHERE venture IS NULL AND repo IS NOT NULL");
        var repos = db.List("""
            SELECT repo FROM webhook_deliveries WHERE venture IS NULL AND repo IS NOT NULL
            GROUP BY repo ORDER BY max(received_at) DESC, repo LIMIT 5
            """, r => r.GetString(0));
        return new WebhookStats(owned.Count, owned.Last, unowned, repos);
    }

    public Task SetWebhookSecretAsync(string secret, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.Execute("""
            INSERT INTO webhook_secrets (provider, secret, set_at) VALUES ($provider, $secret, $at)
            ON CONFLICT (provider) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at
            """, ("$provider", GitHubProvider), ("$secret", secret), ("$at", Rows.Ms(now))), ct);

    public Task<string?> FindWebhookSecretOrNullAsync(CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault("SELECT secret FROM webhook_secrets WHERE provider = $provider", r => r.GetString(0),
            ("$provider", GitHubProvider)), ct);

    public Task<CadenceItem> InsertCadenceItemAsync(CadenceItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(db =>
        {
            db.Execute($"INSERT INTO cadence_items ({Rows.CadenceColumns}) VALUES ({Rows.CadenceValues})", Rows.CadenceArgs(item));
            return item;
        }, ct);
    }

    public Task<CadenceItem?> FindCadenceItemOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => FindCadence(db, id), ct);

    public Task<CadenceItem?> MarkCadenceDoneAsync(string id, DateTimeOffset now, string doneBy, CancellationToken ct) =>
        WriteAsync(db =>
        {
            db.Execute("UPDATE cadence_items SET last_done_at = $now, last_done_by = $by WHERE id = $id",
                ("$id", id), ("$now", Rows.Ms(now)), ("$by", doneBy));
            return FindCadence(db, id);
        }, ct);

    public async Task<IReadOnlyList<CadenceItem>> ListCadenceItemsAsync(IReadOnlyList<string>? scopes, CancellationToken ct)
    {
        return await ReadAsync(db => ListCadence(db, scopes), ct).ConfigureAwait(false);
    }

    private static List<CadenceItem> ListCadence(Db db, IReadOnlyList<string>? scopes)
    {
        var filter = new Filter();
        if (scopes is not null) filter.In("scope", "scope", scopes);
        return db.List($"SELECT {Rows.CadenceColumns} FROM cadence_items {filter.WhereClause()} ORDER BY id", Rows.Cadence, [.. filter.Args]);
    }

    /// <summary>
    /// The live schema hash. SQLite bumps <c>PRAGMA schema_version</c> on every schema change, by any process, so the
    /// hash is recomputed only when that number moved: still judged live on every call, without re-reading and hashing
    /// the whole schema on every SOD.
    /// </summary>
    public Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct) => ReadAsync(CheckSchema, ct);

    private SchemaCheck CheckSchema(Db db)
    {
        var version = db.Scalar("PRAGMA schema_version");
        var cached = Volatile.Read(ref _schemaHash);
        if (cached is null || cached.Version != version)
        {
            cached = new SchemaHashAt(version, SchemaHash.Of(db));
            Volatile.Write(ref _schemaHash, cached);
        }
        return new SchemaCheck(cached.Hash, SchemaHash.Expected);
    }

    private SchemaHashAt? _schemaHash;

    private sealed record SchemaHashAt(long Version, string Hash);

    private static AlertChange ApplySignal(Db db, AlertSignal s)
    {
        var open = db.FirstOrDefault($"""
            SELECT {Rows.AlertColumns} FROM alerts
            WHERE venture = $venture AND repo = $repo AND source = $source AND workflow = $workflow AND branch = $branch AND status = 'open'
            """, Rows.Alert, ("$venture", s.Venture), ("$repo", s.Repo), ("$source", s.Source), ("$workflow", s.Workflow), ("$branch", s.Branch));

        switch (AlertRules.Decide(open, s))
        {
            case AlertDecision.Open opened:
                db.Execute($"INSERT INTO alerts ({Rows.AlertColumns}) VALUES ({Rows.AlertValues})", Rows.AlertArgs(opened.Alert));
                return new AlertChange(AlertChangeKind.Opened, FindAlert(db, opened.Alert.Id));
            case AlertDecision.AddOccurrence add:
                db.Execute("""
                    UPDATE alerts SET occurrences = occurrences + 1, last_seen = $last_seen, url = $url, severity = $severity,
                        on_default_branch = $default, last_run_created_at = $run_at, last_run_number = $run_number
                    WHERE id = $id
                    """, ("$id", open!.Id), ("$last_seen", Rows.Ms(add.LastSeen)), ("$url", add.Url), ("$severity", Rows.Text(add.Severity)),
                    ("$default", Rows.Bool(s.OnDefaultBranch)), ("$run_at", Rows.Ms(add.LastRun?.CreatedAt)), ("$run_number", add.LastRun?.Number));
                return new AlertChange(AlertChangeKind.Occurrence, FindAlert(db, open.Id));
            case AlertDecision.Resolve:
                db.Execute("""
                    UPDATE alerts SET status = 'resolved', resolved_at = $at, resolved_by = $by, resolution_reason = $reason WHERE id = $id
                    """, ("$id", open!.Id), ("$at", Rows.Ms(s.At)), ("$by", s.EventRef), ("$reason", AlertRules.ResolvedByCiReason));
                return new AlertChange(AlertChangeKind.Resolved, FindAlert(db, open.Id));
            case AlertDecision.KeepOpen:
                return new AlertChange(AlertChangeKind.Kept, open);
            default:
                return new AlertChange(AlertChangeKind.None, null);
        }
    }

    private static Alert? FindAlert(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.AlertColumns} FROM alerts WHERE id = $id", Rows.Alert, ("$id", id));

    private static CadenceItem? FindCadence(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.CadenceColumns} FROM cadence_items WHERE id = $id", Rows.Cadence, ("$id", id));
}

/// <summary>
/// The schema fingerprint <c>GET /v1/version</c> and the briefing health check compare: SHA-256 of every schema
/// object's type, name, table and DDL from <c>sqlite_master</c>, in name order, with whitespace runs collapsed (so only
/// a real change counts). <see cref="Expected"/> is the same fingerprint of a fresh in-memory database with this build's
/// migrations applied: derived, never a constant to keep in step by hand.
/// </summary>
internal static partial class SchemaHash
{
    private static readonly Lazy<string> ExpectedHash = new(ComputeExpected);

    public static string Expected => ExpectedHash.Value;

    public static string Of(Db db)
    {
        var rows = db.List("""
            SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
            WHERE name NOT LIKE 'sqlite_%'
            ORDER BY type, name
            """, r => $"{r.GetString(0)}|{r.GetString(1)}|{r.GetString(2)}|{Whitespace().Replace(r.GetString(3), " ").Trim()}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows))));
    }

    private static string ComputeExpected()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Migrations.Apply(connection, DateTimeOffset.UnixEpoch);
        return Of(new Db(connection, null));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
