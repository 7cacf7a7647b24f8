using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<ClaimOutcome> InsertClaimAsync(Claim candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return WriteInTransactionAsync(async db =>
        {
            // Claims of one repo take turns on every replica: the lock is held to the end of the transaction, so a
            // racing claim reads the held claims only after this one committed (or rolled back) its insert. A row lock
            // would not do: what must be serialised is "no conflicting row exists yet". Key class 3 (sessions use 0,
            // docs 1, alerts 2); a hash collision between two repos only makes them wait for each other.
            var read = new Batch();
            read.Add(Queries.List("SELECT pg_advisory_xact_lock(hashtextextended(@claim_repo, 3))", _ => true,
                ("claim_repo", candidate.Venture + "\u001f" + candidate.Repo)));
            var session = read.Add(Queries.List($"SELECT {Rows.SessionColumns} FROM sessions WHERE id = @id", Rows.Session, ("id", candidate.SessionId)));
            var (sql, args) = ClaimRows.HeldInRepo(candidate.Venture, candidate.Repo, now, staleAfter);
            var held = read.Add(Queries.List(sql, ClaimRows.Claim, args));
            await db.ExecuteAsync(read, ct).ConfigureAwait(false);

            if (session().FirstOrDefault() is not { } stored) return new ClaimOutcome(ClaimResult.SessionNotFound, null, []);
            if (SessionRules.AsSeenAt(stored, now, staleAfter).Status != SessionStatus.Active)
                return new ClaimOutcome(ClaimResult.SessionNotActive, null, []);
            switch (ClaimRules.Decide(candidate, held()))
            {
                case ClaimDecision.AlreadyHeld already:
                    return new ClaimOutcome(ClaimResult.AlreadyHeld, already.Existing, []);
                case ClaimDecision.Refuse refuse:
                    return new ClaimOutcome(ClaimResult.Refused, null, refuse.Holders);
            }
            await db.ExecuteAsync($"INSERT INTO claims ({ClaimRows.Columns}) VALUES ({ClaimRows.Values})", ct, ClaimRows.Args(candidate))
                .ConfigureAwait(false);
            return new ClaimOutcome(ClaimResult.Granted, candidate, []);
        }, ct);
    }

    public Task<Claim?> FindClaimOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => FindStoredClaimAsync(db, id, ct), ct);

    public Task<Claim?> ReleaseClaimAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            // One statement: the update returns the row it released; an already released or unknown claim returns
            // none, and is then read as stored (so a repeat answers the first release unchanged).
            var released = await db.FirstOrDefaultAsync($"""
                UPDATE claims SET released_at = @now, release_reason = 'released' WHERE id = @id AND released_at IS NULL
                RETURNING {ClaimRows.Columns}
                """, ClaimRows.Claim, ct, ("id", id), ("now", Rows.Ms(now))).ConfigureAwait(false);
            return released ?? await FindStoredClaimAsync(db, id, ct).ConfigureAwait(false);
        }, ct);

    public Task<Page<Claim>> ListClaimsAsync(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(db => db.QueryAsync(ListClaimsQuery(query, now, staleAfter), ct), ct);
    }

    public Task<IReadOnlyList<Claim>> ListHeldClaimsAsync(string venture, string repo, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        RunAsync<IReadOnlyList<Claim>>(async db =>
        {
            var (sql, args) = ClaimRows.HeldInRepo(venture, repo, now, staleAfter);
            return await db.ListAsync(sql, ClaimRows.Claim, ct, args).ConfigureAwait(false);
        }, ct);

    private static Query<Page<Claim>> ListClaimsQuery(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter) =>
        ClaimRows.Held(query, now, staleAfter).PageQuery("claims", ClaimRows.Columns, ClaimRows.Claim, query.Page, IdGenerator.Claim, c => c.Id);

    private static Task<Claim?> FindStoredClaimAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {ClaimRows.Columns} FROM claims WHERE id = @id", ClaimRows.Claim, ct, ("id", id));
}
