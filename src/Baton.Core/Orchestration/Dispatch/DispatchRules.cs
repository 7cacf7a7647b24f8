using System.Globalization;
using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Orchestration.Dispatch;

/// <summary>What the dispatcher knows about one agent when it scores a task (loaded by the store in the same transaction).</summary>
/// <param name="Running">Tasks assigned to or running on it now.</param>
/// <param name="ProbeInFlight">A probe task is assigned to or running on it now (at most one at a time).</param>
/// <param name="HasRepo">Its machine has a clone of the task's repo (true for a task without a repo).</param>
/// <param name="History">Its newest results for the task's capability, newest first (at most 20 are read).</param>
public sealed record CandidateFacts(
    Agent Agent,
    AgentStatus Status,
    bool Paused,
    int Running,
    bool ProbeInFlight,
    bool HasRepo,
    IReadOnlyList<HealthResult> Health,
    IReadOnlyList<ResultSample> History);

/// <summary>What of a task scoring reads.</summary>
/// <param name="LastFailedAgent">The agent that failed (or did not start) the last attempt: excluded unless it is the only candidate.</param>
public sealed record TaskFacts(string Capability, int Priority, string? LastFailedAgent);

/// <summary>
/// The exploration rule (docs/architecture.md §14 "Exploration"): a task whose priority is at most <see cref="MaxPriority"/>
/// (low risk) goes as a probe to the highest-ranked other candidate that is healthy, scores above zero and at least
/// <see cref="ScoreFraction"/> of the best, and has no probe in flight. That is how an agent whose score fell (failures,
/// an outage) earns its history back: without it, it would never be chosen again. A negative
/// <see cref="MaxPriority"/> turns probing off.
/// </summary>
public sealed record ProbeRule(int MaxPriority, double ScoreFraction)
{
    public static ProbeRule Default { get; } = new(3, 0.5);

    public static ProbeRule Off { get; } = new(-1, 1.0);
}

/// <summary>The dispatcher's choice for one task: the agent (null: nobody now), whether as a probe, every score card, and why.</summary>
public sealed record DispatchDecision(string? AgentId, bool Probe, IReadOnlyList<ScoreCard> Cards, string Reason);

/// <summary>Candidates, ranking, the retry exclusion and exploration: which agent gets a task. Pure.</summary>
public static class DispatchRules
{
    /// <summary>
    /// Scores every agent that has the capability (others are not candidates and get no card), excludes those offline,
    /// paused, at max concurrency or without a clone of the repo, then the agent that failed the last attempt unless it
    /// is the only one left. The rest are ranked by score, then fewer running tasks, then most recent success, then
    /// name. The best gets the task unless the probe rule sends it to another. A candidate with an unhealthy requirement
    /// (dependency health 0) is never chosen; when that is every candidate, nobody gets it and the task waits for health
    /// to return.
    /// </summary>
    public static DispatchDecision Decide(TaskFacts task, IReadOnlyList<CandidateFacts> agents, ProbeRule probe)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(probe);

        var scored = new List<(CandidateFacts Facts, ScoreCard Card)>();
        foreach (var facts in agents)
        {
            if (facts.Agent.Capability(task.Capability) is not { } capability) continue;
            scored.Add((facts, Card(facts, capability, ExclusionOf(facts))));
        }

        var eligible = scored.Where(s => s.Card.Excluded is null).ToList();
        if (task.LastFailedAgent is { } failed && eligible.Count > 1 && eligible.Any(s => s.Facts.Agent.Id == failed))
        {
            var index = scored.FindIndex(s => s.Facts.Agent.Id == failed);
            scored[index] = (scored[index].Facts, scored[index].Card with { Excluded = Exclusion.FailedLastAttempt });
            eligible.RemoveAll(s => s.Facts.Agent.Id == failed);
        }

        var ranked = eligible.Select(s => s.Card).OrderBy(c => c, Ranking.Instance).ToList();
        var cards = scored.Select(s => s.Card).OrderBy(c => c.Excluded is not null).ThenBy(c => c, Ranking.Instance).ToList();

