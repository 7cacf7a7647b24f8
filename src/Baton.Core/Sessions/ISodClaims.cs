namespace Baton.Core.Sessions;

/// <summary>
/// SOD's claim of the issue it names (docs/architecture.md §15 Claims), implemented by the claims feature. A port here
/// because claims depend on sessions (a claim is bound to a live session), so sessions may not depend on claims; the
/// composition root hands the implementation in.
/// </summary>
internal interface ISodClaims
{
    /// <summary>
    /// Claims <paramref name="session"/>'s issue, shared. Never throws for a conflict: SOD must not fail over a claim,
    /// so a refusal comes back in <see cref="SodIssueClaim.Refused"/>, naming the holder.
    /// </summary>
    Task<SodIssueClaim> ClaimIssueAsync(Session session, CancellationToken ct);
}

/// <summary>
/// What SOD's claim of its issue came to: <see cref="ClaimId"/> of the claim now held (new, or the one a resumed session
/// already held), or <see cref="Refused"/> saying who holds the issue exclusively and since when.
/// </summary>
public sealed record SodIssueClaim(int IssueNumber, string? ClaimId, string? Refused);
