using Baton.Core.Briefing;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Storage.Relational;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    /// <summary>
    /// The briefing's "Your tasks" part, added to the briefing's batch (no round trip of its own): the venture's
    /// counts, the agent by name, and its running and assigned tasks. The lists cannot wait for the agent's id (that
    /// would be a second round trip), so they name the agent by a subquery on the same snapshot — no registered agent
    /// of that name (none, or removed) matches no task, and the parts are made empty pages as the contract says.
    /// </summary>
    private static Func<BriefingQueueSources> AddBriefingQueue(Batch batch, BriefingQueueQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var counts = batch.Add(CountTasksQuery(q.Venture));
        var agent = batch.Add(Queries.List($"SELECT {OrchestrationRows.AgentColumns} FROM agents WHERE name = @name",
            OrchestrationRows.Agent, ("name", q.AgentName)).Then(rows => rows.FirstOrDefault()));
        var running = batch.Add(TasksPageQuery(AgentTasks(q, TaskState.Running), q.Page));
        var assigned = batch.Add(TasksPageQuery(AgentTasks(q, TaskState.Assigned), q.Page));
        return () =>
        {
            var sources = new BriefingQueueSources(counts(), agent(), BriefingQueueSources.NoTasks, BriefingQueueSources.NoTasks);
            return sources.RegisteredAgentId is null ? sources : sources with { Running = running(), Assigned = assigned() };
        };
    }

    private static Filter AgentTasks(BriefingQueueQuery q, TaskState state)
    {
        var filter = TaskFilter(new TaskQuery(q.Page, q.Venture, state));
        filter.Add($"assigned_agent = (SELECT id FROM agents WHERE name = {Filter.Parameter("agent_name")} AND removed_at IS NULL)",
            Filter.Arg("agent_name", q.AgentName));
        return filter;
    }
}
