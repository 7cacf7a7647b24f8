using Baton.Core.Requests;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    /// <summary>Most rows <see cref="ListRequestLogAsync"/> returns at once.</summary>
    public const int MaxRequestLogRows = 1000;

    public Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return Task.CompletedTask;
        return WriteUnkeyedAsync(db =>
        {
            foreach (var e in entries)
            {
                db.Execute($"""
                    INSERT INTO request_log ({Rows.RequestLogColumns})
                    VALUES ($timestamp, $correlation_id, $route, $method, $status, $duration_ms, $actor_key_id, $venture, $error_code)
                    """,
                    ("$timestamp", Rows.Ms(e.Timestamp)), ("$correlation_id", e.CorrelationId), ("$route", e.Route),
                    ("$method", e.Method), ("$status", e.Status), ("$duration_ms", e.DurationMs), ("$actor_key_id", e.ActorKeyId),
                    ("$venture", e.Venture), ("$error_code", e.ErrorCode));
            }
            return entries.Count;
        }, ct);
    }

    /// <summary>Newest first; <paramref name="limit"/> is clamped to 1..<see cref="MaxRequestLogRows"/>.</summary>
    public async Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct)
    {
        var filter = correlationId is null ? "" : "WHERE correlation_id = $correlation_id";
        return await ReadAsync(db => db.List(
                $"SELECT {Rows.RequestLogColumns} FROM request_log {filter} ORDER BY timestamp DESC, id DESC LIMIT $limit",
                Rows.RequestLog, ("$correlation_id", correlationId), ("$limit", Math.Clamp(limit, 1, MaxRequestLogRows))), ct)
            .ConfigureAwait(false);
    }

    public Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct) =>
        WriteUnkeyedAsync(db =>
            db.Execute("DELETE FROM request_log WHERE timestamp < $before", ("$before", Rows.Ms(logBefore))) +
            db.Execute("DELETE FROM idempotency WHERE expires_at <= $now", ("$now", Rows.Ms(now))), ct);
}
