using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Storage.Relational;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    /// <summary>
    /// The whole batch is one queued write: one savepoint of the writer's group, so it commits (or fails) whole, and
    /// its events are matched, stored and applied one after another in the batch's order — an event sees what the
    /// events before it did (a native session id recorded by the first matches the second).
    /// </summary>
    public Task<IReadOnlyList<RecordedEvent>> RecordEventsAsync(IReadOnlyList<PendingHookEvent> events, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        return WriteAsync<IReadOnlyList<RecordedEvent>>(db => [.. events.Select(e => RecordEvent(db, e, now, staleAfter))], ct);
    }

    private static RecordedEvent RecordEvent(Db db, PendingHookEvent pending, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (FindRecorded(db, pending.Event.Id) is { } duplicate) return duplicate;

        SessionMatch? session = null;
        foreach (var (sql, args) in ActivityRows.MatchQueries(pending, now, staleAfter))
            if ((session = db.FirstOrDefault(sql, ActivityRows.Match, args)) is not null) break;

        var stored = pending.Event with
        {
            SessionId = session?.Id,
            Venture = session?.Venture ?? pending.Event.Venture ?? pending.ScopeVenture,
            Agent = session?.Agent ?? pending.Event.Agent,
        };
        if (db.Execute(ActivityRows.InsertEventSql, ActivityRows.EventArgs(stored)) == 0)
            return FindRecorded(db, stored.Id)!;
        if (session is null) return new RecordedEvent(stored.Id, RecordedEvent.Unmatched, null);

        var (touch, touchArgs) = ActivityRows.TouchSession(session.Id, stored, pending.HeartbeatAt, now, staleAfter);
        db.Execute(touch, touchArgs);
        if (ActivityRows.ApplyWaiting(pending.Waiting, session, stored.Cli, now) is var (waiting, waitingArgs))
            db.Execute(waiting, waitingArgs);
        return new RecordedEvent(stored.Id, RecordedEvent.Stored, session.Id);
    }

    private static RecordedEvent? FindRecorded(Db db, string id) =>
        db.FirstOrDefault(ActivityRows.FindEventSql, r => new RecordedEvent(r.Str("id"), RecordedEvent.Duplicate, r.StrOrNull("session_id")),
            ActivityRows.IdArg(id));

    public Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, PageRequest page, CancellationToken ct)
    {
        var filter = new Filter();
        filter.Equal("session_id", sessionId);
        return ReadAsync(db => filter.Page(db, "hook_events", ActivityRows.EventColumns, ActivityRows.Event, page, IdGenerator.Event, e => e.Id), ct);
    }

    public Task<Page<WaitingSession>> ListWaitingAsync(WaitingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ListWaiting(db, query), ct);
    }

    private static Page<WaitingSession> ListWaiting(Db db, WaitingQuery query)
    {
        var (page, count, pageArgs, countArgs, limit, offset) = ActivityRows.WaitingPage(query);
        var total = db.Scalar(count, countArgs);
        return OffsetPaging.PageOf(db.List(page, ActivityRows.Waiting, pageArgs), total, limit, offset);
    }

    public Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, string? venture, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        if (sessionIds.Count == 0) return Task.FromResult<IReadOnlyList<HookEvent>>([]);
        var (sql, args) = ActivityRows.LatestSessionEvents([.. sessionIds.Distinct(StringComparer.Ordinal)], venture);
        return ReadAsync<IReadOnlyList<HookEvent>>(db => db.List(sql, ActivityRows.Event, args), ct);
    }

    public Task<int> PurgeEventsAsync(DateTimeOffset before, CancellationToken ct) =>
        WriteAsync(db => db.Execute(ActivityRows.PurgeEventsSql, ActivityRows.BeforeArg(before))
            + db.Execute(ActivityRows.PurgeWaitingSql, ActivityRows.BeforeArg(before)), ct);
}
