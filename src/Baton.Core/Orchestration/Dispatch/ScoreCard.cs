using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Orchestration.Dispatch;

/// <summary>Why a candidate with the capability could not be given the task.</summary>
public enum Exclusion
{
    /// <summary>No heartbeat within the offline threshold (90 s).</summary>
    Offline,
    /// <summary>Paused until a later time.</summary>
    Paused,
    /// <summary>Already running or assigned max_concurrency tasks.</summary>
    AtCapacity,
    /// <summary>Its machine has no clone of the task's repo (or it is on no machine).</summary>
    NoClone,
    /// <summary>It failed the task's last attempt (or did not start it) and another candidate exists.</summary>
    FailedLastAttempt,
}

/// <summary>One requirement of the capability and its state when the task was scored.</summary>
public sealed record RequirementHealth(string Requirement, HealthState State);

/// <summary>
/// Why an agent scored what it did for one task, stored with every assignment (<c>baton tasks explain</c>): each factor
/// of the product, the tie-breakers, whether it was excluded and why, and whether it was chosen (as a probe or as the
/// best). Numbers are the full doubles the decision used.
/// </summary>
public sealed record ScoreCard(
    string AgentId,
    string AgentName,
    double Weight,
    double DependencyHealth,
    IReadOnlyList<RequirementHealth> Requirements,
    double RollingSuccess,
    int HistoryCount,
    double RecencyBoost,
    double Preferred,
    double Score,
    int Running,
    DateTimeOffset? LastSuccessAt,
    Exclusion? Excluded,
    bool Chosen,
    bool Probe);
