using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Orchestration;

/// <summary>
/// Local implementation of <see cref="ITaskService"/>. A task belongs to a venture: a scoped key acts only on its
/// venture's tasks. Reads judge leases on read: a task whose lease ran out is swept (failed as a timeout, or put back
/// in the queue when not started) before it is shown, so no read reports a lease that is over.
/// </summary>
internal sealed partial class TaskService(
    IOrchestrationStore store,
    IVentureStore ventures,
    BatonCore core,
    OrchestrationOptions options,
    OrchestrationSignals signals,
    Caller caller) : ITaskService
{
    public const int DefaultPriority = 5;
    public const int DefaultTimeoutSeconds = 3_600;
    public const int DefaultMaxAttempts = 3;
    public const int MaxDependencies = 50;

    public Task<BatonTask> CreateTaskAsync(CreateTaskRequest request, CancellationToken ct) => CreateAsync(null, request, ct);

    /// <summary>
    /// The workflow engine's create (docs/architecture.md §17): the task gets the id the workflow minted and saved before
    /// asking, so a restart between the two creates it once — when a task with that id exists it is answered as it
    /// stands and nothing is created. Not on <see cref="ITaskService"/>: only the server's engine mints task ids.
    /// </summary>
    public async Task<BatonTask> CreateTaskWithIdAsync(string id, CreateTaskRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (!IdGenerator.IsId(id, IdGenerator.Task)) throw new ArgumentException($"'{id}' is not a task id.", nameof(id));
        if (await store.FindTaskOrNullAsync(id, ct) is { } existing) return existing;
        return await CreateAsync(id, request, ct);
    }

    private async Task<BatonTask> CreateAsync(string? id, CreateTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var ventureCode = v.VentureCode("venture", request.Venture);
        var capability = AgentService.Name(v, "capability", request.Capability, 100);
        var title = v.NoBidiControls("title", v.Required("title", request.Title, 200))!;
        var prompt = v.Text("prompt", request.Prompt, 100_000, multiline: true);
        var priority = v.Range("priority", request.Priority, 0, 10, DefaultPriority);
        var timeout = v.Range("timeout_seconds", request.TimeoutSeconds, 1, 86_400, DefaultTimeoutSeconds);
        var maxAttempts = v.Range("max_attempts", request.MaxAttempts, 1, 20, DefaultMaxAttempts);
        var dependsOn = v.Entries("depends_on", request.DependsOn);
        if (dependsOn.Count > MaxDependencies) v.Add("depends_on", $"must have at most {MaxDependencies} entries (got {dependsOn.Count}).");
        for (var i = 0; i < dependsOn.Count; i++)
        {
            if (!IdGenerator.IsId(dependsOn[i], IdGenerator.Task)) v.Add($"depends_on[{i}]", $"'{dependsOn[i]}' is not a task id (task_…).");
        }
        if (request.MaxCostUsd is { } cost && (double.IsNaN(cost) || double.IsInfinity(cost) || cost < 0))
            v.Add("max_cost_usd", "must be a number of dollars, 0 or more.");
        var createdBy = v.Text("created_by", request.CreatedBy, 100);
        var repoText = string.IsNullOrWhiteSpace(request.Repo) ? null : v.Text("repo", request.Repo, 200);
        var payload = Canonical(v, "payload", request.Payload ?? new JsonObject());
        v.ThrowIfAny();

        caller.EnsureMayActFor(ventureCode);
        var venture = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var repo = repoText is null ? null : VentureRules.NormalizeRepo(repoText, venture);
        var distinct = dependsOn.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0)
        {
            var found = await store.FindTasksAsync(distinct, ct);
            var dv = new Validator();
            for (var i = 0; i < dependsOn.Count; i++)
            {
                var dependency = found.FirstOrDefault(t => t.Id == dependsOn[i]);
                if (dependency is null) dv.Add($"depends_on[{i}]", $"there is no task '{dependsOn[i]}'.");
                else if (dependency.Venture != ventureCode) dv.Add($"depends_on[{i}]", $"task {dependency.Id} belongs to venture '{dependency.Venture}'; a task depends only on tasks of its own venture.");
            }
            dv.ThrowIfAny();
        }

        var now = core.Now();
        var draft = new BatonTask(id ?? core.Ids.New(IdGenerator.Task), ventureCode, repo, capability, title, string.IsNullOrEmpty(prompt) ? null : prompt, payload,
            priority, timeout, maxAttempts, distinct, request.NotBefore is { } nb ? Timestamp.TruncateToMilliseconds(nb) : null, request.MaxCostUsd,
            string.IsNullOrEmpty(createdBy) ? caller.ActorKeyId : createdBy, now, now, TaskState.Queued, 0, 0, null, null, null, null, null, false,
            null, false, null, null, null, caller.ActorKeyId);
        var task = await store.InsertTaskAsync(draft, caller.ActorKeyId, ct);
        signals.DispatchNeeded();
        return task;
    }

    public async Task<BatonTask> GetTaskAsync(string id, CancellationToken ct) => await FindAsync(id, ct);

    public async Task<Page<BatonTask>> ListTasksAsync(TaskListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var venture = caller.ScopeFilter(string.IsNullOrEmpty(request.Venture) ? null : request.Venture);
        await SweepIfDueAsync(ct);
        return await store.ListTasksAsync(new TaskQuery(new PageRequest(limit, request.Cursor), venture, request.State,
            string.IsNullOrEmpty(request.Capability) ? null : request.Capability, string.IsNullOrEmpty(request.Agent) ? null : request.Agent), ct);
    }

    public async Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct)
    {
        var scope = caller.ScopeFilter(string.IsNullOrEmpty(venture) ? null : venture);
        await SweepIfDueAsync(ct);
        return await store.CountTasksAsync(scope, ct);
    }

    public async Task<ListResult<TaskEvent>> ListTaskEventsAsync(string id, CancellationToken ct)
    {
        await FindAsync(id, ct);
        var events = await store.ListTaskEventsAsync(id, ct);
        return new ListResult<TaskEvent>(events, events.Count);
    }

    public async Task<ListResult<TaskResult>> ListTaskResultsAsync(string id, CancellationToken ct)
    {
        await FindAsync(id, ct);
        var results = await store.ListTaskResultsAsync(id, ct);
        return new ListResult<TaskResult>(results, results.Count);
    }

    public async Task<TaskExplanation> ExplainTaskAsync(string id, CancellationToken ct)
    {
        var task = await FindAsync(id, ct);
        var assignments = (await store.ListTaskEventsAsync(id, ct))
            .Where(e => e.To == TaskState.Assigned && e.ScoreCards is not null && e.AgentId is not null)
            .Select(e => new AssignmentExplanation(e.At, e.Epoch, e.AgentId!, e.Probe, e.Reason, e.ScoreCards!))
            .ToList();
        return new TaskExplanation(task.Id, task.State, task.AssignedAgent, assignments);
    }

    public async Task<BatonTask> StartTaskAsync(string id, LeaseRequest request, CancellationToken ct)
    {
        var epoch = Epoch(request.Epoch);
        await EnsureScopeAsync(id, ct);
        return Granted(await store.StartTaskAsync(Call(id, epoch), ct), id);
    }

    public async Task<RenewResponse> RenewTaskAsync(string id, LeaseRequest request, CancellationToken ct)
    {
        var epoch = Epoch(request.Epoch);
        await EnsureScopeAsync(id, ct);
        var task = Granted(await store.RenewTaskAsync(Call(id, epoch), ct), id);
        var cancelled = task.State == TaskState.Cancelled;
        if (cancelled) signals.DispatchNeeded();
        return new RenewResponse(task, cancelled);
    }

    public async Task<BatonTask> CompleteTaskAsync(string id, CompleteTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var epoch = Epoch(v, request.Epoch);
        var result = Canonical(v, "result", request.Result ?? new JsonObject());
        var outcome = Outcome(v, true, result, null, request.DurationMs, request.Usage, request.NativeSessionId, request.Branch, request.PrUrl);
        v.ThrowIfAny();
        var running = await store.FindTaskOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(running.Venture);
        var call = Call(id, epoch) with { FollowUps = await FollowUpsAsync(running, outcome, ct) };
        var task = Granted(await store.FinishTaskAsync(call, outcome, ct), id);
        // Also wakes the dispatcher for the follow-ups, as adding a task does.
        signals.DispatchNeeded();
        return task;
    }

    public async Task<ListResult<TaskReview>> ListTaskReviewsAsync(string id, CancellationToken ct)
    {
        await FindAsync(id, ct);
        var reviews = await store.ListTaskReviewsAsync(id, ct);
        return new ListResult<TaskReview>(reviews, reviews.Count);
    }

    /// <summary>
    /// The follow-ups this completion creates if it succeeds (docs/architecture.md §14 Supervision), planned here because
    /// their ids are minted here; the store creates them in the completion's transaction or not at all. A task that is
    /// not running will be refused (lease_lost), so its venture is not read.
    /// </summary>
    private async Task<IReadOnlyList<BatonTask>?> FollowUpsAsync(BatonTask running, AttemptOutcome outcome, CancellationToken ct)
    {
        if (running.State != TaskState.Running) return null;
        var venture = await ventures.FindVentureOrNullAsync(running.Venture, ct);
        if (venture is null || venture.FollowUps.Count == 0) return null;
        return SupervisionRules.FollowUps(running, venture.FollowUps, outcome.Branch, outcome.PrUrl, core.Now(), () => core.Ids.New(IdGenerator.Task), caller.ActorKeyId);
    }

    public async Task<BatonTask> FailTaskAsync(string id, FailTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var epoch = Epoch(v, request.Epoch);
        TaskError? error = null;
        if (request.Error is not { } input) v.Add("error", "is required: {\"type\": \"tests_failed\", \"message\": \"…\"}.");
        else
        {
            var type = v.Required("error.type", input.Type, 50);
            if (type.Length > 0 && !ErrorTypePattern().IsMatch(type)) v.Add("error.type", "must be lowercase letters, digits, '_', '.' or '-' (e.g. tests_failed).");
            var message = v.Required("error.message", input.Message, 4_000, multiline: true);
            error = new TaskError(type, message);
        }
        var outcome = Outcome(v, false, null, error, request.DurationMs, request.Usage, request.NativeSessionId, request.Branch, request.PrUrl);
        v.ThrowIfAny();
        await EnsureScopeAsync(id, ct);
        var task = Granted(await store.FinishTaskAsync(Call(id, epoch), outcome, ct), id);
        signals.DispatchNeeded();
        return task;
    }

    public async Task<BatonTask> CancelTaskAsync(string id, CancelTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", request.Reason, 500);
        v.ThrowIfAny();
        await EnsureScopeAsync(id, ct);
        var outcome = await store.CancelTaskAsync(id, core.Now(), caller.ActorKeyId, string.IsNullOrEmpty(reason) ? $"by {caller.ActorKeyId}" : reason, ct);
        var task = Changed(outcome, id);
        signals.DispatchNeeded();
        return task;
    }

    public async Task<BatonTask> RetryTaskAsync(string id, RetryTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var extra = v.Range("extra_attempts", request.ExtraAttempts, 1, 10, 1);
        v.ThrowIfAny();
        await EnsureScopeAsync(id, ct);
        var task = Changed(await store.RetryTaskAsync(id, extra, core.Now(), caller.ActorKeyId, ct), id);
        signals.DispatchNeeded();
        return task;
    }

    private LeaseCall Call(string id, long epoch) => new(id, epoch, core.Now(), caller.ActorKeyId, options.Leases, core.Random);

    private async Task<BatonTask> FindAsync(string id, CancellationToken ct)
    {
        var task = await store.FindTaskOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(task.Venture);
        var now = core.Now();
        if (!TaskRules.LeaseExpired(task, now)) return task;
        // Judged on read: an expired lease is recorded before the task is shown.
        await store.SweepAsync(now, core.Random, ct);
        return await store.FindTaskOrNullAsync(id, ct) ?? throw NotFound(id);
    }

    private async Task EnsureScopeAsync(string id, CancellationToken ct)
    {
        // Only a scoped key pays for the read; the store answers not-found for everyone else.
        if (caller.VentureScope is null) return;
        var task = await store.FindTaskOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(task.Venture);
    }

    private async Task SweepIfDueAsync(CancellationToken ct)
    {
        var now = core.Now();
        if (await store.AnyLeaseExpiredAsync(now, ct)) await store.SweepAsync(now, core.Random, ct);
    }

    private static BatonTask Granted(LeaseOutcome outcome, string id) => outcome.Result switch
    {
        LeaseResult.Granted => outcome.Task!,
        LeaseResult.NotFound => throw NotFound(id),
        _ => throw new BatonException(ErrorCodes.LeaseLost, outcome.Detail ?? $"This epoch no longer holds task {id}."),
    };

    private static BatonTask Changed(ChangeOutcome outcome, string id) => outcome.Result switch
    {
        ChangeResult.Changed or ChangeResult.Unchanged => outcome.Task!,
        ChangeResult.NotFound => throw NotFound(id),
        _ => throw new BatonException(ErrorCodes.TaskStateConflict, outcome.Detail ?? $"Task {id} does not allow that now."),
    };

    private static long Epoch(long? epoch)
    {
        var v = new Validator();
        var value = Epoch(v, epoch);
        v.ThrowIfAny();
        return value;
    }

    private static long Epoch(Validator v, long? epoch)
    {
        if (epoch is not { } value) v.Add("epoch", "is required: the epoch of the assignment (from `next` or the task).");
        else if (value < 1) v.Add("epoch", $"must be 1 or more (got {value}).");
        return epoch ?? 0;
    }

    private string Canonical(Validator v, string field, JsonObject value)
    {
        string text;
        try
        {
            text = CanonicalJson.Serialize(value);
        }
        catch (FormatException error)
        {
            v.Add(field, error.Message);
            return "{}";
        }
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > core.Options.MaxPayloadBytes)
            throw new BatonException(ErrorCodes.PayloadTooLarge,
                $"{field} is {size:N0} bytes of canonical JSON; the limit is {core.Options.MaxPayloadBytes:N0}. Put large content in a doc or a note and refer to it.");
        return text;
    }

    private static AttemptOutcome Outcome(Validator v, bool success, string? result, TaskError? error, long? durationMs, UsageInput? usage,
        string? nativeSessionId, string? branch, string? prUrl)
    {
        if (durationMs is < 0) v.Add("duration_ms", "must be 0 or more.");
        // Bounded, so spend's sums (docs/architecture.md §15 Spend) stay exact integers far from an overflow.
        if (usage?.InputTokens is < 0 or > Spend.SpendRules.MaxTokensPerReport) v.Add("usage.input_tokens", $"must be 0 to {Spend.SpendRules.MaxTokensPerReport:N0}.");
        if (usage?.OutputTokens is < 0 or > Spend.SpendRules.MaxTokensPerReport) v.Add("usage.output_tokens", $"must be 0 to {Spend.SpendRules.MaxTokensPerReport:N0}.");
        if (usage?.CostUsd is { } cost && (double.IsNaN(cost) || double.IsInfinity(cost) || cost < 0 || cost > Spend.SpendRules.MaxCostPerReport))
            v.Add("usage.cost_usd", $"must be a number of dollars, 0 to {Spend.SpendRules.MaxCostPerReport:N0}.");
        var session = v.Text("native_session_id", nativeSessionId, 200);
        var branchText = v.Text("branch", branch, 250);
        var pr = v.Text("pr_url", prUrl, 2_000);
        if (!string.IsNullOrEmpty(pr) && !(Uri.TryCreate(pr, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            v.Add("pr_url", "must be an absolute http or https URL.");
        var used = usage is null || (usage.InputTokens is null && usage.OutputTokens is null && usage.CostUsd is null)
            ? null
            : new TaskUsage(usage.InputTokens, usage.OutputTokens, usage.CostUsd);
        return new AttemptOutcome(success, result, error, durationMs, used, Empty(session), Empty(branchText), Empty(pr));
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static BatonException NotFound(string id) =>
        new(ErrorCodes.TaskNotFound, $"There is no task '{id}'. `baton tasks list` shows the venture's tasks.");

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex ErrorTypePattern();
}
