using Baton.Core.Briefing;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    /// <summary>
    /// The briefing's "Your tasks" part, inside the briefing's read transaction: the agent is looked up first and its
    /// tasks listed with its id, all on the same snapshot (on SQLite a read is no round trip).
    /// </summary>
    private static BriefingQueueSources BriefingQueue(Db db, BriefingQueueQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var counts = CountTasks(db, q.Venture);
        var agent = FindAgentByName(db, q.AgentName);
        var sources = new BriefingQueueSources(counts, agent, BriefingQueueSources.NoTasks, BriefingQueueSources.NoTasks);
        if (sources.RegisteredAgentId is not { } agentId) return sources;
        return sources with
        {
            Running = ListTasks(db, new TaskQuery(q.Page, q.Venture, TaskState.Running, Agent: agentId)),
            Assigned = ListTasks(db, new TaskQuery(q.Page, q.Venture, TaskState.Assigned, Agent: agentId)),
        };
    }
}
