using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Workflows;

/// <summary>
/// Local implementation of <see cref="IWorkflowService"/> (docs/architecture.md §17): start a workflow from an issue or a
/// title, read it with its history, and a human's advance or reject at a gate. The engine (a hosted service) moves it
/// on from there; every change, the engine's and a human's, goes through <see cref="WorkflowRules.Fire"/> and is saved
/// with the version it read. A venture-scoped key acts only for its venture's workflows.
/// </summary>
internal sealed class WorkflowService(
    IWorkflowStore store,
    ITaskService tasks,
    IVentureStore ventures,
    IGitHub github,
    BatonCore core,
    Caller caller) : IWorkflowService
{
    /// <summary>How many times a human's advance/reject re-reads a workflow the engine moved meanwhile before giving up.</summary>
    public const int SaveAttempts = 3;

    public const int MaxBodyLength = 100_000;

    public async Task<WorkflowInfo> StartWorkflowAsync(StartWorkflowRequest request, CancellationToken ct)
    {
        var v = new Validator();
        (string Repo, int Number)? issue = null;
        if (!string.IsNullOrWhiteSpace(request.Issue))
        {
            issue = WorkflowRules.ParseIssue(request.Issue.Trim());
            if (issue is null) v.Add("issue", $"'{request.Issue}' is not an issue: write it as org/repo#number, e.g. acme/web#42.");
        }
        var title = issue is null && string.IsNullOrWhiteSpace(request.Issue)
            ? v.NoBidiControls("title", v.Required("title", request.Title, 200))
            : v.NoBidiControls("title", v.Text("title", request.Title, 200));
        var body = v.Text("body", request.Body, MaxBodyLength, multiline: true);
        var repoText = v.Text("repo", request.Repo, 200);
        if (request.Venture is not null) v.VentureCode("venture", request.Venture);
        else if (string.IsNullOrWhiteSpace(request.Issue)) v.Add("venture", "is required when the workflow has no issue (the venture is then not known from the issue's repo).");
        if (request.MaxBounces is < 0 or > 10) v.Add("max_bounces", "must be a whole number from 0 to 10.");
        var gates = Gates(v, request.HumanGates);
        v.ThrowIfAny();

        var venture = await VentureOfAsync(request.Venture?.Trim(), issue?.Repo, ct);
        caller.EnsureMayActFor(venture.Code);
        var settings = SettingsOf(venture);

        string? issueText = null;
        string? repo = repoText is { Length: > 0 } ? VentureRules.NormalizeRepo(repoText, venture) : null;
        if (issue is { } target)
        {
            GitHubIssue read;
            try
            {
                read = await github.GetIssueAsync(target.Repo, target.Number, ct);
            }
            catch (GitHubException ex)
            {
                throw new BatonException(ErrorCodes.GitHubFailed, $"gh could not read issue {target.Repo}#{target.Number}: {ex.Message}");
            }
            issueText = $"{target.Repo}#{target.Number}";
            repo = target.Repo;
            title = string.IsNullOrEmpty(title) ? Clip(read.Title, 200) : title;
            body = string.IsNullOrEmpty(body) ? Clip(read.Body, MaxBodyLength) : body;
        }

        var now = core.Now();
        var id = core.Ids.New(WorkflowIds.Workflow);
        var change = WorkflowRules.Create(id, venture.Code, repo, issueText, title!, body,
            request.MaxBounces ?? settings.MaxBounces ?? WorkflowMachine.DefaultMaxBounces, gates ?? settings.HumanGates?.ToList() ?? [],
            sprintId: null, reason: null, caller.ActorKeyId, caller.ActorKeyId, issueText is null ? "started from the API" : $"started from {issueText}", now);
        await store.InsertWorkflowAsync(change.Workflow, change.Events, change.Effects, ct);
        return new WorkflowInfo(change.Workflow, change.Events, change.Effects, null);
    }

    public async Task<WorkflowInfo> GetWorkflowAsync(string id, CancellationToken ct)
    {
        var workflow = await FindAsync(id, ct);
        return await InfoAsync(workflow, ct);
    }

    public async Task<Page<Workflow>> ListWorkflowsAsync(WorkflowListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var venture = caller.ScopeFilter(string.IsNullOrEmpty(request.Venture) ? null : request.Venture);
        return await store.ListWorkflowsAsync(new WorkflowQuery(new PageRequest(limit, request.Cursor), venture, request.State,
            string.IsNullOrEmpty(request.Sprint) ? null : request.Sprint), ct);
    }

    public Task<WorkflowInfo> AdvanceWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", request.Reason, 500);
        v.ThrowIfAny();
        return DecideAsync(id, advance: true, string.IsNullOrEmpty(reason) ? $"advanced by {caller.ActorKeyId}" : reason, ct);
    }

    public Task<WorkflowInfo> RejectWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        // The reason is what the next plan must answer: a reject without one would send the planner back blind.
        var reason = v.Required("reason", request.Reason, 500);
        v.ThrowIfAny();
        return DecideAsync(id, advance: false, reason, ct);
    }

    /// <summary>
    /// A human's decision at a gate, saved with the version read; when the engine moved the workflow meanwhile the
    /// decision is judged again on the row as it is now (it may no longer be at a gate), up to <see cref="SaveAttempts"/> times.
    /// The step's task, if one was open, is cancelled only after the save, so the engine never reads the cancellation
    /// of a step the workflow is still in as a dead step (that would fail the workflow).
    /// </summary>
    private async Task<WorkflowInfo> DecideAsync(string id, bool advance, string reason, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var workflow = await FindAsync(id, ct);
            var trigger = (advance ? WorkflowMachine.AdvanceOf(workflow.State) : WorkflowMachine.RejectOf(workflow.State))
                          ?? throw NotAtGate(workflow, advance);
            var venture = await ventures.FindVentureOrNullAsync(workflow.Venture, ct);
            var settings = venture is null ? WorkflowSettings.Default : SettingsOf(venture);
            var events = await store.ListWorkflowEventsAsync(workflow.Id, ct);
            var lastSeq = events.Count == 0 ? 0 : events.Max(e => e.Seq);
            var change = WorkflowRules.Fire(workflow, trigger, caller.ActorKeyId, reason, null, settings, lastSeq, core.Now(),
                () => core.Ids.New(WorkflowIds.Effect));
            if (await store.UpdateWorkflowAsync(change.Workflow, workflow.Version, change.Events, change.Effects, ct))
            {
                if (workflow.StepTaskId is { } step) await CancelStepAsync(step, advance, ct);
                return await InfoAsync(change.Workflow, ct);
            }
            if (attempt >= SaveAttempts)
            {
                throw new BatonException(ErrorCodes.WorkflowStateConflict,
                    $"Workflow {id} kept changing while this {(advance ? "advance" : "reject")} was being saved ({SaveAttempts} tries): " +
                    $"`baton projects show {id}` shows where it is now; try again.");
            }
        }
    }

    private async Task CancelStepAsync(string taskId, bool advance, CancellationToken ct)
    {
        try
        {
            var task = await tasks.GetTaskAsync(taskId, ct);
            if (task.IsFinished) return;
            await tasks.CancelTaskAsync(taskId, new CancelTaskRequest($"workflow {(advance ? "advanced" : "rejected")} by {caller.ActorKeyId}"), ct);
        }
        catch (BatonException ex) when (ex.Code is ErrorCodes.TaskNotFound or ErrorCodes.TaskStateConflict)
        {
            // Minted but not created yet (the engine creates it after saving its id), or finished meanwhile: nothing to stop.
        }
    }

    private static BatonException NotAtGate(Workflow workflow, bool advance) =>
        new(ErrorCodes.WorkflowStateConflict,
            $"Workflow {workflow.Id} is {WorkflowMachine.Name(workflow.State)}: it can be {(advance ? "advanced" : "rejected")} only at a gate " +
            $"({string.Join(", ", WorkflowMachine.Gates.Select(WorkflowMachine.Name))}).");

    private async Task<WorkflowInfo> InfoAsync(Workflow workflow, CancellationToken ct)
    {
        var events = await store.ListWorkflowEventsAsync(workflow.Id, ct);
        var effects = await store.ListWorkflowEffectsAsync(workflow.Id, ct);
        WorkflowStepInfo? step = null;
        if (workflow.StepTaskId is { } taskId)
        {
            try
            {
                var task = await tasks.GetTaskAsync(taskId, ct);
                step = new WorkflowStepInfo(task.Id, task.Capability, Snake(task.State), task.AssignedAgent, task.Attempt, task.MaxAttempts);
            }
            catch (BatonException ex) when (ex.Code == ErrorCodes.TaskNotFound)
            {
                // The engine names the step's task before it creates it (so a restart creates it once): between the two it is not there yet.
                step = new WorkflowStepInfo(taskId, "", "not_created", null, 0, 0);
            }
        }
        return new WorkflowInfo(workflow, events, effects, step);
    }

    private async Task<Workflow> FindAsync(string id, CancellationToken ct)
    {
        var workflow = (string.IsNullOrWhiteSpace(id) ? null : await store.FindWorkflowOrNullAsync(id.Trim(), ct))
                       ?? throw new BatonException(ErrorCodes.WorkflowNotFound, $"There is no workflow '{id}'. `baton projects list` shows them.");
        caller.EnsureMayActFor(workflow.Venture);
        return workflow;
    }

    /// <summary>
    /// The venture named, else the one venture owning the issue's repo (as <see cref="VentureLookup"/> matches it): none or
    /// several is a validation error naming the candidates.
    /// </summary>
    private async Task<Venture> VentureOfAsync(string? code, string? repo, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(code)) return await VentureRules.FindOrThrowAsync(ventures, code, ct);
        var all = await ventures.ListVenturesAsync(ct);
        var owners = all.Where(v => VentureLookup.FindForRepoOrNull([v], repo!) is not null).ToList();
        if (owners.Count == 1) return owners[0];
        // A scoped key among several owners means its own venture.
        if (owners.Count > 1 && caller.VentureScope is { } scope && owners.FirstOrDefault(v => v.Code == scope) is { } own) return own;
        var candidates = owners.Count > 0 ? owners : all;
        var list = candidates.Count == 0 ? "no ventures are registered" : string.Join(", ", candidates.Select(v => v.Code));
        throw BatonException.Validation("venture", owners.Count == 0
            ? $"no venture owns {repo}: pass venture (known: {list})."
            : $"{repo} belongs to several ventures ({list}): pass venture.");
    }

    /// <summary>review, qa, validate (any case): the gates where a passing step waits for a human; null when not given.</summary>
    private static List<WorkflowState>? Gates(Validator v, IReadOnlyList<string?>? given)
    {
        if (given is null) return null;
        var gates = new List<WorkflowState>();
        var entries = v.Entries("human_gates", given);
        for (var i = 0; i < entries.Count; i++)
        {
            var state = WorkflowStateJsonConverter.ParseOrNull(entries[i]);
            if (state is not { } gate || !WorkflowMachine.Gates.Contains(gate))
                v.Add($"human_gates[{i}]", $"'{entries[i]}' is not a gate: use review, qa or validate.");
            else if (!gates.Contains(gate)) gates.Add(gate);
        }
        return gates;
    }

    internal static WorkflowSettings SettingsOf(Venture venture) => venture.Workflow ?? WorkflowSettings.Default;

    internal static string Snake(TaskState state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    private static string Clip(string? text, int max) => text is null ? "" : DisplayText.Clip(text, max);
}
