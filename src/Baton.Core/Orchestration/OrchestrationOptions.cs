using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Orchestration;

/// <summary>
/// The orchestrator's numbers (docs/architecture.md §11, §14). The scoring constants are docs/architecture.md §14's and live in
/// <see cref="Scoring"/>; these are the times and the exploration rule a team may want to tune. Validated once at
/// start by the host.
/// </summary>
public sealed class OrchestrationOptions
{
    /// <summary>No heartbeat (registration, heartbeat or long poll) for this long and an agent is offline. Default 90 s.</summary>
    public TimeSpan OfflineAfter { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a start or renew holds a running task; workers renew every third of it. Default 60 s.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An assigned task not started within this is given to another agent. Default 60 s.</summary>
    public TimeSpan StartWithin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The dispatcher wakes at least this often to sweep expired leases and elapsed backoffs. Default 30 s.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tasks at or below this priority may go to a lower-scoring agent as a probe (<see cref="ProbeRule"/>); −1 turns probing off. Default 3.</summary>
    public int ProbeMaxPriority { get; init; } = ProbeRule.Default.MaxPriority;

    /// <summary>A probe candidate must score at least this fraction of the best. Default 0.5.</summary>
    public double ProbeScoreFraction { get; init; } = ProbeRule.Default.ScoreFraction;

    /// <summary>The longest <c>POST /v1/agents/{id}/next</c> waits for an assignment. Default 30 s.</summary>
    public TimeSpan LongPollMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many queued tasks are considered per dispatch pass. Default 256.</summary>
    public int DispatchBatch { get; init; } = 256;

    /// <summary>The server probes each agent's URL health checks this often (a check probed or reported more recently waits). Default 30 s.</summary>
    public TimeSpan HealthProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A URL health check not answered within this is unhealthy. Default 5 s; at most the interval.</summary>
    public TimeSpan HealthProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public LeaseTimes Leases => new(LeaseTtl, StartWithin);

    public ProbeRule Probe => new(ProbeMaxPriority, ProbeScoreFraction);

    /// <summary>Every problem, each naming the allowed values; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Positive(problems, nameof(OfflineAfter), OfflineAfter, "90 seconds");
        Positive(problems, nameof(LeaseTtl), LeaseTtl, "60 seconds");
        Positive(problems, nameof(StartWithin), StartWithin, "60 seconds");
        Positive(problems, nameof(SweepInterval), SweepInterval, "30 seconds");
        Positive(problems, nameof(LongPollMax), LongPollMax, "30 seconds");
        // Zero: this process probes nothing (results come from workers only); negative is a mistake.
        if (HealthProbeInterval < TimeSpan.Zero)
            problems.Add($"HealthProbeInterval: {HealthProbeInterval} must be zero (no probes) or positive (default 30 seconds).");
        Positive(problems, nameof(HealthProbeTimeout), HealthProbeTimeout, "5 seconds");
        // A round holds its turn while its probes run: one that could outlast the interval would delay the next.
        if (HealthProbeInterval > TimeSpan.Zero && HealthProbeTimeout > HealthProbeInterval)
            problems.Add($"HealthProbeTimeout: {HealthProbeTimeout} must be at most HealthProbeInterval ({HealthProbeInterval}).");
        if (ProbeMaxPriority is < -1 or > 10)
            problems.Add($"ProbeMaxPriority: {ProbeMaxPriority} must be from -1 (no probes) to 10 (default 3).");
        if (double.IsNaN(ProbeScoreFraction) || ProbeScoreFraction is <= 0 or > 1)
            problems.Add($"ProbeScoreFraction: {ProbeScoreFraction} must be above 0 and at most 1 (default 0.5).");
        if (DispatchBatch is < 1 or > 10_000)
            problems.Add($"DispatchBatch: {DispatchBatch} must be from 1 to 10,000 (default 256).");
        return problems;
    }

    private static void Positive(List<string> problems, string name, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero) problems.Add($"{name}: {value} must be positive (e.g. {example}).");
    }
}
