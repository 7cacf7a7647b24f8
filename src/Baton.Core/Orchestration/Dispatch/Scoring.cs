using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Orchestration.Dispatch;

/// <summary>One past result of an agent for a capability, as scoring reads it (newest first in every list).</summary>
public sealed record ResultSample(bool Success, DateTimeOffset At);

/// <summary>
/// The seed's scoring (Agent Mesh), exactly as docs/architecture.md §14 gives it:
/// <c>score = weight × dependency_health × rolling_success × recency_boost × preferred</c>. Pure; every number here is
/// the design's, so they are constants rather than options.
/// </summary>
public static class Scoring
{
    /// <summary>How many of an agent's latest results for a capability count.</summary>
    public const int HistoryWindow = 20;

    /// <summary>Result i (newest i = 0) weighs <c>Decay^i</c>.</summary>
    public const double Decay = 0.95;

    /// <summary>The boost when the last <see cref="RecencyRun"/> results all succeeded.</summary>
    public const double RecencyBoost = 1.1;

    public const int RecencyRun = 3;

    /// <summary>The factor of a capability marked preferred.</summary>
    public const double PreferredBoost = 1.05;

    /// <summary>
    /// The success rate over the newest <see cref="HistoryWindow"/> results, result i weighted <c>0.95^i</c>:
    /// <c>Σ 0.95^i·s_i / Σ 0.95^i</c>. 1.0 without history (a new agent is trusted at its weight).
    /// </summary>
    public static double RollingSuccess(IReadOnlyList<ResultSample> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        var count = Math.Min(newestFirst.Count, HistoryWindow);
        if (count == 0) return 1.0;
        double weighted = 0, total = 0, factor = 1;
        for (var i = 0; i < count; i++)
        {
            if (newestFirst[i].Success) weighted += factor;
            total += factor;
            factor *= Decay;
        }
        return weighted / total;
    }

    /// <summary>1.1 when the newest three results all succeeded (fewer than three results: no boost), else 1.0.</summary>
    public static double Recency(IReadOnlyList<ResultSample> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        if (newestFirst.Count < RecencyRun) return 1.0;
        for (var i = 0; i < RecencyRun; i++)
        {
            if (!newestFirst[i].Success) return 1.0;
        }
        return RecencyBoost;
    }

    /// <summary>0 when any requirement of the capability is unhealthy; 1 otherwise (a requirement never checked does not fail).</summary>
    public static double DependencyHealth(AgentCapability capability, IReadOnlyList<HealthResult> health)
    {
        ArgumentNullException.ThrowIfNull(capability);
        return capability.Requirements.Any(r => AgentRules.StateOf(r, health) == HealthState.Unhealthy) ? 0.0 : 1.0;
    }

    public static double Preferred(AgentCapability capability) => capability.Preferred ? PreferredBoost : 1.0;

    /// <summary>The product, in the design's order.</summary>
    public static double Score(double weight, double dependencyHealth, double rollingSuccess, double recencyBoost, double preferred) =>
        weight * dependencyHealth * rollingSuccess * recencyBoost * preferred;
}
