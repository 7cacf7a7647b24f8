using System.Globalization;
using Baton.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// Counts every authenticated request against its actor's window and puts the figures on the answer:
/// <c>X-RateLimit-Limit</c> (requests per window), <c>X-RateLimit-Remaining</c>, and <c>X-RateLimit-Reset</c> —
/// <b>seconds until the window resets</b> (a delta, like <c>Retry-After</c>, so clients need no synchronised clock).
/// Over the limit: 429 <c>rate_limited</c> with <c>Retry-After</c>. Not registered at all when the limit is 0 (off).
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, IRateLimiter limiter)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var caller = http.Baton().Caller;
        if (caller is null)
        {
            await next(http);
            return;
        }

        var decision = await limiter.AcquireAsync(caller.ActorKeyId, http.RequestAborted);
        var headers = http.Response.Headers;
        var reset = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = reset;

        if (decision.Allowed)
        {
            await next(http);
            return;
        }

        headers.RetryAfter = reset;
        await Problems.WriteAsync(http, ErrorCodes.RateLimited,
            $"This key may make {decision.Limit} requests a minute. Wait {reset} seconds (see Retry-After) and slow down.");
    }
}
