using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Orchestration;

// Requests and answers of the orchestrator (issue 14): agents, repo contexts, tasks, leases. Request fields are
// nullable: the services validate them and name every bad field, the same way in both modes.

/// <summary>One capability as registered: weight 0–1 (required), preferred (default false), requirement names.</summary>
public sealed record CapabilityInput(string? Name, double? Weight, bool? Preferred = null, IReadOnlyList<string?>? Requirements = null);

/// <summary>How one requirement is checked: an http(s) URL the server probes, or a command the worker runs and reports (exactly one).</summary>
public sealed record HealthCheckInput(string? Requirement, string? Url = null, string? Command = null);

/// <summary>An agent registering itself; <see cref="Name"/> is the identity (registering it again updates the agent).</summary>
public sealed record RegisterAgentRequest(
    string? Name,
    AgentCli? Cli,
    IReadOnlyList<CapabilityInput?>? Capabilities,
    string? MachineId = null,
    IReadOnlyList<HealthCheckInput?>? HealthChecks = null,
    int? MaxConcurrency = null);

/// <summary>An agent as the API shows it: the stored fields plus what is judged on read (status, paused) and its load now.</summary>
public sealed record AgentInfo(
    string Id,
    string Name,
    string? MachineId,
    AgentCli Cli,
    IReadOnlyList<AgentCapability> Capabilities,
    IReadOnlyList<HealthCheck> HealthChecks,
    int MaxConcurrency,
    AgentStatus Status,
    bool Paused,
    DateTimeOffset? PausedUntil,
    string? PauseReason,
    IReadOnlyList<HealthResult> Health,
    int Running,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset? RemovedAt)
{
    public static AgentInfo From(Agent a, AgentLoad load, DateTimeOffset now, TimeSpan offlineAfter)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(load);
        return new AgentInfo(a.Id, a.Name, a.MachineId, a.Cli, a.Capabilities, a.HealthChecks, a.MaxConcurrency,
            AgentRules.StatusAt(a, load.Health, now, offlineAfter), AgentRules.IsPaused(a, now), a.PausedUntil, a.PauseReason,
            load.Health, load.Running, a.RegisteredAt, a.UpdatedAt, a.LastHeartbeatAt, a.RemovedAt);
    }
}

public sealed record AgentRegistration(AgentInfo Agent, bool Created);

public sealed record AgentListRequest(bool? IncludeRemoved = null, int? Limit = null, string? Cursor = null);

/// <summary>Pause until a time (required, in the future); the reason is shown beside it.</summary>
public sealed record PauseAgentRequest(DateTimeOffset? Until, string? Reason = null);

/// <summary>A worker's report of a requirement's health check (a command it ran), or the server's own probe.</summary>
public sealed record ReportHealthRequest(string? Requirement, bool? Healthy, string? Detail = null);

/// <summary>A long poll for the next assigned task: wait up to <see cref="WaitSeconds"/> (0–30, default 30).</summary>
public sealed record NextTaskRequest(int? WaitSeconds = null);

/// <summary>The assigned task to start (with the epoch to carry), or none when the wait ended without one.</summary>
public sealed record NextTaskResponse(BatonTask? Task);

/// <summary>A clone of a repo on a machine (<c>baton fleet register</c>, workers' repo roots).</summary>
public sealed record ReportContextRequest(string? MachineId, string? Repo, string? LocalPath, string? DefaultBranch = null, DateTimeOffset? LastFetchedAt = null);

/// <summary>
/// The result history of agents for a dashboard's score and trend (<c>GET /v1/agent-history</c>): for each of
/// <see cref="AgentIds"/> (1–200) and each capability it has results for, its newest <see cref="PerCapability"/>
/// (1–100, default 40) results — the ones scoring reads (attempts given back at once left out), newest first.
/// </summary>
public sealed record ResultHistoryRequest(IReadOnlyList<string>? AgentIds, int? PerCapability = null)
{
    public const int DefaultPerCapability = 40;
    public const int MaxPerCapability = 100;
}

/// <summary>One agent's newest results for one capability, newest first (what <see cref="Dispatch.Scoring"/> reads).</summary>
public sealed record ResultHistory(string AgentId, string Capability, IReadOnlyList<ResultSample> Results);

public interface IAgentService
{
    /// <summary>Registers the agent or updates the one with the same name; counts as a heartbeat.</summary>
    Task<AgentRegistration> RegisterAgentAsync(RegisterAgentRequest request, CancellationToken ct);
    /// <summary>By id (<c>agent_…</c>) or name.</summary>
    Task<AgentInfo> GetAgentAsync(string idOrName, CancellationToken ct);
    Task<Page<AgentInfo>> ListAgentsAsync(AgentListRequest request, CancellationToken ct);
    Task<AgentInfo> HeartbeatAgentAsync(string id, CancellationToken ct);
    Task<AgentInfo> PauseAgentAsync(string id, PauseAgentRequest request, CancellationToken ct);
    Task<AgentInfo> ResumeAgentAsync(string id, CancellationToken ct);
    /// <summary>Deregisters (admin); its assigned, not started tasks go back to the queue.</summary>
    Task<AgentInfo> RemoveAgentAsync(string id, CancellationToken ct);
    Task<AgentInfo> ReportHealthAsync(string id, ReportHealthRequest request, CancellationToken ct);
    /// <summary>Counts as a heartbeat; answers the oldest task assigned to the agent, waiting for one up to the given time.</summary>
    Task<NextTaskResponse> NextTaskAsync(string id, NextTaskRequest request, CancellationToken ct);
    Task<RepoContext> ReportContextAsync(ReportContextRequest request, CancellationToken ct);
    Task<ListResult<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct);
    /// <summary>The agents' newest scored results per capability, in one read (any key: agents are the fleet's).</summary>
    Task<ListResult<ResultHistory>> ListResultHistoryAsync(ResultHistoryRequest request, CancellationToken ct);
}

