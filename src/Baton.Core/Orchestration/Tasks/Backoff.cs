namespace Baton.Core.Orchestration.Tasks;

/// <summary>
/// The retry delay after a failed attempt (docs/architecture.md §14): <c>min(15 s · 2^(attempt−1), 1 h)</c> plus a jitter of up
/// to 30 s, so tasks that failed together (an outage) do not all come back in the same second.
/// </summary>
public static class Backoff
{
    public static readonly TimeSpan Base = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Cap = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxJitter = TimeSpan.FromSeconds(30);

    /// <summary>The delay after attempt <paramref name="attempt"/> (1 = the first) failed, without jitter.</summary>
    public static TimeSpan Delay(int attempt)
    {
        if (attempt < 1) attempt = 1;
        // 15 s · 2^8 is already past the cap; stopping the doubling there keeps the arithmetic from overflowing.
        var exponent = Math.Min(attempt - 1, 8);
        var delay = Base * (1L << exponent);
        return delay < Cap ? delay : Cap;
    }

    /// <summary>A jitter drawn uniformly from 0 to 30 s (whole milliseconds).</summary>
    public static TimeSpan Jitter(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return TimeSpan.FromMilliseconds(random.NextInt64(0, (long)MaxJitter.TotalMilliseconds + 1));
    }
}
