using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Client.Tests.Contract;

/// <summary>Claims (issue 15) answer the same in both modes: granted, refused with <c>claim_conflict</c> naming the holder, checked, listed, released.</summary>
public abstract partial class ServiceContractTests
{
    [Fact]
    public async Task Claim_ConflictCheckListAndRelease_AnswerAlikeInBothModes()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var holder = (await services.Sessions.SodAsync(new SodRequest("holder", "alpha", "alpha-console"), _ct)).Session;
        var other = (await services.Sessions.SodAsync(new SodRequest("other", "alpha", "alpha-console"), _ct)).Session;

        var granted = await services.Claims.ClaimAsync(new CreateClaimRequest(holder.Id, Files: ["src/**"]), _ct);
        var again = await services.Claims.ClaimAsync(new CreateClaimRequest(holder.Id, Files: ["src/**"]), _ct);
        var conflict = await Assert.ThrowsAsync<BatonException>(() =>
            services.Claims.ClaimAsync(new CreateClaimRequest(other.Id, Files: ["src/a.cs"], Mode: ClaimMode.Shared), _ct));
        var invalid = await Assert.ThrowsAsync<BatonException>(() =>
            services.Claims.ClaimAsync(new CreateClaimRequest(other.Id, IssueNumber: 3, Files: ["!x"]), _ct));
        var check = await services.Claims.CheckAsync(new CheckClaimsRequest("alpha", "alpha-console", ["src/a.cs", "README.md"], other.Id), _ct);
        var list = await services.Claims.ListClaimsAsync(new ClaimListRequest("alpha", "alpha-console"), _ct);
        var released = await services.Claims.ReleaseClaimAsync(granted.Claim.Id, _ct);
        var missing = await Assert.ThrowsAsync<BatonException>(() => services.Claims.ReleaseClaimAsync("claim_01JUNKJUNKJUNKJUNKJUNKJUNK", _ct));

        Assert.True(granted.Created);
        Assert.False(again.Created);
        Assert.Equal(granted.Claim.Id, again.Claim.Id);
        Assert.Equal(ErrorCodes.ClaimConflict, conflict.Code);
        Assert.Contains($"session {holder.Id} (agent holder)", conflict.Detail, StringComparison.Ordinal);
        Assert.Single(conflict.Errors!["holders"]);
        Assert.Equal(ErrorCodes.ValidationFailed, invalid.Code);
        Assert.Equal("src/a.cs", Assert.Single(check.Held).File);
        Assert.Equal(1, list.Total);
        Assert.Equal(ClaimRelease.Released, released.ReleaseReason);
        Assert.Equal(ErrorCodes.ClaimNotFound, missing.Code);
    }
}
