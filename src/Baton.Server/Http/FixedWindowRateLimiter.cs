using System.Collections.Concurrent;

namespace Baton.Server.Http;

/// <summary>The outcome of counting one request against its actor's window.</summary>
/// <param name="ResetAfter">Time until the actor's window starts afresh.</param>
internal readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, TimeSpan ResetAfter)
{
    /// <summary>Whole seconds until reset, rounded up and at least 1: what <c>X-RateLimit-Reset</c> and <c>Retry-After</c> carry.</summary>
    public int ResetSeconds => Math.Max(1, (int)Math.Ceiling(ResetAfter.TotalSeconds));
}

/// <summary>Counts a request against its actor's limit: in memory on one node, in the database across replicas.</summary>
internal interface IRateLimiter
{
    ValueTask<RateDecision> AcquireAsync(string actorKeyId, CancellationToken ct);
}

/// <summary>
/// Per-actor request limits, in memory (single node, docs/architecture.md §7). Fixed 60-second windows rather than a token
/// bucket: a window is one counter and one start time per actor, and it makes the headers exact — "N left until the
/// window resets in S seconds" — where a bucket's "reset" is only an estimate. The price, up to twice the limit across
/// a window boundary, is harmless for a coordination API. Each actor's window starts at its own first request, so a
/// fleet does not reset (and retry) in the same second. One counter per API key ever seen: bounded by the key count.
/// </summary>
internal sealed class FixedWindowRateLimiter(int limitPerMinute, TimeProvider clock) : IRateLimiter
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private sealed class Counter
    {
        public DateTimeOffset WindowStart = DateTimeOffset.MinValue;
        public int Count;
    }

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public int Limit => limitPerMinute;

    public ValueTask<RateDecision> AcquireAsync(string actorKeyId, CancellationToken ct) => ValueTask.FromResult(Acquire(actorKeyId));

    public RateDecision Acquire(string actorKeyId)
    {
        var now = clock.GetUtcNow();
        var counter = _counters.GetOrAdd(actorKeyId, static _ => new Counter());
        lock (counter)
        {
            // A clock that went backwards also starts a new window, rather than locking the actor out.
            if (now - counter.WindowStart >= Window || now < counter.WindowStart)
            {
                counter.WindowStart = now;
                counter.Count = 0;
            }

            var resetAfter = counter.WindowStart + Window - now;
            if (counter.Count >= limitPerMinute) return new RateDecision(false, limitPerMinute, 0, resetAfter);

            counter.Count++;
            return new RateDecision(true, limitPerMinute, limitPerMinute - counter.Count, resetAfter);
        }
    }
}
