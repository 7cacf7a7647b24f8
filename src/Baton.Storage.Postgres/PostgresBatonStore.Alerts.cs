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
        var statement = ListAlertsQuery(query);
        return RunAsync(db => db.QueryAsync(statement, ct), ct);
    }

    private static Query<Page<Alert>> ListAlertsQuery(AlertQuery query)
    {
        var limit = Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(query.Page.Cursor);
        var (filter, order) = ListFilters.Alerts(query);
        var where = filter.WhereClause();
        return Queries.List($"""
            SELECT c.page_total, p.* FROM (SELECT count(*) AS page_total FROM alerts {where}) c
            LEFT JOIN LATERAL (SELECT {Rows.AlertColumns} FROM alerts {where} ORDER BY {order} LIMIT @page_limit OFFSET @page_offset) p ON true
            """, r => (Total: r.GetInt64(0), Alert: r.IsDBNull(r.GetOrdinal("id")) ? null : Rows.Alert(r)),
            [.. filter.Args, ("page_limit", limit + 1), ("page_offset", offset)])
            .Then(rows =>
            {
                var total = rows.Count > 0 ? rows[0].Total : 0;
                var alerts = rows.Where(r => r.Alert is not null).Select(r => r.Alert!).ToList();
                return OffsetPaging.PageOf(alerts, total, limit, offset);
            });
    }

    /// <summary>The exact total <see cref="ListAlertsQuery"/> reports for <paramref name="query"/>, without reading a row.</summary>
    private static Query<long> CountAlertsQuery(AlertQuery query)
    {
        var (filter, _) = ListFilters.Alerts(query);
        return Queries.Scalar($"SELECT count(*) FROM alerts {filter.WhereClause()}", [.. filter.Args]);
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
            var batch = new Batch();
            var stats = AddWebhookStats(batch, venture);
            await db.ExecuteAsync(batch, ct).ConfigureAwait(false);
            return stats();
        }, ct);

    /// <summary>The two statements of the webhook figures, added to <paramref name="batch"/>; the result once it ran.</summary>
    private static Func<WebhookStats> AddWebhookStats(Batch batch, string? venture)
    {
        // Unowned means for a repo no venture owns: a delivery naming no repo (an organization hook's ping) is not one.
        var figures = batch.Add(Queries.List("""
            SELECT count(*) FILTER (WHERE (@venture::text IS NULL AND venture IS NOT NULL) OR venture = @venture::text),
                   max(received_at) FILTER (WHERE (@venture::text IS NULL AND venture IS NOT NULL) OR venture = @venture::text),
                   count(*) FILTER (WHERE venture IS NULL AND repo IS NOT NULL)
            FROM webhook_deliveries
            """, r => (Owned: r.GetInt64(0), Last: r.IsDBNull(1) ? (long?)null : r.GetInt64(1), Unowned: r.GetInt64(2)), ("venture", venture)));
        var repos = batch.Add(Queries.List("""
            SELECT repo FROM webhook_deliveries WHERE venture IS NULL AND repo IS NOT NULL
            GROUP BY repo ORDER BY max(received_at) DESC, repo COLLATE "C" LIMIT 5
            """, r => r.GetString(0)));
        return () =>
        {
            var f = figures().Single();
            return new WebhookStats(f.Owned, f.Last is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, f.Unowned, repos());
        };
    }

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
        return await RunAsync(db => db.QueryAsync(CadenceQuery(scopes), ct), ct).ConfigureAwait(false);
    }

    private static Query<List<CadenceItem>> CadenceQuery(IReadOnlyList<string>? scopes) =>
        Queries.List($"SELECT {Rows.CadenceColumns} FROM cadence_items {(scopes is null ? "" : "WHERE scope = ANY(@scopes)")} ORDER BY id",
            Rows.Cadence, ("scopes", scopes is null ? null : Rows.List(scopes)));

    /// <summary>
    /// The live schema's fingerprint against the one this build's migrations produce. The expected one is derived, not
    /// a constant: the migrations are applied to a scratch schema inside a transaction that is rolled back (DDL is
    /// transactional here), once per process. The live one is recomputed only when the schema's catalog signature
    /// (<see cref="SchemaSignatureQuery"/>) moved: still judged live on every call, as SQLite's schema_version does.
    /// </summary>
    public Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct) =>
        RunAsync(async db =>
        {
            await EnsureExpectedSchemaHashAsync(db, ct).ConfigureAwait(false);
            return await SchemaCheckAsync(db, await db.QueryAsync(SchemaSignatureQuery, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }, ct);

    /// <summary>
    /// What the schema's catalog rows are now, cheaply: the count and the sum of the row versions (<c>xmin</c>) of the
    /// current schema's relations, their columns and their column defaults — every catalog row the fingerprint is made
    /// from. Any DDL inserts, deletes or rewrites such a row, and a rewritten row carries the newer transaction id, so
    /// the signature moves; VACUUM and ANALYZE update these rows in place and leave it alone. (Reading it costs a
    /// fraction of hashing information_schema, and it travels in the briefing's batch.)
    /// </summary>
    private static readonly Query<string> SchemaSignatureQuery = Queries.List("""
        WITH rel AS (SELECT c.oid, c.xmin FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema())
        SELECT (SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM rel)
            || '/' || (SELECT count(*) || ':' || coalesce(sum(a.xmin::text::bigint), 0) FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid)
            || '/' || (SELECT count(*) || ':' || coalesce(sum(d.xmin::text::bigint), 0) FROM pg_attrdef d JOIN rel ON rel.oid = d.adrelid)
        """, r => r.GetString(0)).Then(rows => rows.Single());

    private SchemaHashAt? _schemaHash;

    private sealed record SchemaHashAt(string Signature, string Hash);

    /// <summary>
    /// The check for <paramref name="signature"/>: the live hash cached at that signature, else computed now and cached.
    /// The signature is read before the hash, so a schema changed in between is caught by the next call's signature.
    /// </summary>
    private async Task<SchemaCheck> SchemaCheckAsync(Db db, string signature, CancellationToken ct)
    {
        var cached = Volatile.Read(ref _schemaHash);
        if (cached is null || !string.Equals(cached.Signature, signature, StringComparison.Ordinal))
        {
            cached = new SchemaHashAt(signature, await SchemaHashAsync(db, ct).ConfigureAwait(false));
            Volatile.Write(ref _schemaHash, cached);
        }
        return new SchemaCheck(cached.Hash, _expectedSchemaHash!);
    }

    /// <summary>Computes the expected hash the first time (its own transaction on <paramref name="db"/>'s connection, outside any other).</summary>
    private async Task EnsureExpectedSchemaHashAsync(Db db, CancellationToken ct) =>
        _expectedSchemaHash ??= await ExpectedSchemaHashAsync(db.Connection, ct).ConfigureAwait(false);

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
