namespace Baton.Bench;

/// <summary>Latency samples in milliseconds, and the percentiles we quote (medians and p99, never a single time).</summary>
public sealed class Samples
{
    private readonly List<double> _ms = [];
    private readonly object _gate = new();

    public void Add(double ms)
    {
        lock (_gate) _ms.Add(ms);
    }

    public int Count => _ms.Count;

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.OrderBy(x => x).ToArray();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }
}

/// <summary>One printed result line.</summary>
public sealed record Figure(string Name, string Value, string? Target = null, bool? Met = null);
