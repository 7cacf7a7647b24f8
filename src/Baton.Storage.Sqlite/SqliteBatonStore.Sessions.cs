using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<SodOutcome> StartOrResumeSessionAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        // Runs inside the writer, so the read of the active sessions and the change it leads to are one transaction,
        // serialised against every other writer (this process's and, via BEGIN IMMEDIATE, other processes').
        return WriteAsync(db =>
        {
            var active = db.List($"""
                SELECT {Rows.SessionColumns} FROM sessions
                WHERE agent = $agent AND venture = $venture AND repo = $repo AND track = $track AND status = 'active'
                """, Rows.Session,
                ("$agent", candidate.Agent), ("$venture", candidate.Venture), ("$repo", candidate.Repo), ("$track", candidate.Track));

            var decision = SessionRules.Decide(active, now, staleAfter);
            foreach (var duplicate in decision.Supersede)
                EndStored(db, duplicate.Id, SessionStatus.Ended, EndReason.Superseded, now);
            if (decision.Abandon is { } stale)
                EndStored(db, stale.Id, SessionStatus.Abandoned, EndReason.Stale, now);

            var superseded = decision.Supersede.Select(s => s.Id).ToList();
            if (decision.Resume is { } resumed)
            {
                db.Execute("UPDATE sessions SET last_heartbeat_at = $now WHERE id = $id", ("$id", resumed.Id), ("$now", Rows.Ms(now)));
                return new SodOutcome(resumed with { LastHeartbeatAt = now }, Resumed: true, superseded, decision.Abandon?.Id);
            }

            InsertSession(db, candidate);
            return new SodOutcome(candidate, Resumed: false, superseded, decision.Abandon?.Id);
        }, ct);
    }

    public Task<Session?> FindSessionOrNullAsync(string id, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        ReadAsync(db => FindStoredSession(db, id) is { } stored ? SessionRules.AsSeenAt(stored, now, staleAfter) : null, ct);

    public Task<bool> SessionExistsAsync(string sessionId, CancellationToken ct) =>
        ReadAsync(db => FindStoredSession(db, sessionId) is not null, ct);

    public Task<TouchOutcome> TouchSessionAsync(string id, SessionUpdate? update, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        WriteAsync(db =>
        {
            // The heartbeat fast path: one statement that touches a fresh active session and returns it. Only when it
            // touches nothing do we look closer, to tell a missing session from an ended or stale one.
            var touched = db.FirstOrDefault($"""
                UPDATE sessions SET
                    last_heartbeat_at = $now,
                    branch = coalesce($branch, branch),
                    commit_sha = coalesce($commit_sha, commit_sha),
                    issue_number = coalesce($issue_number, issue_number),
                    meta = coalesce($meta, meta)
                WHERE id = $id AND status = 'active' AND last_heartbeat_at > $cutoff
                RETURNING {Rows.SessionColumns}
                """, Rows.Session,
                ("$id", id), ("$now", Rows.Ms(now)), ("$cutoff", Rows.Ms(now - staleAfter)), ("$branch", update?.Branch),
                ("$commit_sha", update?.CommitSha), ("$issue_number", update?.IssueNumber), ("$meta", update?.Meta?.ToJsonString()));
            if (touched is not null) return new TouchOutcome(TouchResult.Touched, touched);

            var stored = FindStoredSession(db, id);
            if (stored is null) return new TouchOutcome(TouchResult.NotFound, null);
            if (stored.Status != SessionStatus.Active) return new TouchOutcome(TouchResult.NotActive, stored);

            // Stored active but not touched above: it is stale. A heartbeat after the threshold is too late: record
            // what reads already report, and refuse it.
            EndStored(db, id, SessionStatus.Abandoned, EndReason.Stale, now);
            return new TouchOutcome(TouchResult.NotActive, FindStoredSession(db, id));
        }, ct);

    public Task<EodOutcome> EndSessionAsync(string sessionId, Handoff handoff, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return WriteAsync(db =>
        {
            // Inside the writer: the read and what the rule makes of it are one transaction, so a retried EOD waits
            // for the first and then finds its handoff.
            var row = db.FirstOrDefault($"SELECT {Rows.SessionWithEodHandoffSql} FROM sessions WHERE id = $id",
                Rows.SessionWithEodHandoff, ("$id", sessionId));
            var decision = SessionRules.DecideEnd(row?.Session, row?.Eod, handoff.PayloadHash, now, staleAfter);
            switch (decision)
            {
                case EndDecision.NotFound:
                    return new EodOutcome(EodResult.NotFound, null, null);
                case EndDecision.AlreadyEnded already:
                    return new EodOutcome(EodResult.AlreadyEnded, SessionRules.AsSeenAt(row!.Session, now, staleAfter),
                        FindStoredHandoff(db, already.HandoffId));
                case EndDecision.EndedWithOtherHandoff other:
                    return new EodOutcome(EodResult.EndedWithOtherHandoff, SessionRules.AsSeenAt(row!.Session, now, staleAfter),
                        FindStoredHandoff(db, other.HandoffId));
                case EndDecision.End end:
                    EndStored(db, sessionId, end.Status, end.Reason, now);
                    break;
            }

            InsertHandoff(db, handoff);
            db.Execute("UPDATE sessions SET eod_handoff_id = $handoff WHERE id = $id", ("$id", sessionId), ("$handoff", handoff.Id));
            // EOD releases the session's claims in its own transaction (docs/architecture.md §15 Claims).
            db.Execute(ClaimRows.ReleaseAtEodSql, ClaimRows.ReleaseAtEodArgs(sessionId, now));
            return new EodOutcome(EodResult.Ended, FindStoredSession(db, sessionId), handoff);
        }, ct);
    }

    public Task<Page<Session>> ListSessionsAsync(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ListSessions(db, query, now, staleAfter), ct);
    }

    private static Page<Session> ListSessions(Db db, SessionQuery query, DateTimeOffset now, TimeSpan staleAfter)
    {
        var page = ListFilters.Sessions(query, now, staleAfter)
            .Page(db, "sessions", Rows.SessionColumns, Rows.Session, query.Page, IdGenerator.Session, s => s.Id);
        return page with { Items = page.Items.Select(s => SessionRules.AsSeenAt(s, now, staleAfter)).ToList() };
    }

    private static Session? FindStoredSession(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.SessionColumns} FROM sessions WHERE id = $id", Rows.Session, ("$id", id));

    private static void EndStored(Db db, string id, SessionStatus status, EndReason reason, DateTimeOffset now) =>
        db.Execute("UPDATE sessions SET status = $status, end_reason = $reason, ended_at = $now WHERE id = $id",
            ("$id", id), ("$status", Rows.Text(status)), ("$reason", Rows.Text(reason)), ("$now", Rows.Ms(now)));

    internal static void InsertSession(Db db, Session s) =>
        db.Execute($"INSERT INTO sessions ({Rows.SessionColumns}) VALUES ({Rows.SessionValues})", Rows.SessionArgs(s));
}
