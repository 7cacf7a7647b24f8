using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Storage.Relational;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    /// <summary>
    /// One transaction for the whole batch, its events matched, stored and applied one after another in the batch's
    /// order. The event's insert is <c>ON CONFLICT DO NOTHING</c>: the same batch sent to two replicas at once stores
    /// each event once — the second waits on the first's row, then inserts nothing and answers it as a duplicate.
    /// Each statement is its own round trip (a batch of hook events is small and rare next to heartbeats; folding the
    /// lookups into batches is left until a bench says it matters).
    /// </summary>
    public Task<IReadOnlyList<RecordedEvent>> RecordEventsAsync(IReadOnlyList<PendingHookEvent> events, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        return WriteInTransactionAsync<IReadOnlyList<RecordedEvent>>(async db =>
        {
            var outcomes = new List<RecordedEvent>(events.Count);
            foreach (var e in events) outcomes.Add(await RecordEventAsync(db, e, now, staleAfter, ct).ConfigureAwait(false));
            return outcomes;
        }, ct);
    }

    private static async Task<RecordedEvent> RecordEventAsync(Db db, PendingHookEvent pending, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        if (await FindRecordedAsync(db, pending.Event.Id, ct).ConfigureAwait(false) is { } duplicate) return duplicate;

        SessionMatch? session = null;
        foreach (var (sql, args) in ActivityRows.MatchQueries(pending, now, staleAfter))
            if ((session = await db.FirstOrDefaultAsync(sql, ActivityRows.Match, ct, args).ConfigureAwait(false)) is not null) break;

        var stored = pending.Event with
        {
            SessionId = session?.Id,
            Venture = session?.Venture ?? pending.Event.Venture ?? pending.ScopeVenture,
            Agent = session?.Agent ?? pending.Event.Agent,
        };
        if (await db.ExecuteAsync(ActivityRows.InsertEventSql, ct, ActivityRows.EventArgs(stored)).ConfigureAwait(false) == 0)
            return (await FindRecordedAsync(db, stored.Id, ct).ConfigureAwait(false))!;
        if (session is null) return new RecordedEvent(stored.Id, RecordedEvent.Unmatched, null);

        var (touch, touchArgs) = ActivityRows.TouchSession(session.Id, stored, pending.HeartbeatAt, now, staleAfter);
        await db.ExecuteAsync(touch, ct, touchArgs).ConfigureAwait(false);
        if (ActivityRows.ApplyWaiting(pending.Waiting, session, stored.Cli, now) is var (waiting, waitingArgs))
            await db.ExecuteAsync(waiting, ct, waitingArgs).ConfigureAwait(false);
        return new RecordedEvent(stored.Id, RecordedEvent.Stored, session.Id);
    }

    private static Task<RecordedEvent?> FindRecordedAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync(ActivityRows.FindEventSql, r => new RecordedEvent(r.Str("id"), RecordedEvent.Duplicate, r.StrOrNull("session_id")),
            ct, ActivityRows.IdArg(id));

    public Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, PageRequest page, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("session_id", sessionId);
        return RunAsync(db => filter.PageAsync(db, "hook_events", ActivityRows.EventColumns, ActivityRows.Event, page, IdGenerator.Event, e => e.Id, ct), ct);
    }

    public Task<Page<WaitingSession>> ListWaitingAsync(WaitingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(db => db.QueryAsync(ListWaitingQuery(query), ct), ct);
    }

    /// <summary>The waiting page and its total in one statement (one snapshot, one round trip), to run alone or in the briefing's batch.</summary>
    private static Query<Page<WaitingSession>> ListWaitingQuery(WaitingQuery query)
    {
        var (page, count, pageArgs, _, limit, offset) = ActivityRows.WaitingPage(query);
        return Queries.List($"""
            SELECT c.page_total, p.* FROM ({count.Replace("count(*)", "count(*) AS page_total", StringComparison.Ordinal)}) c
            LEFT JOIN LATERAL ({page}) p ON true
            """, r => (Total: r.GetInt64(0), Item: r.IsDBNull(r.GetOrdinal("session_id")) ? null : ActivityRows.Waiting(r)), pageArgs)
            .Then(rows => OffsetPaging.PageOf(
                rows.Where(r => r.Item is not null).Select(r => r.Item!).ToList(), rows.Count > 0 ? rows[0].Total : 0, limit, offset));
    }

    public Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, string? venture, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        if (sessionIds.Count == 0) return Task.FromResult<IReadOnlyList<HookEvent>>([]);
        var (sql, args) = ActivityRows.LatestSessionEvents([.. sessionIds.Distinct(StringComparer.Ordinal)], venture);
        return RunAsync<IReadOnlyList<HookEvent>>(async db => await db.ListAsync(sql, ActivityRows.Event, ct, args).ConfigureAwait(false), ct);
    }

    public Task<int> PurgeEventsAsync(DateTimeOffset before, CancellationToken ct) =>
        RunAsync(async db =>
            await db.ExecuteAsync(ActivityRows.PurgeEventsSql, ct, ActivityRows.BeforeArg(before)).ConfigureAwait(false)
            + await db.ExecuteAsync(ActivityRows.PurgeWaitingSql, ct, ActivityRows.BeforeArg(before)).ConfigureAwait(false), ct);
}
