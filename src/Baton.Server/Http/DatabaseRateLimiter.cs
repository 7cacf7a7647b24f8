using Baton.Core.Requests;

namespace Baton.Server.Http;

/// <summary>
/// The fixed-window rule of <see cref="FixedWindowRateLimiter"/>, counted in the shared database so an actor's limit
/// holds across every replica: one upsert (one round trip) per authenticated request returns the window's start and
/// its count. Costs that round trip on every request; the price of replicas agreeing.
/// </summary>
internal sealed class DatabaseRateLimiter(IRateLimitCounter store, int limitPerMinute, TimeProvider clock) : IRateLimiter
{
    public async ValueTask<RateDecision> AcquireAsync(string actorKeyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (windowStart, count) = await store.CountRequestAsync(actorKeyId, now, FixedWindowRateLimiter.Window, ct);
        var resetAfter = windowStart + FixedWindowRateLimiter.Window - now;
        return count <= limitPerMinute
            ? new RateDecision(true, limitPerMinute, limitPerMinute - count, resetAfter)
            : new RateDecision(false, limitPerMinute, 0, resetAfter);
    }
}
