using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Requests;
using Baton.Core.Sessions;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<SodOutcome> StartOrResumeSessionAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return WriteInTransactionAsync(async db =>
        {
            var lockAndRead = new Batch();
            var active = AddLockAndReadActive(lockAndRead, candidate);
            await db.ExecuteAsync(lockAndRead, ct).ConfigureAwait(false);

            var writes = new Batch();
            var outcome = AddSodWrites(writes, candidate, SessionRules.Decide(active(), now, staleAfter), now);
            await db.ExecuteAsync(writes, ct).ConfigureAwait(false);
            return outcome;
        }, ct);
    }

    /// <summary>
    /// SOD's first step: the tuple's lock and its stored-active sessions, read after the lock is granted (each
    /// statement of the batch takes its own snapshot). Replicas serialise SOD per tuple: the lock is held to the end of
    /// the transaction, so a racing SOD on another replica reads the active sessions only after this one committed its
    /// choice. A hash collision between two tuples only makes them wait for each other, never mixes them.
    /// </summary>
    private static Func<List<Session>> AddLockAndReadActive(Batch batch, Session candidate)
    {
        var tuple = string.Join('\u001f', candidate.Agent, candidate.Venture, candidate.Repo, candidate.Track);
        batch.Add(Queries.List("SELECT pg_advisory_xact_lock(hashtextextended(@tuple, 0))", _ => true, ("tuple", tuple)));
        return batch.Add(Queries.List($"""
            SELECT {Rows.SessionColumns} FROM sessions
            WHERE agent = @agent AND venture = @venture AND repo = @repo AND track = @track AND status = 'active'
            """, Rows.Session,
            ("agent", candidate.Agent), ("venture", candidate.Venture), ("repo", candidate.Repo), ("track", candidate.Track)));
    }

    /// <summary>SOD's second step: the writes <paramref name="decision"/> asks for, added to <paramref name="batch"/> (none has a result set).</summary>
    private static SodOutcome AddSodWrites(Batch batch, Session candidate, SessionDecision decision, DateTimeOffset now)
    {
        foreach (var duplicate in decision.Supersede)
            batch.Add(EndStoredSql, EndStoredArgs(duplicate.Id, SessionStatus.Ended, EndReason.Superseded, now));
        if (decision.Abandon is { } stale)
            batch.Add(EndStoredSql, EndStoredArgs(stale.Id, SessionStatus.Abandoned, EndReason.Stale, now));

        var superseded = decision.Supersede.Select(s => s.Id).ToList();
        if (decision.Resume is { } resumed)
        {
            batch.Add("UPDATE sessions SET last_heartbeat_at = @now WHERE id = @id", ("id", resumed.Id), ("now", Rows.Ms(now)));
            return new SodOutcome(resumed with { LastHeartbeatAt = now }, Resumed: true, superseded, decision.Abandon?.Id);
        }

        batch.Add(InsertSessionSql, Rows.SessionArgs(candidate));
        return new SodOutcome(candidate, Resumed: false, superseded, decision.Abandon?.Id);
    }

    public Task<Session?> FindSessionOrNullAsync(string id, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        RunAsync(async db => await FindStoredSessionAsync(db, id, ct).ConfigureAwait(false) is { } stored
            ? SessionRules.AsSeenAt(stored, now, staleAfter)
            : null, ct);

    public Task<bool> SessionExistsAsync(string sessionId, CancellationToken ct) =>
        RunAsync(async db => await FindStoredSessionAsync(db, sessionId, ct).ConfigureAwait(false) is not null, ct);

    public async Task<TouchOutcome> TouchSessionAsync(string id, SessionUpdate? update, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        EnsureUsable();
        if (update is not null) return await WriteAsync(TouchAlone(id, update, now, staleAfter, ct), ct).ConfigureAwait(false);

        // A plain heartbeat (no update) shares a batch with the others arriving meanwhile. What the batch did not touch
        // (missing, ended, stale, or the batch failed) runs alone below, which tells those cases apart as before.
        var scope = IdempotencyScope.Current;
        if (scope is null)
        {
            return await _heartbeats!.TouchAsync(id, now, staleAfter, null, ct).ConfigureAwait(false) is { } batched
                ? new TouchOutcome(TouchResult.Touched, batched)
                : await RunAsync(TouchAlone(id, null, now, staleAfter, ct), ct).ConfigureAwait(false);
        }

        // Under an Idempotency-Key the batch commits the key's record with the heartbeat, in its transaction, when the
        // key is new and this is the request's first write: the common case. Anything else — a retry finding its
        // record, a key another request holds, a later write of the request — runs alone under the key as before,
        // at the position taken here once.
        var position = scope.NextWrite();
        if (position == 0 && await _heartbeats!.TouchAsync(id, now, staleAfter, scope, ct).ConfigureAwait(false) is { } touched)
            return new TouchOutcome(TouchResult.Touched, touched);
        return await InTransactionAsync(db => WriteUnderKeyAsync(db, scope, position, TouchAlone(id, null, now, staleAfter, ct), ct), ct)
            .ConfigureAwait(false);
    }

    /// <summary>One heartbeat or update on its own: the fast path and, when it touches nothing, the closer look.</summary>
    private static Func<Db, Task<TouchOutcome>> TouchAlone(string id, SessionUpdate? update, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        async db =>
        {
            // One autocommitted statement, one round trip. Only when it touches nothing do we look closer, to tell a
            // missing session from an ended or stale one.
            var touched = await db.FirstOrDefaultAsync($"""
                UPDATE sessions SET
                    last_heartbeat_at = @now,
                    branch = coalesce(@branch, branch),
                    commit_sha = coalesce(@commit_sha, commit_sha),
                    issue_number = coalesce(@issue_number, issue_number),
                    meta = coalesce(@meta, meta)
                WHERE id = @id AND status = 'active' AND last_heartbeat_at > @cutoff
                RETURNING {Rows.SessionColumns}
                """, Rows.Session, ct,
                ("id", id), ("now", Rows.Ms(now)), ("cutoff", Rows.Ms(now - staleAfter)), ("branch", update?.Branch),
                ("commit_sha", update?.CommitSha), ("issue_number", update?.IssueNumber),
                ("meta", update?.Meta?.ToJsonString())).ConfigureAwait(false);
            if (touched is not null) return new TouchOutcome(TouchResult.Touched, touched);

            var stored = await FindStoredSessionAsync(db, id, ct).ConfigureAwait(false);
            if (stored is null) return new TouchOutcome(TouchResult.NotFound, null);
            if (stored.Status != SessionStatus.Active) return new TouchOutcome(TouchResult.NotActive, stored);

            // Stored active but not touched: stale. Record what reads already report (only if still active: another
            // replica may have ended it in between), and refuse the heartbeat.
            await db.ExecuteAsync("""
                UPDATE sessions SET status = 'abandoned', end_reason = 'stale', ended_at = @now
                WHERE id = @id AND status = 'active'
                """, ct, ("id", id), ("now", Rows.Ms(now))).ConfigureAwait(false);
            return new TouchOutcome(TouchResult.NotActive, await FindStoredSessionAsync(db, id, ct).ConfigureAwait(false));
        };

    public Task<EodOutcome> EndSessionAsync(string sessionId, Handoff handoff, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return WriteInTransactionAsync(async db =>
        {
            // FOR UPDATE: two EODs of one session (a retry on another replica) take turns, so only one stores a handoff.
            var row = await db.FirstOrDefaultAsync($"SELECT {Rows.SessionWithEodHandoffSql} FROM sessions WHERE id = @id FOR UPDATE OF sessions",
                Rows.SessionWithEodHandoff, ct, ("id", sessionId)).ConfigureAwait(false);
            var decision = SessionRules.DecideEnd(row?.Session, row?.Eod, handoff.PayloadHash, now, staleAfter);
            switch (decision)
            {
                case EndDecision.NotFound:
                    return new EodOutcome(EodResult.NotFound, null, null);
                case EndDecision.AlreadyEnded already:
                    return new EodOutcome(EodResult.AlreadyEnded, SessionRules.AsSeenAt(row!.Session, now, staleAfter),
                        await FindStoredHandoffAsync(db, already.HandoffId, ct).ConfigureAwait(false));
                case EndDecision.EndedWithOtherHandoff other:
                    return new EodOutcome(EodResult.EndedWithOtherHandoff, SessionRules.AsSeenAt(row!.Session, now, staleAfter),
                        await FindStoredHandoffAsync(db, other.HandoffId, ct).ConfigureAwait(false));
                case EndDecision.End end:
                    await EndStoredAsync(db, sessionId, end.Status, end.Reason, now, ct).ConfigureAwait(false);
                    break;
            }

            await InsertHandoffAsync(db, handoff, ct).ConfigureAwait(false);
            // EOD releases the session's claims in its own transaction (docs/architecture.md §15 Claims).
            await db.ExecuteAsync(ClaimRows.ReleaseAtEodSql, ct, ClaimRows.ReleaseAtEodArgs(sessionId, now)).ConfigureAwait(false);
            var ended = await db.FirstOrDefaultAsync($"UPDATE sessions SET eod_handoff_id = @handoff WHERE id = @id RETURNING {Rows.SessionColumns}",
                Rows.Session, ct, ("id", sessionId), ("handoff", handoff.Id)).ConfigureAwait(false);
            return new EodOutcome(EodResult.Ended, ended, handoff);
        }, ct);
    }

    public Task<Page<Session>> ListSessionsAsync(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(db => db.QueryAsync(ListSessionsQuery(query, now, staleAfter), ct), ct);
    }

    private static Query<Page<Session>> ListSessionsQuery(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter) =>
        ListFilters.Sessions(query, now, staleAfter)
            .PageQuery("sessions", Rows.SessionColumns, Rows.Session, query.Page, IdGenerator.Session, s => s.Id)
            .Then(page => page with { Items = page.Items.Select(s => SessionRules.AsSeenAt(s, now, staleAfter)).ToList() });

    private static Task<Session?> FindStoredSessionAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {Rows.SessionColumns} FROM sessions WHERE id = @id", Rows.Session, ct, ("id", id));

    private const string EndStoredSql = "UPDATE sessions SET status = @status, end_reason = @reason, ended_at = @now WHERE id = @id";

    private static (string Name, object? Value)[] EndStoredArgs(string id, SessionStatus status, EndReason reason, DateTimeOffset now) =>
        [("id", id), ("status", Rows.Text(status)), ("reason", Rows.Text(reason)), ("now", Rows.Ms(now))];

    private static Task<int> EndStoredAsync(Db db, string id, SessionStatus status, EndReason reason, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(EndStoredSql, ct, EndStoredArgs(id, status, reason, now));

    private static readonly string InsertSessionSql = $"INSERT INTO sessions ({Rows.SessionColumns}) VALUES ({Rows.SessionValues})";

    internal static Task<int> InsertSessionAsync(Db db, Session s, CancellationToken ct) =>
        db.ExecuteAsync(InsertSessionSql, ct, Rows.SessionArgs(s));

    /// <summary>Test seam: writes a session exactly as given (see the contract suite's SeedSessionAsync).</summary>
    internal Task SeedSessionAsync(Session session, CancellationToken ct) => RunAsync(db => InsertSessionAsync(db, session, ct), ct);
}