        if (scored.Count == 0) return new DispatchDecision(null, false, cards, $"no agent has the capability '{task.Capability}'");
        if (ranked.Count == 0) return new DispatchDecision(null, false, cards, "no candidate: every agent with the capability is excluded");
        // A candidate whose requirement is unhealthy would only fail: it is never chosen. Any other is, even at score 0
        // (only failures in its history): a task is better tried than left queued for ever.
        ranked.RemoveAll(c => c.DependencyHealth <= 0);
        if (ranked.Count == 0) return new DispatchDecision(null, false, cards, "every candidate has an unhealthy requirement (dependency health 0)");
        var best = ranked[0];

        var chosen = best;
        var isProbe = false;
        var reason = ranked.Count == 1
            ? $"the only candidate, score {F(best.Score)}"
            : $"best score {F(best.Score)} of {ranked.Count} candidates";
        if (task.Priority <= probe.MaxPriority)
        {
            var threshold = probe.ScoreFraction * best.Score;
            var candidate = ranked.Skip(1).FirstOrDefault(c =>
                c.Score > 0 && c.Score < best.Score && c.Score >= threshold && c.DependencyHealth > 0
                && !agents.First(a => a.Agent.Id == c.AgentId).ProbeInFlight);
            if (candidate is not null)
            {
                chosen = candidate;
                isProbe = true;
                reason = $"probe: priority {task.Priority} ≤ {probe.MaxPriority} and score {F(candidate.Score)} ≥ {F(probe.ScoreFraction)} × best {F(best.Score)} ({best.AgentName})";
            }
        }

        cards = cards.Select(c => c.AgentId == chosen.AgentId ? c with { Chosen = true, Probe = isProbe } : c).ToList();
        return new DispatchDecision(chosen.AgentId, isProbe, cards, reason);
    }

    /// <summary>The card of one agent for a capability, with its exclusion if any (not yet chosen).</summary>
    public static ScoreCard Card(CandidateFacts facts, AgentCapability capability, Exclusion? excluded)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(capability);
        var history = facts.History.Count > Scoring.HistoryWindow ? facts.History.Take(Scoring.HistoryWindow).ToList() : facts.History;
        var dependency = Scoring.DependencyHealth(capability, facts.Health);
        var rolling = Scoring.RollingSuccess(history);
        var recency = Scoring.Recency(history);
        var preferred = Scoring.Preferred(capability);
        return new ScoreCard(
            facts.Agent.Id,
            facts.Agent.Name,
            capability.Weight,
            dependency,
            capability.Requirements.Select(r => new RequirementHealth(r, AgentRules.StateOf(r, facts.Health))).ToList(),
            rolling,
            history.Count,
            recency,
            preferred,
            Scoring.Score(capability.Weight, dependency, rolling, recency, preferred),
            facts.Running,
            history.FirstOrDefault(h => h.Success)?.At,
            excluded,
            Chosen: false,
            Probe: false);
    }

    private static Exclusion? ExclusionOf(CandidateFacts facts)
    {
        if (facts.Status == AgentStatus.Offline) return Exclusion.Offline;
        if (facts.Paused) return Exclusion.Paused;
        if (facts.Running >= facts.Agent.MaxConcurrency) return Exclusion.AtCapacity;
        if (!facts.HasRepo) return Exclusion.NoClone;
        return null;
    }

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>Score (higher first), then fewer running, then the most recent success (none last), then name and id.</summary>
    private sealed class Ranking : IComparer<ScoreCard>
    {
        public static readonly Ranking Instance = new();

        public int Compare(ScoreCard? x, ScoreCard? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return 1;
            if (y is null) return -1;
            var c = y.Score.CompareTo(x.Score);
            if (c != 0) return c;
            c = x.Running.CompareTo(y.Running);
            if (c != 0) return c;
            c = Nullable.Compare(y.LastSuccessAt, x.LastSuccessAt);
            if (c != 0) return c;
            c = string.CompareOrdinal(x.AgentName, y.AgentName);
            return c != 0 ? c : string.CompareOrdinal(x.AgentId, y.AgentId);
        }
    }
}
