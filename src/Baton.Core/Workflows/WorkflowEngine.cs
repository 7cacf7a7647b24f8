using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Workflows;

/// <summary>What one pass of the engine did: changes saved, effects carried out, and what went wrong (for the log).</summary>
public sealed record WorkflowPass(int Changes, int EffectsDone, int EffectsFailed, IReadOnlyList<string> Problems);

/// <summary>
/// Drives every open workflow and running sprint one step at a time (docs/architecture.md §17). A pass reads each open
/// workflow and does the one thing its state asks: mint the step's task (the id is saved on the workflow first, then
/// the task is created under it — a restart between the two creates it then, never twice), read the finished step
/// task's result and fire the trigger it means, or run VALIDATE's smoke checks. Then it carries out the GitHub
/// effects the changes wrote (the outbox), then moves the sprints. Every change is saved with the version read, so a
/// human's advance, or another replica's pass, that got there first wins and this pass leaves that workflow alone.
/// <c>WorkflowDriverService</c> (Baton.Hosting) runs a pass every second while the server runs. One instance per process,
/// its passes one at a time (it keeps in-process pacing state).
/// </summary>
public sealed class WorkflowEngine
{
    private const int PassLimit = 500;
    // A claim covers a pass's effects (gh answers within its 60 s timeout, usually in about a second). It is also how
    // long a replica killed while holding claims delays those effects; a sole engine releases them at its start.
    private const int EffectsPerPass = 10;
    private static readonly TimeSpan EffectClaim = TimeSpan.FromSeconds(75);
    private static readonly TimeSpan SmokeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PullRequestCheckEvery = TimeSpan.FromSeconds(10);

    private readonly IWorkflowStore _store;
    private readonly TaskService _tasks;
    private readonly IOrchestrationStore _orchestration;
    private readonly IVentureStore _ventures;
    private readonly IGitHub _github;
    private readonly ISmokeChecker _smoke;
    private readonly BatonCore _core;
    private readonly bool _soleEngine;
    private bool _started;

    // In-process pacing only (losing it on restart costs at most an early retry): when a failed effect may be tried
    // again, and when a sprint item's PR was last asked about.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _effectRetryAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _prCheckedAt = new(StringComparer.Ordinal);

    internal WorkflowEngine(IWorkflowStore store, TaskService tasks, IOrchestrationStore orchestration, IVentureStore ventures,
        IGitHub github, ISmokeChecker smoke, BatonCore core, bool soleEngine)
    {
        _soleEngine = soleEngine;
        _store = store;
        _tasks = tasks;
        _orchestration = orchestration;
        _ventures = ventures;
        _github = github;
        _smoke = smoke;
        _core = core;
    }

    /// <summary>The caller the engine's own task changes are made as.</summary>
    public static Caller EngineCaller { get; } = new(WorkflowRules.EngineActor, KeyRole.Admin, null, "corr_workflow_engine");

    public async Task<WorkflowPass> RunPassAsync(CancellationToken ct)
    {
        if (!_started)
        {
            // The one engine of its store (SQLite): claims left by a killed predecessor are nobody's now.
            if (_soleEngine) await _store.ReleaseEffectClaimsAsync(ct);
            _started = true;
        }
        var problems = new List<string>();
        var changes = 0;
        foreach (var workflow in await _store.ListOpenWorkflowsAsync(PassLimit, ct))
        {
            try
            {
                changes += await AdvanceAsync(workflow, ct);
            }
            catch (Exception ex) when (ex is BatonException or GitHubException or InvalidOperationException or Storage.StoreUnavailableException)
            {
                problems.Add($"workflow {workflow.Id}: {ex.Message}");
            }
        }
        var (done, failed) = await RunEffectsAsync(problems, ct);
        foreach (var sprint in await _store.ListRunningSprintsAsync(PassLimit, ct))
        {
            try
            {
                changes += await AdvanceSprintAsync(sprint, ct);
            }
            catch (Exception ex) when (ex is BatonException or GitHubException or InvalidOperationException or Storage.StoreUnavailableException)
            {
                problems.Add($"sprint {sprint.Id}: {ex.Message}");
            }
        }
        return new WorkflowPass(changes, done, failed, problems);
    }

    // ---- workflows ----

