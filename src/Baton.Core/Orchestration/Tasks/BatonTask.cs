using System.Text.Json.Serialization;
using Baton.Core.Common;
using Baton.Core.Orchestration.Dispatch;

namespace Baton.Core.Orchestration.Tasks;

/// <summary>
/// Where a task is (docs/architecture.md §14): <c>waiting</c> while a dependency is open; <c>queued → assigned → running →
/// succeeded | failed</c>; a failed attempt goes back to <c>queued</c> after its backoff, or to <c>dead</c> when the
/// attempts are spent; <c>cancelled</c> from any open state.
/// </summary>
public enum TaskState { Waiting, Queued, Assigned, Running, Succeeded, Failed, Dead, Cancelled }

/// <summary>Why an attempt (or the task) failed: a short machine-readable type (<c>timeout</c>, <c>dependency_failed</c>, the worker's own) and a message.</summary>
public sealed record TaskError(string Type, string Message);

/// <summary>What an attempt cost, as the agent CLI reported it.</summary>
public sealed record TaskUsage(long? InputTokens, long? OutputTokens, double? CostUsd);

/// <summary>
/// A unit of work for an agent (<c>task_…</c>). <see cref="Epoch"/> grows with every assignment and fences the lease:
/// start, renew, complete and fail carry it, and a stale one changes nothing (409 <c>lease_lost</c>).
/// <see cref="Attempt"/> counts starts; <see cref="MaxAttempts"/> of them may fail before the task is dead.
/// </summary>
/// <param name="Payload">The canonical JSON object the creator attached (RFC 8785).</param>
/// <param name="AssignedAgent">The agent of the current (or last) assignment.</param>
/// <param name="LeaseExpiresAt">While assigned: the time it must be started by; while running: until the next renew is due. Null otherwise.</param>
/// <param name="RetryAt">While failed: when it goes back to the queue.</param>
/// <param name="Probe">The current (or last) assignment was an exploration probe (see <c>ProbeRule</c>).</param>
/// <param name="LastFailedAgent">The agent that failed the last attempt or did not start it in time: the next assignment avoids it unless it is the only candidate.</param>
/// <param name="CancelRequested">A cancellation of the running attempt waits for the worker's next renew.</param>
/// <param name="Result">The result object of the successful attempt (canonical JSON), or null.</param>
/// <param name="Held">While queued: why the dispatcher does not assign it now (its venture's daily budget, <see cref="BudgetRule"/>); null otherwise.</param>
public sealed record BatonTask(
    string Id,
    string Venture,
    string? Repo,
    string Capability,
    string Title,
    string? Prompt,
    [property: JsonConverter(typeof(RawJsonStringConverter))] string Payload,
    int Priority,
    int TimeoutSeconds,
    int MaxAttempts,
    IReadOnlyList<string> DependsOn,
    DateTimeOffset? NotBefore,
    double? MaxCostUsd,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    TaskState State,
    int Attempt,
    long Epoch,
    string? AssignedAgent,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? RetryAt,
    bool Probe,
    string? LastFailedAgent,
    bool CancelRequested,
    [property: JsonConverter(typeof(RawJsonStringConverter))] string? Result,
    TaskError? Error,
    DateTimeOffset? FinishedAt,
    string? ActorKeyId,
    string? Held = null)
{
    /// <summary>Succeeded, dead or cancelled: nothing more happens to it unless someone retries it.</summary>
    [JsonIgnore]
    public bool IsFinished => State is TaskState.Succeeded or TaskState.Dead or TaskState.Cancelled;
}

/// <summary>
/// One transition of a task (docs/architecture.md §14 <c>task_event</c>): from → to, who and why. An assignment carries the score
/// card of every candidate. A cancellation requested while running is recorded as running → running.
/// </summary>
/// <param name="From">Null for the creation.</param>
/// <param name="Actor">An actor key id, <c>local</c>, <c>dispatcher</c>, <c>sweeper</c> or an agent id.</param>
public sealed record TaskEvent(
    string TaskId,
    DateTimeOffset At,
    TaskState? From,
    TaskState To,
    string Actor,
    string Reason,
    int Attempt,
    long Epoch,
    string? AgentId,
    bool Probe,
    IReadOnlyList<ScoreCard>? ScoreCards);

/// <summary>One finished attempt, success or not: the history scoring reads (newest 20 per agent and capability).</summary>
public sealed record TaskResult(
    string TaskId,
    int Attempt,
    string AgentId,
    string Capability,
    bool Success,
    DateTimeOffset FinishedAt,
    long? DurationMs,
    string? ErrorType,
    string? ErrorMessage,
    TaskUsage? Usage,
    string? NativeSessionId,
    string? Branch,
    string? PrUrl);

/// <summary>What a worker reports when an attempt ends (complete or fail).</summary>
/// <param name="Result">Canonical JSON of the result object (success only).</param>
public sealed record AttemptOutcome(
    bool Success,
    string? Result,
    TaskError? Error,
    long? DurationMs,
    TaskUsage? Usage,
    string? NativeSessionId,
    string? Branch,
    string? PrUrl);
