namespace Baton.Core.Orchestration.Agents;

/// <summary>How an agent looks at a moment: judged on read from its last heartbeat and its health results, never stored.</summary>
public enum AgentStatus { Online, Degraded, Offline }

/// <summary>The state of one requirement as scoring sees it: no result yet is <see cref="Unknown"/>, which does not fail.</summary>
public enum HealthState { Healthy, Unhealthy, Unknown }

/// <summary>What an agent's status and health are at a moment. Pure: every input is passed in.</summary>
public static class AgentRules
{
    /// <summary>No heartbeat for this long and an agent is offline (docs/architecture.md §14).</summary>
    public static readonly TimeSpan DefaultOfflineAfter = TimeSpan.FromSeconds(90);

    public const int MaxNameLength = 100;
    public const int MaxCapabilities = 50;
    public const int MaxRequirements = 20;
    public const int MaxConcurrencyLimit = 100;

    /// <summary>
    /// Offline when <paramref name="now"/> − last heartbeat ≥ <paramref name="offlineAfter"/>; else degraded when any
    /// requirement of any capability is unhealthy; else online. Pausing is separate (<see cref="IsPaused"/>): a paused
    /// agent is still online, it just gets nothing.
    /// </summary>
    public static AgentStatus StatusAt(Agent agent, IReadOnlyList<HealthResult> health, DateTimeOffset now, TimeSpan offlineAfter)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(health);
        if (now - agent.LastHeartbeatAt >= offlineAfter) return AgentStatus.Offline;
        var required = agent.Capabilities.SelectMany(c => c.Requirements).ToHashSet(StringComparer.Ordinal);
        return health.Any(h => !h.Healthy && required.Contains(h.Requirement)) ? AgentStatus.Degraded : AgentStatus.Online;
    }

    public static bool IsPaused(Agent agent, DateTimeOffset now) => agent.PausedUntil is { } until && until > now;

    /// <summary>The state of <paramref name="requirement"/> from the agent's latest results (one per requirement).</summary>
    public static HealthState StateOf(string requirement, IReadOnlyList<HealthResult> health)
    {
        foreach (var h in health)
        {
            if (string.Equals(h.Requirement, requirement, StringComparison.Ordinal)) return h.Healthy ? HealthState.Healthy : HealthState.Unhealthy;
        }
        return HealthState.Unknown;
    }
}