    /// <summary>Moves one workflow as far as it can go now (a few changes at most: e.g. CREATE → PLANNING → its plan task).</summary>
    private async Task<int> AdvanceAsync(Workflow workflow, CancellationToken ct)
    {
        var changes = 0;
        var venture = await VentureRules.FindOrThrowAsync(_ventures, workflow.Venture, ct);
        var settings = venture.Workflow ?? WorkflowSettings.Default;
        for (var i = 0; i < 4 && !workflow.IsFinished && workflow.WaitingForHuman is null; i++)
        {
            var next = await DecideAsync(workflow, venture, settings, ct);
            if (next is null) break;
            if (!await _store.UpdateWorkflowAsync(next.Workflow, workflow.Version, next.Events, next.Effects, ct)) break; // someone else moved it
            changes++;
            workflow = next.Workflow;
            // The step's task is created only after its id is saved on the workflow (see the class comment).
            if (workflow.StepTaskId is { } taskId && next.Events.Any(e => e.Trigger == "step"))
            {
                try
                {
                    await _tasks.CreateTaskWithIdAsync(taskId, StepTask(workflow, venture, settings), ct);
                }
                catch (BatonException ex) when (ex.Code == ErrorCodes.ValidationFailed)
                {
                    // Left to the next turn of this loop (or pass): DecideAsync fails the workflow with the reason.
                }
            }
        }
        return changes;
    }

    /// <summary>The one change the workflow's state asks for now, or null when it waits (a step task still open).</summary>
    private async Task<WorkflowChange?> DecideAsync(Workflow workflow, Venture venture, WorkflowSettings settings, CancellationToken ct)
    {
        var now = _core.Now();
        if (workflow.State == WorkflowState.Create)
            return await FireAsync(workflow, WorkflowTrigger.Start, "the workflow started", null, settings, ct);

        if (workflow.State == WorkflowState.Validate)
            return await ValidateAsync(workflow, settings, ct);

        if (workflow.StepTaskId is not { } stepId)
        {
            if (workflow.State == WorkflowState.Qa && string.IsNullOrWhiteSpace(settings.TestCommand))
                return await FireAsync(workflow, WorkflowTrigger.Fail,
                    $"venture {venture.Code} has no workflow.test_command, so QA has nothing to run: set it in ventures.json, then start the workflow again", null, settings, ct);
            var capability = StepCapability(workflow.State, settings);
            return WorkflowRules.BeginStep(workflow, _core.Ids.New(IdGenerator.Task), capability, await LastSeqAsync(workflow, ct), now);
        }

        // A step task minted but not created (the server stopped between the two): create it now, once.
        var task = await _orchestration.FindTaskOrNullAsync(stepId, ct);
        if (task is null)
        {
            try
            {
                task = await _tasks.CreateTaskWithIdAsync(stepId, StepTask(workflow, venture, settings), ct);
            }
            catch (BatonException ex) when (ex.Code == ErrorCodes.ValidationFailed)
            {
                // The venture's settings make a task the orchestrator refuses (a bad capability name): say so and stop.
                return await FireAsync(workflow, WorkflowTrigger.Fail, $"its {WorkflowMachine.Name(workflow.State)} task could not be created: {ex.Message}", null, settings, ct);
            }
        }
        switch (task.State)
        {
            case TaskState.Succeeded:
                return await OnStepSucceededAsync(workflow, task, settings, ct);
            case TaskState.Dead or TaskState.Cancelled:
                var error = task.Error is { } e ? $"{e.Type}: {e.Message}" : task.State.ToString().ToLowerInvariant();
                return await FireAsync(workflow, WorkflowTrigger.Fail,
                    $"the {task.Capability} task {task.Id} is {(task.State == TaskState.Dead ? "dead" : "cancelled")} ({DisplayText.Clip(error, 300)})", null, settings, ct);
            default:
                return null; // still open: waiting, queued, assigned, running, or failed and waiting for its retry
        }
    }

