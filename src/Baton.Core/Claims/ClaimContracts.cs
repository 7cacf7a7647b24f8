namespace Baton.Core.Claims;

// Requests and answers of claims (issue 15): POST /v1/claims, DELETE /v1/claims/{id}, GET /v1/claims, POST /v1/claims/check.

/// <summary>
/// A session claiming an issue (<see cref="IssueNumber"/>) or files (<see cref="Files"/>: git wildmatch globs relative to
/// the repository root) — exactly one of the two. Venture, repo and agent are the session's. <see cref="Mode"/> defaults
/// to exclusive.
/// </summary>
public sealed record CreateClaimRequest(string? SessionId, int? IssueNumber = null, IReadOnlyList<string>? Files = null, ClaimMode? Mode = null);

/// <summary>The claim held; <see cref="Created"/> is false when the session already held this very claim.</summary>
public sealed record ClaimResponse(Claim Claim, bool Created);

/// <summary>A page of held claims; <see cref="SessionId"/> narrows to one session.</summary>
public sealed record ClaimListRequest(string? Venture = null, string? Repo = null, string? SessionId = null, int? Limit = null, string? Cursor = null);

/// <summary>
/// Which of <see cref="Files"/> (repository-relative paths, as <c>git diff --cached --name-only</c> prints them) a held
/// exclusive claim of a session other than <see cref="SessionId"/> covers, in (<see cref="Venture"/>, <see cref="Repo"/>).
/// </summary>
/// <summary>
/// Staged files to check before a commit. The committer is <see cref="SessionId"/> when the front end remembers it, and
/// <see cref="Agent"/> always: a claim held by a live session of the same agent is the committer's own — an agent that
/// started its session through MCP (no session file) must not be refused its own claimed files.
/// </summary>
public sealed record CheckClaimsRequest(string? Venture, string? Repo, IReadOnlyList<string>? Files, string? SessionId = null, string? Agent = null);

/// <summary>The files held by others (in the order asked), each with the claim that holds it; empty when the commit may go.</summary>
public sealed record ClaimCheck(IReadOnlyList<HeldFile> Held);

public interface IClaimService
{
    /// <summary>Claims for a live session, or refuses with 409 <c>claim_conflict</c> naming every holder (session, agent, since when).</summary>
    Task<ClaimResponse> ClaimAsync(CreateClaimRequest request, CancellationToken ct);

    /// <summary>Releases a claim (any key that may act for its venture may: a stuck claim must be clearable); repeating it answers the same.</summary>
    Task<Claim> ReleaseClaimAsync(string id, CancellationToken ct);

    Task<Claim> GetClaimAsync(string id, CancellationToken ct);

    /// <summary>Held claims, newest first, with the exact total.</summary>
    Task<Baton.Core.Common.Page<Claim>> ListClaimsAsync(ClaimListRequest request, CancellationToken ct);

    /// <summary>The pre-commit guard's question: which of these files another live session holds exclusively.</summary>
    Task<ClaimCheck> CheckAsync(CheckClaimsRequest request, CancellationToken ct);
}
