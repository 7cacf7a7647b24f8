using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Core.Claims;

/// <summary>SOD's claim of its issue, shared (<see cref="ISodClaims"/>): the same store decision as any claim.</summary>
internal sealed class SodClaims(IClaimStore claims, BatonCore core, Caller caller) : ISodClaims
{
    public async Task<SodIssueClaim> ClaimIssueAsync(Session session, CancellationToken ct)
    {
        var issue = session.IssueNumber ?? throw new ArgumentException("The session names no issue.", nameof(session));
        var now = core.Now();
        var candidate = new Claim(core.Ids.New(IdGenerator.Claim), session.Id, session.Venture, session.Repo, session.Agent,
            issue, [], ClaimMode.Shared, now, null, null, caller.ActorKeyId);
        var outcome = await claims.InsertClaimAsync(candidate, now, core.Options.StaleAfter, ct);
        return outcome.Result switch
        {
            ClaimResult.Granted or ClaimResult.AlreadyHeld => new SodIssueClaim(issue, outcome.Claim!.Id, null),
            ClaimResult.Refused => new SodIssueClaim(issue, null, ClaimService.ConflictDetail(candidate, outcome.Holders, now)),
            // The session SOD just made active cannot be missing or stale a moment later, short of a racing EOD.
            _ => new SodIssueClaim(issue, null, $"Session {session.Id} was no longer active when its issue was claimed."),
        };
    }
}
