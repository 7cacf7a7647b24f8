namespace Baton.Client;

/// <summary>
/// Bounded exponential backoff with jitter, as a pure function so its bounds are tested without waiting.
/// Half of each delay is fixed and half is random ("equal jitter"): clients that failed together do not retry
/// together, and no retry comes sooner than half the planned delay.
/// </summary>
public static class RetryBackoff
{
    /// <param name="retry">1 for the first retry (the second attempt), 2 for the next, …</param>
    /// <param name="jitter">A value in [0, 1) drawn by the caller.</param>
    public static TimeSpan DelayFor(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponent = Math.Min(retry - 1, 30); // 2^30 × any sane base is past every cap; avoids overflow.
        var planned = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var clampedJitter = Math.Clamp(jitter, 0, 1);
        return TimeSpan.FromMilliseconds(planned / 2 + planned / 2 * clampedJitter);
    }
}