    private async Task<WorkflowChange?> OnStepSucceededAsync(Workflow workflow, BatonTask task, WorkflowSettings settings, CancellationToken ct)
    {
        var result = ParseObject(task.Result);
        switch (workflow.State)
        {
            case WorkflowState.Planning:
            {
                var plan = (Text(result, "plan") ?? Text(result, "final_message"))?.Trim();
                if (string.IsNullOrEmpty(plan))
                    return await FireAsync(workflow, WorkflowTrigger.Fail, $"the plan task {task.Id} answered no plan", null, settings, ct);
                return await FireAsync(workflow with { Plan = DisplayText.Clip(plan, 60_000) }, WorkflowTrigger.Planned, $"planned by {task.AssignedAgent} ({task.Id})", null, settings, ct);
            }
            case WorkflowState.Review:
            {
                var (verdict, problem) = PlanVerdicts.Read(task.Result);
                if (verdict is null)
                    return await FireAsync(workflow, WorkflowTrigger.Fail, $"the review {task.Id} answered no verdict ({problem}); a verdict that does not parse is never an approval", null, settings, ct);
                var detail = VerdictMarkdown(verdict);
                if (!verdict.Approved)
                    return await FireAsync(workflow, WorkflowTrigger.PlanRejected,
                        $"the review did not approve the plan: {DisplayText.Clip(verdict.Concerns.Count == 0 ? "no concerns given" : string.Join("; ", verdict.Concerns), 500)}", detail, settings, ct);
                return await PassGateAsync(workflow, WorkflowTrigger.Approved, $"the review approved the plan ({task.Id})", detail, settings, ct);
            }
            case WorkflowState.InProgress:
            {
                var pr = task.Result is null ? null : Text(result, "pr_url");
                if (string.IsNullOrEmpty(pr))
                    return await FireAsync(workflow, WorkflowTrigger.Fail, $"the code task {task.Id} succeeded without a pull request (no commits on {workflow.Branch}?)", null, settings, ct);
                return await FireAsync(workflow with { PrUrl = pr }, WorkflowTrigger.Built, $"built: {pr}", null, settings, ct);
            }
            case WorkflowState.Qa:
            {
                var tests = ReadTests(result);
                var exit = result?["exit_code"] is JsonValue ev && ev.TryGetValue<int>(out var code) ? code : (int?)null;
                var report = WorkflowReports.Tests(tests);
                // Reports that hold no test at all are not a pass: a test command that ran nothing proved nothing.
                var ranNone = tests.Reports.Count > 0 && tests.Passed + tests.Failed == 0;
                var passed = exit == 0 && tests.Failed == 0 && tests.Problems.Count == 0 && !ranNone;
                if (!passed)
                {
                    var why = tests.Failed > 0 ? $"{tests.Failed} of {tests.Passed + tests.Failed} tests failed"
                        : tests.Problems.Count > 0 ? $"the test reports could not be read: {DisplayText.Clip(tests.Problems[0], 200)}"
                        : ranNone ? $"the test reports ({string.Join(", ", tests.Reports)}) hold no test that ran"
                        : $"the test command exited {exit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without an exit code"}";
                    var tail = Text(result, "output_tail");
                    var detail = tests.Failed > 0 || string.IsNullOrEmpty(tail) ? report : $"{report}\n\n```\n{DisplayText.Clip(tail, 4_000)}\n```";
                    return await FireAsync(workflow, WorkflowTrigger.TestsFailed, why, detail, settings, ct);
                }
                var summary = tests.Reports.Count == 0
                    ? "the test command passed (exit 0; it wrote no report files)"
                    : $"{tests.Passed} tests passed, {tests.Skipped} skipped";
                return await PassGateAsync(workflow, WorkflowTrigger.TestsPassed, summary, report, settings, ct);
            }
            case WorkflowState.Deploy:
            {
                var tail = Text(result, "output_tail") ?? Text(result, "final_message");
                return await FireAsync(workflow, WorkflowTrigger.Deployed, $"deployed by {task.AssignedAgent} ({task.Id})",
                    string.IsNullOrWhiteSpace(tail) ? null : $"```\n{DisplayText.Clip(tail.Trim(), 4_000)}\n```", settings, ct);
            }
            default:
                throw new InvalidOperationException($"workflow {workflow.Id} has a step task in state {WorkflowMachine.Name(workflow.State)}");
        }
    }

    /// <summary>VALIDATE: smoke checks against the venture's URLs, run by the engine itself (no agent is better at a GET); a rerun after a restart is harmless.</summary>
    private async Task<WorkflowChange?> ValidateAsync(Workflow workflow, WorkflowSettings settings, CancellationToken ct)
    {
        var endpoints = SmokeEndpoints(settings);
        if (endpoints.Count == 0)
            return WorkflowRules.WaitForHuman(workflow, "the venture has no workflow.base_url or endpoints, so nothing can be checked automatically",
                null, await LastSeqAsync(workflow, ct), _core.Now(), NewEffectId);
        var results = await _smoke.CheckAsync(endpoints, SmokeTimeout, ct);
        var report = WorkflowReports.Smoke(results);
        var failed = results.Where(r => r.Critical && !r.Passed).ToList();
        if (failed.Count > 0)
            return await FireAsync(workflow, WorkflowTrigger.ValidationFailed,
                $"{failed.Count} critical endpoint{(failed.Count == 1 ? "" : "s")} failed: {DisplayText.Clip(string.Join(", ", failed.Select(f => $"{f.Url} ({f.Error})")), 400)}", report, settings, ct);
        return await PassGateAsync(workflow, WorkflowTrigger.Validated, $"every critical endpoint answered ({results.Count} checked)", report, settings, ct);
    }

    /// <summary>A passing step moves on — or, at a gate set to require a human, waits there for <c>advance</c>.</summary>
    private async Task<WorkflowChange> PassGateAsync(Workflow workflow, WorkflowTrigger trigger, string reason, string? detail, WorkflowSettings settings, CancellationToken ct) =>
        workflow.HumanGates.Contains(workflow.State)
            ? WorkflowRules.WaitForHuman(workflow, reason, detail, await LastSeqAsync(workflow, ct), _core.Now(), NewEffectId)
            : await FireAsync(workflow, trigger, reason, detail, settings, ct);

    private async Task<WorkflowChange> FireAsync(Workflow workflow, WorkflowTrigger trigger, string reason, string? detail, WorkflowSettings settings, CancellationToken ct) =>
        WorkflowRules.Fire(workflow, trigger, WorkflowRules.EngineActor, reason, detail, settings, await LastSeqAsync(workflow, ct), _core.Now(), NewEffectId);

    private async Task<int> LastSeqAsync(Workflow workflow, CancellationToken ct)
    {
        var events = await _store.ListWorkflowEventsAsync(workflow.Id, ct);
        return events.Count == 0 ? 0 : events[^1].Seq;
    }

    private string NewEffectId() => _core.Ids.New(WorkflowIds.Effect);

    private static string StepCapability(WorkflowState state, WorkflowSettings settings) => state switch
    {
        WorkflowState.Planning => settings.PlanCapability,
        WorkflowState.Review => settings.ReviewCapability,
        WorkflowState.InProgress => settings.CodeCapability,
        WorkflowState.Qa => settings.QaCapability,
        WorkflowState.Deploy => string.IsNullOrWhiteSpace(settings.DeployCommand) ? settings.DeployCapability : settings.DeployCommandCapability,
        _ => throw new InvalidOperationException($"{WorkflowMachine.Name(state)} has no step task"),
    };

    /// <summary>
    /// The task that carries out the workflow's current state. A function of the saved workflow and the venture's
    /// settings only, so the request made after a restart is the one that would have been made before it.
    /// </summary>
    internal static CreateTaskRequest StepTask(Workflow workflow, Venture venture, WorkflowSettings settings)
    {
        var capability = StepCapability(workflow.State, settings);
        var payload = new JsonObject { ["workflow"] = workflow.Id, ["step"] = workflow.Step, ["state"] = WorkflowMachine.Name(workflow.State) };
        var about = workflow.Issue is null ? $"\"{workflow.Title}\"" : $"{workflow.Issue} \"{workflow.Title}\"";
        string title;
        string prompt;
        switch (workflow.State)
        {
            case WorkflowState.Planning:
                title = $"Plan: {workflow.Title}";
                payload["expects"] = "plan";
                prompt = PlanPrompt(workflow, venture, about);
                break;
            case WorkflowState.Review:
                title = $"Review the plan: {workflow.Title}";
                payload["expects"] = "plan_verdict";
                prompt = $"Review this plan for {about} (venture {venture.Code}, repo {workflow.Repo ?? venture.PrimaryRepo}). Is it adequate to build, test and deploy the work the issue asks for?\n\n" +
                         $"## The issue\n\n{workflow.Body}\n\n## The plan\n\n{workflow.Plan}\n\n" +
                         "Answer with exactly one JSON object and nothing else: {\"approved\": true or false, \"concerns\": [\"one concern per entry\"], \"suggestions\": [\"one suggestion per entry\"]}. " +
                         "An answer that is not that object counts as a failed review, never as an approval.";
                break;
            case WorkflowState.InProgress:
                title = $"Build: {workflow.Title}";
                payload["branch"] = workflow.Branch;
                payload["open_pr"] = true;
                prompt = $"Implement {about} on branch {workflow.Branch} following the approved plan below. Commit your work with tests; the worker pushes the branch and opens (or updates) the pull request.\n\n" +
                         $"## The issue\n\n{workflow.Body}\n\n## The approved plan\n\n{workflow.Plan}" +
                         (workflow.Reason is { } why && workflow.Bounces > 0 ? $"\n\n## Why the last round went back to planning\n\n{why}" : "");
                break;
            case WorkflowState.Qa:
                title = $"QA: {workflow.Title}";
                payload["branch"] = workflow.Branch;
                payload["run"] = new JsonObject
                {
                    ["command"] = settings.TestCommand,
                    ["reports"] = new JsonArray((settings.TestReports ?? WorkflowSettings.DefaultTestReports).Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
                    ["fail_on_exit"] = false,
                };
                prompt = $"Run the test command of venture {venture.Code} on {workflow.Branch} ({workflow.PrUrl}).";
                break;
            case WorkflowState.Deploy:
                title = $"Deploy: {workflow.Title}";
                payload["branch"] = workflow.Branch;
                if (!string.IsNullOrWhiteSpace(settings.DeployCommand))
                {
                    payload["run"] = new JsonObject { ["command"] = settings.DeployCommand, ["reports"] = new JsonArray(), ["fail_on_exit"] = true };
                    prompt = $"Run the deploy command of venture {venture.Code} on {workflow.Branch} ({workflow.PrUrl}).";
                }
                else
                {
                    prompt = $"Deploy branch {workflow.Branch} ({workflow.PrUrl}) of {workflow.Repo ?? venture.PrimaryRepo} for {about}, then confirm the service is up. " +
                             "Answer with what you deployed, where, and how you checked it.";
                }
                break;
            default:
                throw new InvalidOperationException($"{WorkflowMachine.Name(workflow.State)} has no step task");
        }
        return new CreateTaskRequest(workflow.Venture, capability, DisplayText.Clip(title, 200), workflow.Repo, prompt, payload,
            CreatedBy: $"workflow:{workflow.Id}");
    }

    private static string PlanPrompt(Workflow workflow, Venture venture, string about)
    {
        var sb = new StringBuilder();
        sb.Append("Plan the work for ").Append(about).Append(" (venture ").Append(venture.Code).Append(", repo ")
          .Append(workflow.Repo ?? venture.PrimaryRepo).Append(").\n\n## The issue\n\n").Append(workflow.Body).Append("\n\n");
        if (workflow.Bounces > 0 && workflow.Reason is { } why)
        {
            sb.Append("## The last plan went back (return ").Append(workflow.Bounces).Append(" of at most ").Append(workflow.MaxBounces).Append(")\n\n")
              .Append(why).Append("\n\n");
            if (workflow.Plan is { } previous) sb.Append("## The last plan\n\n").Append(previous).Append("\n\n");
        }
        sb.Append("Answer with the plan only, as markdown — the approach, the files to change, the tests that prove it, the risks. It is posted on the issue as it stands and reviewed before anyone builds it.");
        return sb.ToString();
    }

    private static IReadOnlyList<SmokeEndpoint> SmokeEndpoints(WorkflowSettings settings)
    {
        var list = new List<SmokeEndpoint>();
        var baseUrl = settings.BaseUrl?.TrimEnd('/');
        if (!string.IsNullOrEmpty(baseUrl))
        {
            list.Add(new SmokeEndpoint(baseUrl + "/healthz"));
            list.Add(new SmokeEndpoint(baseUrl + "/readyz"));
        }
        foreach (var e in settings.Endpoints ?? [])
        {
            var url = e.Url.StartsWith('/') && baseUrl is not null ? baseUrl + e.Url : e.Url;
            if (list.All(x => x.Url != url)) list.Add(e with { Url = url });
        }
        return list;
    }

    private static string VerdictMarkdown(PlanVerdict verdict)
    {
        var sb = new StringBuilder();
        sb.Append("**Verdict:** ").Append(verdict.Approved ? "approved" : "not approved").Append('\n');
        if (verdict.Concerns.Count > 0) sb.Append("\n**Concerns**\n").Append(string.Concat(verdict.Concerns.Select(c => $"- {c}\n")));
        if (verdict.Suggestions.Count > 0) sb.Append("\n**Suggestions**\n").Append(string.Concat(verdict.Suggestions.Select(c => $"- {c}\n")));
        return sb.ToString().TrimEnd();
    }

    /// <summary>The <c>tests</c> object a worker's command result carries (docs/architecture.md §16), as a <see cref="TestRun"/>.</summary>
    internal static TestRun ReadTests(JsonObject? result)
    {
        if (result?["tests"] is not JsonObject t) return TestRun.Empty;
        static int Int(JsonObject o, string k) => o[k] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        static IReadOnlyList<string> Strings(JsonObject o, string k) =>
            o[k] is JsonArray a ? a.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList() : [];
        var failures = t["failures"] is JsonArray fa
            ? fa.OfType<JsonObject>().Select(f => new TestFailure(Text(f, "suite") ?? "", Text(f, "test") ?? "", Text(f, "message") ?? "")).ToList()
            : [];
        return new TestRun(Int(t, "passed"), Int(t, "failed"), Int(t, "skipped"), failures, Strings(t, "reports"), Strings(t, "problems"));
    }

    // ---- GitHub effects (the outbox) ----

    private async Task<(int Done, int Failed)> RunEffectsAsync(List<string> problems, CancellationToken ct)
    {
        var now = _core.Now();
        var claimed = await _store.ClaimPendingEffectsAsync(now, now + EffectClaim, EffectsPerPass, ct);
        var done = 0;
        var failed = 0;
        // In order per workflow, stopping at its first failure: a merge must be done before the issue is closed.
        foreach (var group in claimed.GroupBy(e => e.WorkflowId, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var effect = ordered[i];
                var held = _effectRetryAt.TryGetValue(effect.Id, out var at) && at > now;
                if (!held)
                {
                    try
                    {
                        var url = await CarryOutAsync(effect, ct);
                        await _store.RecordEffectAsync(effect.Id, _core.Now(), true, url, null, ct);
                        _effectRetryAt.TryRemove(effect.Id, out _);
                        done++;
                        continue;
                    }
                    catch (GitHubException ex)
                    {
                        await _store.RecordEffectAsync(effect.Id, _core.Now(), false, null, DisplayText.Clip(ex.Message, 1_000), ct);
                        // Back off: 5 s, 10 s, 20 s … at most 5 minutes between tries of one effect.
                        var wait = TimeSpan.FromSeconds(Math.Min(300, 5 * Math.Pow(2, Math.Min(effect.Attempts, 6))));
                        _effectRetryAt[effect.Id] = _core.Now() + wait;
                        problems.Add($"effect {effect.Id} ({effect.Kind} on {effect.Repo}#{effect.Number}) failed, next try in {wait.TotalSeconds:0} s: {ex.Message}");
                        failed++;
                    }
                }
                // This one waits (its back-off, or it just failed): it and the workflow's later ones are released
                // unrun — no attempt counted — so they are claimable at the next pass, in order.
                for (var j = held ? i : i + 1; j < ordered.Count; j++)
                    await _store.RecordEffectAsync(ordered[j].Id, now, false, null, null, ct);
                break;
            }
        }
        return (done, failed);
    }

    private async Task<string?> CarryOutAsync(WorkflowEffect effect, CancellationToken ct)
    {
        var number = effect.Number ?? 0;
        switch (effect.Kind)
        {
            case WorkflowEffectKind.Comment:
                await _github.CommentAsync(effect.Repo, number, effect.Body ?? "", ct);
                return null;
            case WorkflowEffectKind.StatusLabel:
                await _github.EditLabelsAsync(effect.Repo, number, effect.Labels,
                    WorkflowRules.StatusLabels.Where(l => !effect.Labels.Contains(l, StringComparer.Ordinal)).ToList(), ct);
                return null;
            case WorkflowEffectKind.CreateIssue:
                return await _github.CreateIssueAsync(effect.Repo, effect.Title ?? "Bug", effect.Body ?? "", effect.Labels, ct);
            case WorkflowEffectKind.CloseIssue:
                await _github.CloseIssueAsync(effect.Repo, number, effect.Body ?? "", ct);
                return null;
            case WorkflowEffectKind.MergePullRequest:
                await _github.MergePullRequestAsync(effect.PrUrl ?? throw new GitHubException("the merge effect names no pull request"), ct);
                return effect.PrUrl;
            default:
                throw new InvalidOperationException($"unknown effect kind {effect.Kind}");
        }
    }

    // ---- sprints ----

    /// <summary>
    /// Moves a sprint: starts the current wave's pending items (each try's id minted and saved on the item before its
    /// workflow or task is made), judges its running ones (merged, failed — retried once — or still going), and when
    /// every item of the wave is merged or failed, opens the next wave (the sync gate), or ends the sprint.
    /// </summary>
    private async Task<int> AdvanceSprintAsync(Sprint sprint, CancellationToken ct)
    {
        var venture = await VentureRules.FindOrThrowAsync(_ventures, sprint.Venture, ct);
        var settings = venture.Workflow ?? WorkflowSettings.Default;
        var now = _core.Now();
        var items = sprint.Items.ToList();
        var changed = false;
        // Runs minted by a save the server did not live past making: make them now (each is made at most once).
        foreach (var item in items.Where(x => x.State == SprintItemState.Running && x.Wave == sprint.CurrentWave))
            await EnsureRunAsync(sprint, item, venture, settings, ct);

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Wave != sprint.CurrentWave || item.IsDone) continue;
            if (item.State == SprintItemState.Pending)
            {
                items[i] = item with { State = SprintItemState.Running, Runs = [.. item.Runs, MintRun(sprint)] };
                changed = true;
                continue;
            }
            var judged = await JudgeItemAsync(sprint, item, now, ct);
            if (judged is not null)
            {
                items[i] = judged;
                changed = true;
            }
        }

        var wave = sprint.CurrentWave;
        var state = sprint.State;
        DateTimeOffset? finished = null;
        if (items.Where(x => x.Wave == wave).All(x => x.IsDone))
        {
            wave++;
            changed = true;
            if (wave >= sprint.WaveCount)
            {
                state = SprintState.Done;
                finished = now;
            }
        }
        if (!changed) return 0;

        var updated = sprint with { Items = items, CurrentWave = wave, State = state, FinishedAt = finished ?? sprint.FinishedAt, UpdatedAt = now, Version = sprint.Version + 1 };
        if (!await _store.UpdateSprintAsync(updated, sprint.Version, ct)) return 0;

        // The runs minted above exist only as ids until now: make each (a restart before this makes them on the next pass).
        foreach (var item in items.Where(x => x.State == SprintItemState.Running && x.Wave == sprint.CurrentWave))
            await EnsureRunAsync(updated, item, venture, settings, ct);
        return 1;
    }

    private string MintRun(Sprint sprint) => _core.Ids.New(sprint.Mode == SprintMode.Workflow ? WorkflowIds.Workflow : IdGenerator.Task);

    /// <summary>An item's newest run, made if it does not exist yet: its workflow (in CREATE: the next pass starts it) or its code task.</summary>
    private async Task EnsureRunAsync(Sprint sprint, SprintItem item, Venture venture, WorkflowSettings settings, CancellationToken ct)
    {
        var run = item.Runs[^1];
        if (sprint.Mode == SprintMode.Workflow)
        {
            if (await _store.FindWorkflowOrNullAsync(run, ct) is not null) return;
            var issue = await _github.GetIssueAsync(sprint.Repo, item.Issue, ct);
            var change = WorkflowRules.Create(run, sprint.Venture, sprint.Repo, $"{sprint.Repo}#{item.Issue}", DisplayText.Clip(issue.Title, 200), issue.Body,
                settings.MaxBounces ?? WorkflowMachine.DefaultMaxBounces, settings.HumanGates ?? [], sprint.Id, item.Runs.Count > 1 ? item.Reason : null,
                $"sprint:{sprint.Id}", WorkflowRules.EngineActor, $"sprint {sprint.Id}, wave {item.Wave + 1}{(item.Runs.Count > 1 ? ", retry" : "")}", _core.Now());
            await _store.InsertWorkflowAsync(change.Workflow, change.Events, change.Effects, ct);
            return;
        }
        var body = (await _github.GetIssueAsync(sprint.Repo, item.Issue, ct)).Body;
        var branch = $"baton/{sprint.Id.Replace('_', '-').ToLowerInvariant()}-{item.Issue}";
        await _tasks.CreateTaskWithIdAsync(run, new CreateTaskRequest(sprint.Venture, settings.CodeCapability, DisplayText.Clip($"#{item.Issue} {item.Title}", 200), sprint.Repo,
            $"Resolve {sprint.Repo}#{item.Issue} \"{item.Title}\" on branch {branch}. Commit your work with tests; the worker pushes it and opens the pull request.\n\n## The issue\n\n{body}" +
            (item.Runs.Count > 1 && item.Reason is { } why ? $"\n\n## The first try failed\n\n{why}" : ""),
            new JsonObject { ["sprint"] = sprint.Id, ["issue"] = item.Issue, ["branch"] = branch, ["open_pr"] = true },
            CreatedBy: $"sprint:{sprint.Id}"), ct);
    }

    /// <summary>The item as its newest run now stands, or null when nothing changed.</summary>
    private async Task<SprintItem?> JudgeItemAsync(Sprint sprint, SprintItem item, DateTimeOffset now, CancellationToken ct)
    {
        var run = item.Runs[^1];
        string? failure = null;
        string? pr = null;
        if (sprint.Mode == SprintMode.Workflow)
        {
            var workflow = await _store.FindWorkflowOrNullAsync(run, ct);
            if (workflow is null) return null; // minted, not made yet: the pass after the save makes it
            if (workflow.State == WorkflowState.Failed) failure = workflow.Reason ?? "the workflow failed";
            else if (workflow.State == WorkflowState.Accepted) pr = workflow.PrUrl;
            else return null;
            if (failure is null && pr is null) return item with { State = SprintItemState.Merged, Reason = "accepted (no pull request)" };
        }
        else
        {
            var task = await _orchestration.FindTaskOrNullAsync(run, ct);
            if (task is null) return null;
            if (task.State is TaskState.Dead or TaskState.Cancelled) failure = task.Error is { } e ? $"{e.Type}: {e.Message}" : $"task {task.State.ToString().ToLowerInvariant()}";
            else if (task.State == TaskState.Succeeded)
            {
                pr = Text(ParseObject(task.Result), "pr_url");
                if (string.IsNullOrEmpty(pr)) failure = "the code task succeeded without a pull request";
            }
            else return null;
        }

        if (failure is null && pr is not null)
        {
            if (_prCheckedAt.TryGetValue(run, out var at) && now - at < PullRequestCheckEvery) return null;
            _prCheckedAt[run] = now;
            var prState = await _github.GetPullRequestStateAsync(pr, ct);
            if (prState == PullRequestState.Open) return item.PrUrl == pr ? null : item with { PrUrl = pr };
            _prCheckedAt.TryRemove(run, out _);
            if (prState == PullRequestState.Merged) return item with { State = SprintItemState.Merged, PrUrl = pr };
            failure = $"{pr} was closed without being merged";
        }

        // Failed: one retry per issue, then it is failed for good.
        if (item.Runs.Count < 2)
            return item with { Runs = [.. item.Runs, MintRun(sprint)], PrUrl = pr ?? item.PrUrl, Reason = DisplayText.Clip($"retried after: {failure}", 1_000) };
        return item with { State = SprintItemState.Failed, PrUrl = pr ?? item.PrUrl, Reason = DisplayText.Clip(failure!, 1_000) };
    }

    // ---- small readers ----

    private static JsonObject? ParseObject(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

}
