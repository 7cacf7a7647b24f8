using Baton.Core.Common;

namespace Baton.Core.Claims;

/// <summary>
/// The claims side of the storage port (docs/architecture.md §15 Claims). Every store implements it inside
/// <c>IBatonStore</c> and passes <c>ClaimStoreContractTests</c>. "Held" means not released and its session stored
/// active with a heartbeat after <c>now − staleAfter</c> (the session rule, judged on read). Times are passed in.
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// In one transaction serialised against every other claim of the candidate's repo (SQLite: the one writer;
    /// PostgreSQL: a per-repo advisory lock): reads the candidate's session (missing → <see cref="ClaimResult.SessionNotFound"/>;
    /// ended, abandoned or stale → <see cref="ClaimResult.SessionNotActive"/>), then the repo's held claims, asks
    /// <see cref="ClaimRules.Decide"/> and inserts the candidate only when it grants. Two sessions racing for the same
    /// file: exactly one is granted.
    /// </summary>
    Task<ClaimOutcome> InsertClaimAsync(Claim candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>The claim as stored, released or not; null when no claim has that id.</summary>
    Task<Claim?> FindClaimOrNullAsync(string id, CancellationToken ct);

    /// <summary>
    /// Marks the claim released at <paramref name="now"/> (reason <see cref="ClaimRelease.Released"/>) unless it already
    /// is; answers the claim as stored after that, or null when no claim has that id. Repeating it changes nothing.
    /// </summary>
    Task<Claim?> ReleaseClaimAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Held claims matching <paramref name="query"/>, newest first by id, keyset-paged, with the exact total.</summary>
    Task<Page<Claim>> ListClaimsAsync(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);

    /// <summary>Every held claim of (<paramref name="venture"/>, <paramref name="repo"/>), oldest first: what the guard's check reads.</summary>
    Task<IReadOnlyList<Claim>> ListHeldClaimsAsync(string venture, string repo, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct);
}

public enum ClaimResult { Granted, AlreadyHeld, Refused, SessionNotFound, SessionNotActive }

/// <summary>
/// What <see cref="IClaimStore.InsertClaimAsync"/> did: <see cref="Claim"/> is the granted or already held claim;
/// <see cref="Holders"/> the held claims that refused it (empty otherwise).
/// </summary>
public sealed record ClaimOutcome(ClaimResult Result, Claim? Claim, IReadOnlyList<Claim> Holders);

/// <summary>
/// A filter over held claims; null means any. <see cref="ExceptAgent"/> with <see cref="ExceptTrack"/> leaves out the
/// claims of sessions of that agent and track: the briefing shows the <i>other</i> sessions' claims, and is read before
/// it knows which session SOD resumed — the tuple (agent, venture, repo, track) has one active session, so in a query
/// of one venture and repo this is the caller's session.
/// </summary>
public sealed record ClaimQuery(string? Venture, string? Repo, string? SessionId, PageRequest Page, string? ExceptAgent = null, string? ExceptTrack = null);
