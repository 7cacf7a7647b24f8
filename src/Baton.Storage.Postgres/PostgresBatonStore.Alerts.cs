using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Ventures;
using Baton.Storage.Relational;
using Npgsql;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    private const string GitHubProvider = "github";

    private string? _expectedSchemaHash;

    public Task<AlertChange> ApplyAlertSignalAsync(AlertSignal signal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return WriteInTransactionAsync(db => ApplySignalAsync(db, signal, ct), ct);
    }

    public Task<Alert?> FindAlertOrNullAsync(string id, CancellationToken ct) => RunAsync(db => FindAlertAsync(db, id, ct), ct);

    public Task<Alert?> ResolveAlertAsync(string id, DateTimeOffset now, string resolvedBy, string reason, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            // Resolving twice keeps the first resolution.
            await db.ExecuteAsync("""
                UPDATE alerts SET status = 'resolved', resolved_at = @now, resolved_by = @by, resolution_reason = @reason
                WHERE id = @id AND status = 'open'
                """, ct, ("id", id), ("now", Rows.Ms(now)), ("by", resolvedBy), ("reason", reason)).ConfigureAwait(false);
            return await FindAlertAsync(db, id, ct).ConfigureAwait(false);
        }, ct);

    public Task<Page<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(query.Page.Cursor);
        var (filter, order) = ListFilters.Alerts(query);

        return RunAsync(async db =>
        {
            var where = filter.WhereClause();
            var rows = await db.ListAsync($"""
                SELECT c.page_total, p.* FROM (SELECT count(*) AS page_total FROM alerts {where}) c
                LEFT JOIN LATERAL (SELECT {Rows.AlertColumns} FROM alerts {where} ORDER BY {order} LIMIT @page_limit OFFSET @page_offset) p ON true
                """, r => (Total: r.GetInt64(0), Alert: r.IsDBNull(r.GetOrdinal("id")) ? null : Rows.Alert(r)), ct,
                [.. filter.Args, ("page_limit", limit + 1), ("page_offset", offset)]).ConfigureAwait(false);
            var total = rows.Count > 0 ? rows[0].Total : 0;
            var alerts = rows.Where(r => r.Alert is not null).Select(r => r.Alert!).ToList();
            return OffsetPaging.PageOf(alerts, total, limit, offset);
        }, ct);
    }

    public Task<WebhookOutcome> RecordWebhookDeliveryAsync(WebhookDelivery delivery, AlertSignal? signal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return WriteInTransactionAsync(async db =>
        {
            // ON CONFLICT DO NOTHING: the same delivery reaching two replicas is recorded (and applied) once.
            var inserted = await db.ExecuteAsync("""
                INSERT INTO webhook_deliveries (delivery_id, event, repo, venture, received_at)
                VALUES (@id, @event, @repo, @venture, @at)
                ON CONFLICT (delivery_id) DO NOTHING
                """, ct, ("id", delivery.DeliveryId), ("event", delivery.Event), ("repo", delivery.Repo), ("venture", delivery.Venture),
                ("at", Rows.Ms(delivery.ReceivedAt))).ConfigureAwait(false);
            if (inserted == 0) return new WebhookOutcome(true, new AlertChange(AlertChangeKind.None, null));

            if (delivery.Repo is not null && delivery.DefaultBranch is not null)
            {
                await db.ExecuteAsync("""
                    INSERT INTO repo_default_branches (repo_key, default_branch, updated_at) VALUES (lower(@repo), @branch, @at)
                    ON CONFLICT (repo_key) DO UPDATE SET default_branch = excluded.default_branch, updated_at = excluded.updated_at
                    """, ct, ("repo", delivery.Repo), ("branch", delivery.DefaultBranch), ("at", Rows.Ms(delivery.ReceivedAt))).ConfigureAwait(false);
            }
            var change = signal is null ? new AlertChange(AlertChangeKind.None, null) : await ApplySignalAsync(db, signal, ct).ConfigureAwait(false);
            return new WebhookOutcome(false, change);
        }, ct);
    }

    public Task<string?> FindRepoDefaultBranchOrNullAsync(string repo, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync("SELECT default_branch FROM repo_default_branches WHERE repo_key = lower(@repo)",
            r => r.GetString(0), ct, ("repo", repo)), ct);

    public Task<WebhookStats> GetWebhookStatsAsync(string? venture, CancellationToken ct) =>
        RunAsync(async db =>
        {
            // Unowned means for a repo no venture owns: a delivery naming no repo (an organization hook's ping) is not one.
            var figures = await db.FirstOrDefaultAsync("""
                SELECT count(*) FILTER (WHERE (@venture::text IS NULL AND venture IS NOT NULL) OR venture = @venture::text),
                       max(received_at) FILTER (WHERE (@venture::text IS NULL AND venture IS NOT NULL) OR venture = @venture::text),
                       count(*) FILTER (WHERE venture IS NULL AND repo IS NOT NULL)
                FROM webhook_deliveries
                """, r => new object?[] { r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetInt64(2) }, ct, ("venture", venture)).ConfigureAwait(false);
            var repos = await db.ListAsync("""
                SELECT repo FROM webhook_deliveries WHERE venture IS NULL AND repo IS NOT NULL
                GROUP BY repo ORDER BY max(received_at) DESC, repo COLLATE "C" LIMIT 5
                """, r => r.GetString(0), ct).ConfigureAwait(false);
            var last = figures![1] is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
            return new WebhookStats((long)figures[0]!, last, (long)figures[2]!, repos);
        }, ct);

    public Task SetWebhookSecretAsync(string secret, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.ExecuteAsync("""
            INSERT INTO webhook_secrets (provider, secret, set_at) VALUES (@provider, @secret, @at)
            ON CONFLICT (provider) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at
            """, ct, ("provider", GitHubProvider), ("secret", secret), ("at", Rows.Ms(now))), ct);

    public Task<string?> FindWebhookSecretOrNullAsync(CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync("SELECT secret FROM webhook_secrets WHERE provider = @provider", r => r.GetString(0), ct,
            ("provider", GitHubProvider)), ct);

    public Task<CadenceItem> InsertCadenceItemAsync(CadenceItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async db =>
        {
            await db.ExecuteAsync($"INSERT INTO cadence_items ({Rows.CadenceColumns}) VALUES ({Rows.CadenceValues})", ct, Rows.CadenceArgs(item))
                .ConfigureAwait(false);
            return item;
        }, ct);
    }

    public Task<CadenceItem?> FindCadenceItemOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.CadenceColumns} FROM cadence_items WHERE id = @id", Rows.Cadence, ct, ("id", id)), ct);

    public Task<CadenceItem?> MarkCadenceDoneAsync(string id, DateTimeOffset now, string doneBy, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefaultAsync($"""
            UPDATE cadence_items SET last_done_at = @now, last_done_by = @by WHERE id = @id RETURNING {Rows.CadenceColumns}
            """, Rows.Cadence, ct, ("id", id), ("now", Rows.Ms(now)), ("by", doneBy)), ct);

    public async Task<IReadOnlyList<CadenceItem>> ListCadenceItemsAsync(IReadOnlyList<string>? scopes, CancellationToken ct)
    {
        var where = scopes is null ? "" : "WHERE scope = ANY(@scopes)";
        return await RunAsync(db => db.ListAsync($"SELECT {Rows.CadenceColumns} FROM cadence_items {where} ORDER BY id", Rows.Cadence, ct,
            ("scopes", scopes is null ? null : Rows.List(scopes))), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The live schema's fingerprint against the one this build's migrations produce. The expected one is derived, not
    /// a constant: the migrations are applied to a scratch schema inside a transaction that is rolled back (DDL is
    /// transactional here), once per process.
    /// </summary>
    public Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct) =>
        RunAsync(async db =>
        {
            var live = await SchemaHashAsync(db, ct).ConfigureAwait(false);
            _expectedSchemaHash ??= await ExpectedSchemaHashAsync(db.Connection, ct).ConfigureAwait(false);
            return new SchemaCheck(live, _expectedSchemaHash);
        }, ct);

    private async Task<string> ExpectedSchemaHashAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var db = new Db(connection, transaction);
        var scratch = "baton_expected_" + Guid.NewGuid().ToString("N")[..12];
        await db.ExecuteAsync($"CREATE SCHEMA {scratch}; SET LOCAL search_path = {scratch}", ct).ConfigureAwait(false);
        await MigrationRunner.ApplyAsync<PostgresDialect>(connection, transaction, Migrations.Embedded, Migrations.CreateTable,
            DateTimeOffset.UnixEpoch, ct).ConfigureAwait(false);
        var hash = await SchemaHashAsync(db, ct).ConfigureAwait(false);
        await transaction.RollbackAsync(ct).ConfigureAwait(false);
        return hash;
    }

    /// <summary>SHA-256 over the current schema's columns and index definitions (schema name left out), in name order.</summary>
    private static async Task<string> SchemaHashAsync(Db db, CancellationToken ct)
    {
        var rows = await db.ListAsync("""
            SELECT 'column|' || table_name || '|' || column_name || '|' || data_type || '|' || is_nullable || '|' || coalesce(column_default, '')
                   || '|' || coalesce(generation_expression, '') AS line
            FROM information_schema.columns WHERE table_schema = current_schema()
            UNION ALL
            SELECT 'index|' || tablename || '|' || indexname || '|' || replace(indexdef, current_schema() || '.', '')
            FROM pg_indexes WHERE schemaname = current_schema()
            ORDER BY 1
            """, r => r.GetString(0), ct).ConfigureAwait(false);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows))));
    }

    private static async Task<AlertChange> ApplySignalAsync(Db db, AlertSignal s, CancellationToken ct)
    {
        // Signals for one (venture, repo, source, workflow, branch) take turns across replicas, so two failures arriving
        // at once cannot both open an alert (the partial unique index would refuse the second) or lose an occurrence.
        await db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@identity, 2))", ct,
            ("identity", string.Join('\u001f', s.Venture, s.Repo, s.Source, s.Workflow, s.Branch))).ConfigureAwait(false);
        var open = await db.FirstOrDefaultAsync($"""
            SELECT {Rows.AlertColumns} FROM alerts
            WHERE venture = @venture AND repo = @repo AND source = @source AND workflow = @workflow AND branch = @branch AND status = 'open'
            """, Rows.Alert, ct, ("venture", s.Venture), ("repo", s.Repo), ("source", s.Source), ("workflow", s.Workflow), ("branch", s.Branch))
            .ConfigureAwait(false);

        switch (AlertRules.Decide(open, s))
        {
            case AlertDecision.Open opened:
                return new AlertChange(AlertChangeKind.Opened, await db.FirstOrDefaultAsync($"""
                    INSERT INTO alerts ({Rows.AlertColumns}) VALUES ({Rows.AlertValues}) RETURNING {Rows.AlertColumns}
                    """, Rows.Alert, ct, Rows.AlertArgs(opened.Alert)).ConfigureAwait(false));
            case AlertDecision.AddOccurrence add:
                return new AlertChange(AlertChangeKind.Occurrence, await db.FirstOrDefaultAsync($"""
                    UPDATE alerts SET occurrences = occurrences + 1, last_seen = @last_seen, url = @url, severity = @severity,
                        on_default_branch = @default, last_run_created_at = @run_at, last_run_number = @run_number
                    WHERE id = @id
                    RETURNING {Rows.AlertColumns}
                    """, Rows.Alert, ct, ("id", open!.Id), ("last_seen", Rows.Ms(add.LastSeen)), ("url", add.Url),
                    ("severity", Rows.Text(add.Severity)), ("default", s.OnDefaultBranch), ("run_at", Rows.Ms(add.LastRun?.CreatedAt)),
                    ("run_number", add.LastRun?.Number)).ConfigureAwait(false));
            case AlertDecision.Resolve:
                return new AlertChange(AlertChangeKind.Resolved, await db.FirstOrDefaultAsync($"""
                    UPDATE alerts SET status = 'resolved', resolved_at = @at, resolved_by = @by, resolution_reason = @reason WHERE id = @id
                    RETURNING {Rows.AlertColumns}
                    """, Rows.Alert, ct, ("id", open!.Id), ("at", Rows.Ms(s.At)), ("by", s.EventRef), ("reason", AlertRules.ResolvedByCiReason))
                    .ConfigureAwait(false));
            case AlertDecision.KeepOpen:
                return new AlertChange(AlertChangeKind.Kept, open);
            default:
                return new AlertChange(AlertChangeKind.None, null);
        }
    }

    private static Task<Alert?> FindAlertAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {Rows.AlertColumns} FROM alerts WHERE id = @id", Rows.Alert, ct, ("id", id));
}
