using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<ClaimOutcome> InsertClaimAsync(Claim candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        // Inside the writer: the session's check, the read of the repo's held claims and the insert are one
        // transaction, serialised against every other writer (and other processes, by BEGIN IMMEDIATE). Two sessions
        // racing for one file: the second one's read sees the first one's claim.
        return WriteAsync(db =>
        {
            if (FindStoredSession(db, candidate.SessionId) is not { } stored) return new ClaimOutcome(ClaimResult.SessionNotFound, null, []);
            if (SessionRules.AsSeenAt(stored, now, staleAfter).Status != SessionStatus.Active)
                return new ClaimOutcome(ClaimResult.SessionNotActive, null, []);

            var (sql, args) = ClaimRows.HeldInRepo(candidate.Venture, candidate.Repo, now, staleAfter);
            switch (ClaimRules.Decide(candidate, db.List(sql, ClaimRows.Claim, args)))
            {
                case ClaimDecision.AlreadyHeld held:
                    return new ClaimOutcome(ClaimResult.AlreadyHeld, held.Existing, []);
                case ClaimDecision.Refuse refuse:
                    return new ClaimOutcome(ClaimResult.Refused, null, refuse.Holders);
            }
            db.Execute($"INSERT INTO claims ({ClaimRows.Columns}) VALUES ({ClaimRows.Values})", ClaimRows.Args(candidate));
            return new ClaimOutcome(ClaimResult.Granted, candidate, []);
        }, ct);
    }

    public Task<Claim?> FindClaimOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => FindStoredClaim(db, id), ct);

    public Task<Claim?> ReleaseClaimAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db =>
        {
            db.Execute("UPDATE claims SET released_at = $now, release_reason = 'released' WHERE id = $id AND released_at IS NULL",
                ("$id", id), ("$now", Rows.Ms(now)));
            return FindStoredClaim(db, id);
        }, ct);

    public Task<Page<Claim>> ListClaimsAsync(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ListClaims(db, query, now, staleAfter), ct);
    }

    public Task<IReadOnlyList<Claim>> ListHeldClaimsAsync(string venture, string repo, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<Claim>>(db =>
        {
            var (sql, args) = ClaimRows.HeldInRepo(venture, repo, now, staleAfter);
            return db.List(sql, ClaimRows.Claim, args);
        }, ct);

    private static Page<Claim> ListClaims(Db db, ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter) =>
        ClaimRows.Held(query, now, staleAfter).Page(db, "claims", ClaimRows.Columns, ClaimRows.Claim, query.Page, IdGenerator.Claim, c => c.Id);

    private static Claim? FindStoredClaim(Db db, string id) =>
        db.FirstOrDefault($"SELECT {ClaimRows.Columns} FROM claims WHERE id = $id", ClaimRows.Claim, ("$id", id));
}