/// <summary>A new task. Venture, capability and title are required; the rest have the defaults of docs/architecture.md §14.</summary>
public sealed record CreateTaskRequest(
    string? Venture,
    string? Capability,
    string? Title,
    string? Repo = null,
    string? Prompt = null,
    JsonObject? Payload = null,
    int? Priority = null,
    int? TimeoutSeconds = null,
    int? MaxAttempts = null,
    IReadOnlyList<string?>? DependsOn = null,
    DateTimeOffset? NotBefore = null,
    double? MaxCostUsd = null,
    string? CreatedBy = null);

public sealed record TaskListRequest(
    string? Venture = null,
    TaskState? State = null,
    string? Capability = null,
    string? Agent = null,
    int? Limit = null,
    string? Cursor = null);

/// <summary>Start or renew: the epoch of the assignment the worker holds.</summary>
public sealed record LeaseRequest(long? Epoch);

public sealed record UsageInput(long? InputTokens = null, long? OutputTokens = null, double? CostUsd = null);

public sealed record ErrorInput(string? Type, string? Message);

/// <summary>A successful attempt: its result object and what it cost and made.</summary>
public sealed record CompleteTaskRequest(
    long? Epoch,
    JsonObject? Result = null,
    long? DurationMs = null,
    UsageInput? Usage = null,
    string? NativeSessionId = null,
    string? Branch = null,
    string? PrUrl = null);

/// <summary>A failed attempt: the error (type and message required) and what it cost.</summary>
public sealed record FailTaskRequest(
    long? Epoch,
    ErrorInput? Error,
    long? DurationMs = null,
    UsageInput? Usage = null,
    string? NativeSessionId = null,
    string? Branch = null,
    string? PrUrl = null);

/// <summary>
/// A renew's answer. <see cref="Cancelled"/> true means a cancellation was waiting: the task is now cancelled and the
/// worker must stop and drop the attempt's work.
/// </summary>
public sealed record RenewResponse(BatonTask Task, bool Cancelled);

public sealed record CancelTaskRequest(string? Reason = null);

/// <summary>A retry by hand, with at least <see cref="ExtraAttempts"/> (1–10, default 1) attempts left.</summary>
public sealed record RetryTaskRequest(int? ExtraAttempts = null);

/// <summary>One assignment of the task and every candidate's score card when it was made.</summary>
public sealed record AssignmentExplanation(DateTimeOffset At, long Epoch, string AgentId, bool Probe, string Reason, IReadOnlyList<ScoreCard> Cards);

/// <summary>Why the task went where it went: every assignment, newest last.</summary>
public sealed record TaskExplanation(string TaskId, TaskState State, string? AssignedAgent, IReadOnlyList<AssignmentExplanation> Assignments);

public interface ITaskService
{
    Task<BatonTask> CreateTaskAsync(CreateTaskRequest request, CancellationToken ct);
    Task<BatonTask> GetTaskAsync(string id, CancellationToken ct);
    Task<Page<BatonTask>> ListTasksAsync(TaskListRequest request, CancellationToken ct);
    Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct);
    Task<ListResult<TaskEvent>> ListTaskEventsAsync(string id, CancellationToken ct);
    Task<ListResult<TaskResult>> ListTaskResultsAsync(string id, CancellationToken ct);
    Task<TaskExplanation> ExplainTaskAsync(string id, CancellationToken ct);
    /// <summary>The supervisory reports on the task (docs/architecture.md §14 Supervision), oldest first.</summary>
    Task<ListResult<Supervision.TaskReview>> ListTaskReviewsAsync(string id, CancellationToken ct);
    Task<BatonTask> StartTaskAsync(string id, LeaseRequest request, CancellationToken ct);
    Task<RenewResponse> RenewTaskAsync(string id, LeaseRequest request, CancellationToken ct);
    Task<BatonTask> CompleteTaskAsync(string id, CompleteTaskRequest request, CancellationToken ct);
    Task<BatonTask> FailTaskAsync(string id, FailTaskRequest request, CancellationToken ct);
    Task<BatonTask> CancelTaskAsync(string id, CancelTaskRequest request, CancellationToken ct);
    Task<BatonTask> RetryTaskAsync(string id, RetryTaskRequest request, CancellationToken ct);
}
