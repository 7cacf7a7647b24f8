using Baton.Core.Requests;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    /// <summary>Most rows <see cref="ListRequestLogAsync"/> returns at once.</summary>
    public const int MaxRequestLogRows = 1000;

    public Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return Task.CompletedTask;
        // A batch of entries is one statement and one round trip: each column travels as an array, unnest zips them.
        return RunAsync(db => db.ExecuteAsync($"""
            INSERT INTO request_log ({Rows.RequestLogColumns})
            SELECT * FROM unnest(@timestamp::bigint[], @correlation_id::text[], @route::text[], @method::text[], @status::integer[],
                                 @duration_ms::double precision[], @actor_key_id::text[], @venture::text[], @error_code::text[])
            """, ct,
            ("timestamp", entries.Select(e => Rows.Ms(e.Timestamp)).ToArray()),
            ("correlation_id", entries.Select(e => e.CorrelationId).ToArray()),
            ("route", entries.Select(e => e.Route).ToArray()),
            ("method", entries.Select(e => e.Method).ToArray()),
            ("status", entries.Select(e => e.Status).ToArray()),
            ("duration_ms", entries.Select(e => e.DurationMs).ToArray()),
            ("actor_key_id", entries.Select(e => e.ActorKeyId).ToArray()),
            ("venture", entries.Select(e => e.Venture).ToArray()),
            ("error_code", entries.Select(e => e.ErrorCode).ToArray())), ct);
    }

    /// <summary>Newest first; <paramref name="limit"/> is clamped to 1..<see cref="MaxRequestLogRows"/>.</summary>
    public async Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct)
    {
        var filter = correlationId is null ? "" : "WHERE correlation_id = @correlation_id";
        return await RunAsync(db => db.ListAsync(
                $"SELECT {Rows.RequestLogColumns} FROM request_log {filter} ORDER BY timestamp DESC, id DESC LIMIT @limit",
                Rows.RequestLog, ct, ("correlation_id", correlationId), ("limit", Math.Clamp(limit, 1, MaxRequestLogRows))), ct)
            .ConfigureAwait(false);
    }

    public Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct) =>
        RunAsync(async db =>
            await db.ExecuteAsync("DELETE FROM request_log WHERE timestamp < @before", ct, ("before", Rows.Ms(logBefore))).ConfigureAwait(false) +
            await db.ExecuteAsync("DELETE FROM idempotency WHERE expires_at <= @now", ct, ("now", Rows.Ms(now))).ConfigureAwait(false) +
            // Rate-limit windows that ended long ago belong to keys that went quiet; they are recreated on demand.
            await db.ExecuteAsync("DELETE FROM rate_limits WHERE window_start < @old", ct, ("old", Rows.Ms(now.AddHours(-1)))).ConfigureAwait(false), ct);

    /// <summary>
    /// Counts one request of <paramref name="actorKeyId"/> against its shared fixed window (the rule of the in-memory
    /// limiter, kept in the database so every replica counts into the same window): a window older than
    /// <paramref name="window"/> starts afresh at <paramref name="now"/>. One statement, one round trip. Returns the
    /// window's start and its count including this request (over the limit keeps counting; the caller compares).
    /// </summary>
    public Task<(DateTimeOffset WindowStart, int Count)> CountRequestAsync(string actorKeyId, DateTimeOffset now, TimeSpan window, CancellationToken ct) =>
        RunAsync(async db =>
        {
            var row = await db.FirstOrDefaultAsync("""
                INSERT INTO rate_limits AS r (actor_key_id, window_start, count) VALUES (@actor, @now, 1)
                ON CONFLICT (actor_key_id) DO UPDATE SET
                    window_start = CASE WHEN @now - r.window_start >= @window OR @now < r.window_start THEN @now ELSE r.window_start END,
                    count = CASE WHEN @now - r.window_start >= @window OR @now < r.window_start THEN 1 ELSE r.count + 1 END
                RETURNING window_start, count
                """, r => new long[] { r.GetInt64(0), r.GetInt32(1) }, ct,
                ("actor", actorKeyId), ("now", Rows.Ms(now)), ("window", (long)window.TotalMilliseconds)).ConfigureAwait(false);
            return (DateTimeOffset.FromUnixTimeMilliseconds(row![0]), (int)row[1]);
        }, ct);
}
