using System.Text;
using Baton.Core.Requests;

namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset IdemExpiry = T0.AddHours(1);

    [Fact]
    public async Task ClaimIdempotency_WhenKeyNew_Claims()
    {
        var claim = await Store.ClaimIdempotencyAsync(Some.IdempotencyKey(), "hash-a", T0, IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.Claimed, claim.Result);
        Assert.Null(claim.Response);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenCompletedWithSameRequest_ReplaysTheStoredResponse()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);
        var body = Encoding.UTF8.GetBytes("""{"session":{"id":"sess_1"}}""");
        await Store.CompleteIdempotencyAsync(key, new StoredResponse(201, "application/json; charset=utf-8", body, null, "/v1/sessions/sess_1"), Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-a", T0.AddMinutes(5), IdemExpiry.AddMinutes(5), Ct);

        Assert.Equal(IdempotencyClaimResult.Replay, claim.Result);
        Assert.Equal(201, claim.Response?.Status);
        Assert.Equal("application/json; charset=utf-8", claim.Response?.ContentType);
        Assert.Equal(body, claim.Response?.Body);
        Assert.Null(claim.Response?.BodyHash);
        Assert.Equal("/v1/sessions/sess_1", claim.Response?.Location);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenCompletedWithBodyHashOnly_ReplaysTheHash()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);
        await Store.CompleteIdempotencyAsync(key, new StoredResponse(200, "application/json", null, "abc123", null), Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-a", T0.AddMinutes(1), IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.Replay, claim.Result);
        Assert.Null(claim.Response?.Body);
        Assert.Equal("abc123", claim.Response?.BodyHash);
        Assert.Null(claim.Response?.Location);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenCompletedWithDifferentRequest_ReportsMismatch()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);
        await Store.CompleteIdempotencyAsync(key, new StoredResponse(200, "application/json", [1], null, null), Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-b", T0.AddMinutes(1), IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.Mismatch, claim.Result);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenPendingWithDifferentRequest_ReportsMismatch()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-b", T0.AddMinutes(1), IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.Mismatch, claim.Result);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenPendingWithSameRequest_ReportsInFlight()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-a", T0.AddSeconds(1), IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.InFlight, claim.Result);
    }

    [Fact]
    public async Task ClaimIdempotency_WhenRecordExpired_ClaimsAfresh()
    {
        var pending = Some.IdempotencyKey();
        var completed = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(pending, "hash-a", T0, IdemExpiry, Ct);
        await Store.ClaimIdempotencyAsync(completed, "hash-a", T0, IdemExpiry, Ct);
        await Store.CompleteIdempotencyAsync(completed, new StoredResponse(200, "application/json", [1], null, null), Ct);

        var pendingClaim = await Store.ClaimIdempotencyAsync(pending, "hash-b", IdemExpiry, IdemExpiry.AddHours(1), Ct);
        var completedClaim = await Store.ClaimIdempotencyAsync(completed, "hash-b", IdemExpiry, IdemExpiry.AddHours(1), Ct);

        Assert.Equal(IdempotencyClaimResult.Claimed, pendingClaim.Result);
        Assert.Equal(IdempotencyClaimResult.Claimed, completedClaim.Result);
        // The new claim is a fresh pending record: the old answer is gone.
        var again = await Store.ClaimIdempotencyAsync(completed, "hash-b", IdemExpiry.AddMinutes(1), IdemExpiry.AddHours(1), Ct);
        Assert.Equal(IdempotencyClaimResult.InFlight, again.Result);
    }

    [Fact]
    public async Task ClaimIdempotency_WithSameKeyForAnotherActorOrRoute_ClaimsSeparately()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);

        var otherActor = await Store.ClaimIdempotencyAsync(key with { ActorKeyId = "fedcba9876543210" }, "hash-b", T0, IdemExpiry, Ct);
        var otherRoute = await Store.ClaimIdempotencyAsync(key with { Route = "POST /v1/handoffs" }, "hash-b", T0, IdemExpiry, Ct);

        Assert.Equal(IdempotencyClaimResult.Claimed, otherActor.Result);
        Assert.Equal(IdempotencyClaimResult.Claimed, otherRoute.Result);
    }

    [Fact]
    public async Task ReleaseIdempotency_WhenPending_LetsTheKeyBeClaimedAgain()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);

        await Store.ReleaseIdempotencyAsync(key, Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-b", T0.AddSeconds(1), IdemExpiry, Ct);
        Assert.Equal(IdempotencyClaimResult.Claimed, claim.Result);
    }

    [Fact]
    public async Task ReleaseIdempotency_WhenCompleted_KeepsTheAnswerReplayable()
    {
        var key = Some.IdempotencyKey();
        await Store.ClaimIdempotencyAsync(key, "hash-a", T0, IdemExpiry, Ct);
        await Store.CompleteIdempotencyAsync(key, new StoredResponse(200, "application/json", [7], null, null), Ct);

        await Store.ReleaseIdempotencyAsync(key, Ct);

        var claim = await Store.ClaimIdempotencyAsync(key, "hash-a", T0.AddSeconds(1), IdemExpiry, Ct);
        Assert.Equal(IdempotencyClaimResult.Replay, claim.Result);
        Assert.Equal([7], claim.Response?.Body);
    }
}
