using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Postgres;

/// <summary>
/// The orchestration port is not built on PostgreSQL yet (issue 14's PostgreSQL part: <c>FOR UPDATE SKIP LOCKED</c>
/// claims, migration 0006). Every call says so rather than pretending; the queue contract suite is not run here yet.
/// </summary>
public sealed partial class PostgresBatonStore
{
    private static NotSupportedException OrchestrationNotBuilt() =>
        new("The orchestrator (agents and tasks) is not built on the PostgreSQL store yet; use the SQLite store for it.");

    public Task<AgentUpsert> UpsertAgentAsync(Agent candidate, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Agent?> FindAgentOrNullAsync(string id, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Agent?> FindAgentByNameOrNullAsync(string name, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<AgentTouch?> TouchAgentAsync(string id, DateTimeOffset now, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Agent?> SetAgentPauseAsync(string id, DateTimeOffset? until, string? reason, DateTimeOffset now, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<AgentRemoval?> RemoveAgentAsync(string id, DateTimeOffset now, string actor, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Page<Agent>> ListAgentsAsync(AgentQuery query, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Agent?> RecordHealthAsync(string agentId, HealthResult result, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyDictionary<string, AgentLoad>> GetAgentLoadsAsync(IReadOnlyList<string> agentIds, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<RepoContext> UpsertContextAsync(RepoContext context, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyList<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<BatonTask> InsertTaskAsync(BatonTask draft, string actor, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<BatonTask?> FindTaskOrNullAsync(string id, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyList<BatonTask>> FindTasksAsync(IReadOnlyList<string> ids, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<Page<BatonTask>> ListTasksAsync(TaskQuery query, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyList<TaskEvent>> ListTaskEventsAsync(string taskId, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyList<TaskResult>> ListTaskResultsAsync(string taskId, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<IReadOnlyList<BatonTask>> ListAssignedTasksAsync(string agentId, string? venture, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<bool> AnyLeaseExpiredAsync(DateTimeOffset now, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<SweepOutcome> SweepAsync(DateTimeOffset now, Random random, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<DispatchOutcome> DispatchAsync(DispatchPass pass, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<LeaseOutcome> StartTaskAsync(LeaseCall call, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<LeaseOutcome> RenewTaskAsync(LeaseCall call, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<LeaseOutcome> FinishTaskAsync(LeaseCall call, AttemptOutcome outcome, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<ChangeOutcome> CancelTaskAsync(string id, DateTimeOffset now, string actor, string reason, CancellationToken ct) => throw OrchestrationNotBuilt();
    public Task<ChangeOutcome> RetryTaskAsync(string id, int extraAttempts, DateTimeOffset now, string actor, CancellationToken ct) => throw OrchestrationNotBuilt();
}
