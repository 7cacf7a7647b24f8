using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;

namespace Baton.Core.Orchestration.Tasks;

/// <summary>
/// What a dispatch pass reads, in the same transaction as the assignments it leads to: the live agents, their health,
/// load and probes, the newest results per (agent, capability) for the capabilities in the queue that some agent has
/// room for (<see cref="TaskDispatch.CapabilitiesWithRoom"/>; at most 20 each, newest first), and which machines have a
/// clone of each repo in the queue.
/// </summary>
public sealed record DispatchSnapshot(
    IReadOnlyList<Agent> Agents,
    IReadOnlyDictionary<string, IReadOnlyList<HealthResult>> Health,
    IReadOnlyDictionary<string, int> Running,
    IReadOnlySet<string> ProbesInFlight,
    IReadOnlyDictionary<(string AgentId, string Capability), IReadOnlyList<ResultSample>> History,
    IReadOnlyDictionary<string, IReadOnlySet<string>> MachinesWithRepo);

/// <summary>How a dispatch pass runs: its time, the lease times of assignments, the probe rule and the offline threshold.</summary>
public sealed record DispatchPass(DateTimeOffset Now, LeaseTimes Times, ProbeRule Probe, TimeSpan OfflineAfter, int MaxTasks);

/// <summary>Assigns a queue against one snapshot. Pure.</summary>
public static class TaskDispatch
{
    /// <summary>
    /// Goes through <paramref name="queue"/> in the order given (the store reads queued tasks that are due by priority,
    /// highest first, then age) and assigns each to the agent <see cref="DispatchRules.Decide"/> picks. Each assignment
    /// counts against that agent's concurrency (and probe) for the tasks after it in the same pass. Returns the
    /// assignments to persist; a task nobody can take now is left as it is (no event).
    /// </summary>
    public static IReadOnlyList<TaskChange> Plan(IReadOnlyList<BatonTask> queue, DispatchSnapshot snapshot, DispatchPass pass)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pass);
        var running = new Dictionary<string, int>(snapshot.Running, StringComparer.Ordinal);
        var probes = new HashSet<string>(snapshot.ProbesInFlight, StringComparer.Ordinal);
        var changes = new List<TaskChange>();
        var withCapability = new Dictionary<string, List<Agent>>(StringComparer.Ordinal);
        foreach (var task in queue)
        {
            if (task.State != TaskState.Queued) continue;
            if (!withCapability.TryGetValue(task.Capability, out var able))
                withCapability[task.Capability] = able = [.. snapshot.Agents.Where(a => a.RemovedAt is null && a.Capability(task.Capability) is not null)];
            // Nobody with the capability has room: Decide would exclude every one as at capacity, and a task nobody
            // takes leaves no trace, so it is not scored. Under load this is most of the queue on most passes.
            if (!HasRoom(able, running)) continue;
            var facts = able.Select(a => Facts(a, task, snapshot, running, probes, pass)).ToList();
            var decision = DispatchRules.Decide(new TaskFacts(task.Capability, task.Priority, task.LastFailedAgent), facts, pass.Probe);
            if (decision.AgentId is not { } agent) continue;
            changes.Add(TaskRules.Assign(task, decision, pass.Now, pass.Times));
            running[agent] = running.GetValueOrDefault(agent) + 1;
            if (decision.Probe) probes.Add(agent);
        }
        return changes;
    }

    /// <summary>
    /// The capabilities of <paramref name="queue"/> that some agent having them (not removed) has room for — below its
    /// max concurrency by <paramref name="running"/>. A pass needs the result history of these only: a task of any
    /// other capability cannot be assigned in it (room only shrinks during a pass), so its candidates are never scored.
    /// </summary>
    public static IReadOnlySet<string> CapabilitiesWithRoom(IReadOnlyList<BatonTask> queue, IReadOnlyList<Agent> agents, IReadOnlyDictionary<string, int> running)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(running);
        var room = new HashSet<string>(StringComparer.Ordinal);
        foreach (var capability in queue.Where(t => t.State == TaskState.Queued).Select(t => t.Capability).Distinct(StringComparer.Ordinal))
        {
            if (HasRoom(agents.Where(a => a.RemovedAt is null && a.Capability(capability) is not null), running)) room.Add(capability);
        }
        return room;
    }

    private static bool HasRoom(IEnumerable<Agent> agents, IReadOnlyDictionary<string, int> running) =>
        agents.Any(a => running.GetValueOrDefault(a.Id) < a.MaxConcurrency);

    private static CandidateFacts Facts(Agent agent, BatonTask task, DispatchSnapshot snapshot, Dictionary<string, int> running,
        HashSet<string> probes, DispatchPass pass)
    {
        var health = snapshot.Health.TryGetValue(agent.Id, out var h) ? h : [];
        var history = snapshot.History.TryGetValue((agent.Id, task.Capability), out var samples) ? samples : [];
        var hasRepo = task.Repo is null
                      || (agent.MachineId is { } machine && snapshot.MachinesWithRepo.TryGetValue(task.Repo, out var machines) && machines.Contains(machine));
        return new CandidateFacts(
            agent,
            AgentRules.StatusAt(agent, health, pass.Now, pass.OfflineAfter),
            AgentRules.IsPaused(agent, pass.Now),
            running.GetValueOrDefault(agent.Id),
            probes.Contains(agent.Id),
            hasRepo,
            health,
            history);
    }
}
