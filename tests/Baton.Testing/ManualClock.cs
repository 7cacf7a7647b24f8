using System.Globalization;

namespace Baton.Testing;

/// <summary>
/// A clock that moves only when told to. Only wall time is faked: timers and timestamps for durations stay real, so
/// background loops (the request-log writer) keep running. Reads and moves take a lock because a server under test
/// reads the clock from request threads while the test advances it.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>Where a clock made without a start begins: 2026-11-22 09:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private DateTimeOffset _now = start;

    public ManualClock() : this(DefaultStart)
    {
    }

    /// <summary>A clock at an ISO 8601 instant, e.g. <c>2026-11-22T01:30:00.123Z</c>.</summary>
    public static ManualClock At(string iso) => new(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture));

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }
}
