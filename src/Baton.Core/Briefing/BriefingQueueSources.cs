using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Briefing;

/// <summary>
/// The "Your tasks" part of a <see cref="BriefingSourceQuery"/> (docs/architecture.md §6): the venture's task counts
/// and the open tasks of the agent registered under <see cref="AgentName"/> (the session's agent), read in the
/// briefing's one snapshot with everything else (issue 14), so the queue line and the tasks listed agree with each other
/// and with the rest of the briefing, and a PostgreSQL SOD takes no round trip for them.
/// </summary>
public sealed record BriefingQueueQuery(string Venture, string AgentName, PageRequest Page);

/// <summary>
/// The answers to a <see cref="BriefingQueueQuery"/>, each exactly what the orchestration port answers in the same
/// snapshot: <see cref="Counts"/> is <see cref="IOrchestrationStore.CountTasksAsync"/> of the venture;
/// <see cref="Agent"/> is <see cref="IOrchestrationStore.FindAgentByNameOrNullAsync"/> (a removed agent included);
/// <see cref="Running"/> and <see cref="Assigned"/> are <see cref="IOrchestrationStore.ListTasksAsync"/> of the venture
/// in that state assigned to that agent, or empty pages when no agent of that name is registered (none, or removed).
/// </summary>
public sealed record BriefingQueueSources(TaskCounts Counts, Agent? Agent, Page<BatonTask> Running, Page<BatonTask> Assigned)
{
    /// <summary>The agent's id when it is registered (not removed): the one whose tasks the briefing lists.</summary>
    public string? RegisteredAgentId => Agent is { RemovedAt: null } agent ? agent.Id : null;

    public static Page<BatonTask> NoTasks { get; } = new([], 0, null);
}
