using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Keys;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Core.Workflows;
using Baton.Hosting;
using Baton.Local.GitHub;
using Baton.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Tests.Workflows;

/// <summary>
/// WorkflowService and SprintService (docs/architecture.md §17) over the real SQLite store, with GitHub through the real
/// adapter (<see cref="GitHubCli"/>) on the stateful fake gh. The engine is not running: a test moves a workflow to a gate
/// the way the engine would (a versioned update), then decides as a human.
/// </summary>
public sealed class WorkflowServiceTests : IAsyncLifetime
{
    private const string Repo = "example-org/alpha-console";

    private readonly TempDirectory _temp = new();
    private readonly CancellationToken _ct = TestTimeouts.Token();
    private FakeGitHub _gh = null!;
    private BatonRuntime _runtime = null!;
    private BatonServices _services = null!;
    private IBatonStore _store = null!;

    /// <summary>Called once before the next workflow update reaches the store (a writer racing the service), then cleared.</summary>
    private Func<Task>? _beforeNextUpdate;

    private int _updates;

    public async Task InitializeAsync()
    {
        _gh = new FakeGitHub(Path.Combine(_temp.Path, "bin"));
        var composition = new ServiceCollection()
            .AddSingleton<IGitHub>(new GitHubCli(_gh.Path, _temp.Path))
            .AddBaton(new BatonOptions { WorkflowPassInterval = TimeSpan.Zero }, new StoreOptions { DataDir = Path.Combine(_temp.Path, "data") })
            .DecorateStore(inner => new RacingStore(inner, this));
        _runtime = await BatonRuntime.StartAsync(composition, _ct);
        _store = _runtime.Services.GetRequiredService<IBatonStore>();
        await _store.UpsertVenturesAsync(
        [
            new Venture("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, []),
            new Venture("beta", "Project Beta", "example-org", ["beta-web"], [], null, null, false, []),
            new Venture("gamma", "Project Gamma", "other-org", ["gamma-app"], [], null, null, false, []),
            new Venture("delta", "Project Delta", "other-org", ["delta-app"], [], null, null, false, [],
                Workflow: new WorkflowSettings(MaxBounces: 4, HumanGates: [WorkflowState.Qa], MergeOnAccept: false)),
        ], _ct);
        _services = _runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
    }

    public async Task DisposeAsync()
    {
        await _runtime.DisposeAsync();
        _temp.Dispose();
    }

    // ---- start ----

    [Fact]
    public async Task StartWorkflow_FromIssue_ReadsItWithGhAndCreatesTheRowInCreateWithItsCreatedEvent()
    {
        _gh.AddIssue(Repo, 42, "Add the login page", "Users need to sign in.\n\nDepends on #12.");

        var info = await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "example-org/alpha-console#42", HumanGates: ["qa", "REVIEW"]), _ct);
        var stored = await _store.FindWorkflowOrNullAsync(info.Workflow.Id, _ct);

        var w = info.Workflow;
        Assert.StartsWith("wf_", w.Id);
        Assert.Equal("alpha", w.Venture);
        Assert.Equal(Repo, w.Repo);
        Assert.Equal("example-org/alpha-console#42", w.Issue);
        Assert.Equal("Add the login page", w.Title);
        Assert.Equal("Users need to sign in.\n\nDepends on #12.", w.Body);
        Assert.Equal(WorkflowState.Create, w.State);
        Assert.Equal((0, WorkflowMachine.DefaultMaxBounces, 0, 1L), (w.Bounces, w.MaxBounces, w.Step, w.Version));
        Assert.Equal([WorkflowState.Qa, WorkflowState.Review], w.HumanGates);
        Assert.Equal(WorkflowIds.BranchOf(w.Id), w.Branch);
        Assert.Equal(w, stored! with { HumanGates = w.HumanGates });
        Assert.Equal(w.HumanGates, stored.HumanGates);
        var created = Assert.Single(info.Events);
        Assert.Equal((1, (WorkflowState?)null, WorkflowState.Create, "created", "local"), (created.Seq, created.From, created.To, created.Trigger, created.Actor));
        Assert.Equal(["issue", "view", "42", "--repo", Repo, "--json", "number,title,body,state,labels,url"], Assert.Single(_gh.Calls));
    }

    [Fact]
    public async Task StartWorkflow_TitleWithoutIssue_NeedsTheVentureAndTakesMaxBounces()
    {
        var info = await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "beta", Title: "Tidy the CSS", Body: "All of it.", MaxBounces: 0), _ct);
        var noTitle = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "beta"), _ct));
        var noVenture = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Title: "x"), _ct));
        var tooMany = await Assert.ThrowsAsync<BatonException>(() =>
            _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "beta", Title: "x", MaxBounces: 11, HumanGates: ["deploy"]), _ct));

        Assert.Equal(("beta", (string?)null, 0), (info.Workflow.Venture, info.Workflow.Issue, info.Workflow.MaxBounces));
        Assert.Equal(ErrorCodes.ValidationFailed, noTitle.Code);
        Assert.Contains("title", noTitle.Errors!.Keys);
        Assert.Contains("venture", noVenture.Errors!.Keys);
        Assert.Contains("max_bounces", tooMany.Errors!.Keys);
        Assert.Contains("use review, qa or validate", tooMany.Errors!["human_gates[0]"][0]);
        Assert.Empty(_gh.Calls);
    }

    [Fact]
    public async Task StartAndAdvance_VentureWorkflowSettings_GiveTheDefaultsAndTheMergeRule()
    {
        var defaults = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "delta", Title: "settings"), _ct)).Workflow;
        var given = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "delta", Title: "given", MaxBounces: 1, HumanGates: []), _ct)).Workflow;
        _gh.AddIssue("other-org/delta-app", 5, "Ship it", "");
        var withIssue = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "other-org/delta-app#5"), _ct)).Workflow;
        var moved = await MoveAsync(withIssue, WorkflowState.Validate);
        await _store.UpdateWorkflowAsync(moved with { PrUrl = "https://github.com/other-org/delta-app/pull/9", Version = moved.Version + 1 }, moved.Version, [], [], _ct);

        var accepted = await _services.Workflows.AdvanceWorkflowAsync(withIssue.Id, new GateDecisionRequest("checked by hand"), _ct);

        Assert.Equal(4, defaults.MaxBounces);
        Assert.Equal([WorkflowState.Qa], defaults.HumanGates);
        Assert.Equal((1, 0), (given.MaxBounces, given.HumanGates.Count));
        Assert.Equal("delta", withIssue.Venture);
        Assert.Equal(WorkflowState.Accepted, accepted.Workflow.State);
        // MergeOnAccept false: the issue is closed, the PR is left for a person to merge.
        Assert.DoesNotContain(accepted.Effects, e => e.Kind == WorkflowEffectKind.MergePullRequest);
        Assert.Contains(accepted.Effects, e => e.Kind == WorkflowEffectKind.CloseIssue && e.Number == 5);
    }

    [Theory]
    [InlineData("example-org/alpha-console")]
    [InlineData("alpha-console#42")]
    [InlineData("example-org/alpha-console#x")]
    [InlineData("a/b/c#1")]
    public async Task StartWorkflow_BadIssueForm_IsValidationSayingTheForm(string issue)
    {
        var error = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: issue), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("org/repo#number, e.g. acme/web#42", error.Errors!["issue"][0]);
        Assert.Empty(_gh.Calls);
    }

    [Fact]
    public async Task StartWorkflow_RepoNoVentureOwns_IsValidationListingTheVentures()
    {
        var error = await Assert.ThrowsAsync<BatonException>(() =>
            _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "stranger/elsewhere#3"), _ct));
        var unknown = await Assert.ThrowsAsync<BatonException>(() =>
            _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "stranger/elsewhere#3", Venture: "nope"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("no venture owns stranger/elsewhere: pass venture (known: alpha, beta, delta, gamma).", error.Errors!["venture"][0]);
        Assert.Equal(ErrorCodes.VentureNotFound, unknown.Code);
        Assert.Empty(_gh.Calls);
    }

    [Fact]
    public async Task StartWorkflow_GhFailing_IsGitHubFailedWithGhsMessageAndStoresNothing()
    {
        _gh.FailNext("issue view", 1, "HTTP 401: Bad credentials (https://api.github.com/graphql)");

        var failed = await Assert.ThrowsAsync<BatonException>(() =>
            _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "example-org/alpha-console#42"), _ct));
        var missing = await Assert.ThrowsAsync<BatonException>(() =>
            _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "example-org/alpha-console#7"), _ct));
        var list = await _services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(), _ct);

        Assert.Equal(ErrorCodes.GitHubFailed, failed.Code);
        Assert.Equal(502, failed.Status);
        Assert.StartsWith("gh could not read issue example-org/alpha-console#42: ", failed.Detail);
        Assert.Contains("Bad credentials", failed.Detail);
        Assert.Equal(ErrorCodes.GitHubFailed, missing.Code);
        Assert.Contains("Could not resolve to an issue or pull request with the number of 7", missing.Detail);
        Assert.Equal(0, list.Total);
    }

    // ---- get and list ----

    [Fact]
    public async Task GetAndList_StepTaskAndFilters_AnswerTheTaskStateAndExactTotals()
    {
        var one = await StartAsync("alpha", "one");
        var two = await StartAsync("alpha", "two");
        var other = await StartAsync("beta", "other");
        var task = await _services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "review-plan", "Review the plan"), _ct);
        await MoveAsync(two, WorkflowState.Review, stepTaskId: task.Id);
        await MoveAsync(one, WorkflowState.Planning, stepTaskId: "task_01JZZZZZZZZZZZZZZZZZZZZZZZ");

        var got = await _services.Workflows.GetWorkflowAsync(two.Id, _ct);
        var minted = await _services.Workflows.GetWorkflowAsync(one.Id, _ct);
        var alpha = await _services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(Venture: "alpha"), _ct);
        var review = await _services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(State: WorkflowState.Review), _ct);
        var paged = await _services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(Limit: 2), _ct);
        var missing = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.GetWorkflowAsync("wf_01JZZZZZZZZZZZZZZZZZZZZZZZ", _ct));

        Assert.Equal(new WorkflowStepInfo(task.Id, "review-plan", "queued", null, 0, 3), got.Step);
        Assert.Equal("not_created", minted.Step!.TaskState);
        Assert.Equal([two.Id, one.Id], alpha.Items.Select(w => w.Id));
        Assert.Equal(2, alpha.Total);
        Assert.Equal(two.Id, Assert.Single(review.Items).Id);
        Assert.Equal((3L, 2), (paged.Total, paged.Items.Count));
        Assert.NotNull(paged.NextCursor);
        Assert.Equal(one.Id, Assert.Single((await _services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(Cursor: paged.NextCursor, Limit: 2), _ct)).Items).Id);
        Assert.Equal(ErrorCodes.WorkflowNotFound, missing.Code);
    }

    [Fact]
    public async Task Workflows_VentureScopedKey_ActsOnlyForItsVenture()
    {
        var alpha = await StartAsync("alpha", "mine");
        var beta = await StartAsync("beta", "theirs");
        var scoped = _runtime.For(new Caller("actor_beta", KeyRole.Agent, "beta", IdGenerator.NewCorrelationId()));

        var list = await scoped.Workflows.ListWorkflowsAsync(new WorkflowListRequest(), _ct);
        var get = await Assert.ThrowsAsync<BatonException>(() => scoped.Workflows.GetWorkflowAsync(alpha.Id, _ct));
        var start = await Assert.ThrowsAsync<BatonException>(() => scoped.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "alpha", Title: "x"), _ct));
        var listOther = await Assert.ThrowsAsync<BatonException>(() => scoped.Workflows.ListWorkflowsAsync(new WorkflowListRequest(Venture: "alpha"), _ct));

        Assert.Equal(beta.Id, Assert.Single(list.Items).Id);
        Assert.Equal(ErrorCodes.Forbidden, get.Code);
        Assert.Equal(ErrorCodes.Forbidden, start.Code);
        Assert.Equal(ErrorCodes.Forbidden, listOther.Code);
    }

    // ---- advance and reject ----

    [Fact]
    public async Task Advance_AtReviewWithAnOpenStepTask_FiresApprovedAndCancelsTheTask()
    {
        _gh.AddIssue(Repo, 42, "Add the login page", "Body");
        var started = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: "example-org/alpha-console#42"), _ct)).Workflow;
        var task = await _services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "review-plan", "Review the plan"), _ct);
        await MoveAsync(started, WorkflowState.Review, stepTaskId: task.Id);

        var info = await _services.Workflows.AdvanceWorkflowAsync(started.Id, new GateDecisionRequest("looks right to me"), _ct);
        var cancelled = await _services.Tasks.GetTaskAsync(task.Id, _ct);

        Assert.Equal(WorkflowState.InProgress, info.Workflow.State);
        Assert.Null(info.Workflow.StepTaskId);
        var e = info.Events[^1];
        Assert.Equal((WorkflowState.Review, WorkflowState.InProgress, "approved", "local", "looks right to me", task.Id),
            (e.From!.Value, e.To, e.Trigger, e.Actor, e.Reason, e.TaskId));
        Assert.Equal(TaskState.Cancelled, cancelled.State);
        Assert.Contains((await _services.Tasks.ListTaskEventsAsync(task.Id, _ct)).Items, ev => ev.Reason.Contains("workflow advanced by local", StringComparison.Ordinal));
        Assert.Contains(info.Effects, x => x.Kind == WorkflowEffectKind.StatusLabel && x.Labels.SequenceEqual(["status:in-progress"]));
        Assert.Contains(info.Effects, x => x.Kind == WorkflowEffectKind.Comment && x.Number == 42);
    }

    [Fact]
    public async Task Reject_AtQa_GoesBackToPlanningWithTheReasonCountingABounce()
    {
        var started = await StartAsync("alpha", "with tests");
        await MoveAsync(started, WorkflowState.Qa);

        var noReason = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.RejectWorkflowAsync(started.Id, new GateDecisionRequest(), _ct));
        var info = await _services.Workflows.RejectWorkflowAsync(started.Id, new GateDecisionRequest("the login test is flaky"), _ct);

        Assert.Equal(ErrorCodes.ValidationFailed, noReason.Code);
        Assert.Contains("reason", noReason.Errors!.Keys);
        Assert.Equal(WorkflowState.Planning, info.Workflow.State);
        Assert.Equal(1, info.Workflow.Bounces);
        Assert.Equal("the login test is flaky", info.Workflow.Reason);
        Assert.Equal("tests_failed", info.Events[^1].Trigger);
        Assert.Equal(2, info.Events[^1].Seq);
    }

    [Fact]
    public async Task Reject_AtTheCap_IsFailed()
    {
        var started = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: "alpha", Title: "capped", MaxBounces: 1), _ct)).Workflow;
        var moved = await MoveAsync(started, WorkflowState.Validate);
        await _store.UpdateWorkflowAsync(moved with { Bounces = 1, Version = moved.Version + 1 }, moved.Version, [], [], _ct);

        var info = await _services.Workflows.RejectWorkflowAsync(started.Id, new GateDecisionRequest("the health check is red"), _ct);

        Assert.Equal(WorkflowState.Failed, info.Workflow.State);
        Assert.Equal(1, info.Workflow.Bounces);
        Assert.NotNull(info.Workflow.FinishedAt);
        Assert.Equal("fail", info.Events[^1].Trigger);
        Assert.Contains("max_bounces 1", info.Workflow.Reason);
    }

    [Theory]
    [InlineData(WorkflowState.Create)]
    [InlineData(WorkflowState.Planning)]
    [InlineData(WorkflowState.InProgress)]
    [InlineData(WorkflowState.Deploy)]
    [InlineData(WorkflowState.Accepted)]
    [InlineData(WorkflowState.Failed)]
    public async Task AdvanceAndReject_NotAtAGate_AreConflictsNamingTheStateAndTheGates(WorkflowState state)
    {
        var started = await StartAsync("alpha", "not yet");
        if (state != WorkflowState.Create) await MoveAsync(started, state);

        var advance = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.AdvanceWorkflowAsync(started.Id, new GateDecisionRequest(), _ct));
        var reject = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.RejectWorkflowAsync(started.Id, new GateDecisionRequest("no"), _ct));

        Assert.Equal(ErrorCodes.WorkflowStateConflict, advance.Code);
        Assert.Equal(409, advance.Status);
        Assert.Contains($"is {WorkflowMachine.Name(state)}", advance.Detail);
        Assert.Contains("(REVIEW, QA, VALIDATE)", advance.Detail);
        Assert.Equal(ErrorCodes.WorkflowStateConflict, reject.Code);
    }

    [Fact]
    public async Task Advance_EngineMovedItMeanwhile_ReReadsAndSavesOnTheNewVersion()
    {
        var started = await StartAsync("alpha", "raced");
        var atReview = await MoveAsync(started, WorkflowState.Review);
        // The engine writes a note between the human's read and save: the first save meets a newer version.
        _beforeNextUpdate = async () =>
            Assert.True(await _store.UpdateWorkflowAsync(atReview with { WaitingForHuman = "waiting", Version = atReview.Version + 1 }, atReview.Version,
                [new WorkflowEvent(atReview.Id, 2, DateTimeOffset.UtcNow, WorkflowState.Review, WorkflowState.Review, "waiting", WorkflowRules.EngineActor, "waiting", null, null)], [], _ct));
        var before = _updates;

        var info = await _services.Workflows.AdvanceWorkflowAsync(started.Id, new GateDecisionRequest(), _ct);

        Assert.Equal(WorkflowState.InProgress, info.Workflow.State);
        Assert.Equal(atReview.Version + 2, info.Workflow.Version);
        Assert.Equal([1, 2, 3], info.Events.Select(e => e.Seq));
        Assert.Equal(("approved", "advanced by local"), (info.Events[^1].Trigger, info.Events[^1].Reason));
        Assert.Equal(3, _updates - before); // the engine's, the refused one, the saved one
    }

    [Fact]
    public async Task Advance_EngineKeepsMovingIt_GivesUpAfterThreeTriesWithAConflict()
    {
        var started = await StartAsync("alpha", "busy");
        await MoveAsync(started, WorkflowState.Review);
        async Task Bump()
        {
            var now = (await _store.FindWorkflowOrNullAsync(started.Id, _ct))!;
            await _store.UpdateWorkflowAsync(now with { Version = now.Version + 1 }, now.Version, [], [], _ct);
            _beforeNextUpdate = Bump;
        }
        _beforeNextUpdate = Bump;

        var error = await Assert.ThrowsAsync<BatonException>(() => _services.Workflows.AdvanceWorkflowAsync(started.Id, new GateDecisionRequest(), _ct));
        _beforeNextUpdate = null;

        Assert.Equal(ErrorCodes.WorkflowStateConflict, error.Code);
        Assert.Contains("kept changing", error.Detail);
        Assert.Equal(WorkflowState.Review, (await _store.FindWorkflowOrNullAsync(started.Id, _ct))!.State);
    }

    // ---- sprints ----

    [Fact]
    public async Task PlanSprint_IssuesByNumber_BuildsWavesFromTheirBodies()
    {
        _gh.AddIssue(Repo, 12, "Schema", "The tables.");
        _gh.AddIssue(Repo, 13, "API", "Depends on #12.");
        _gh.AddIssue(Repo, 14, "UI", "Blocked by #13 and depends on #9.");
        _gh.AddIssue(Repo, 15, "Docs", "Nothing.");

        var plan = await _services.Sprints.PlanSprintAsync(new PlanSprintRequest("alpha", [12, 13, 14, 15]), _ct);

        Assert.Equal(("alpha", Repo), (plan.Venture, plan.Repo));
        Assert.Equal([[12, 15], [13], [14]], plan.Waves.Select(w => w.Select(i => i.Number).Order().ToArray()).ToArray());
        Assert.Single(plan.Outside);
        Assert.Contains("#9", plan.Outside[0]);
        Assert.Equal(4, _gh.CallsOf("issue view").Count);
        Assert.Equal(0, (await _services.Sprints.ListSprintsAsync(new SprintListRequest(), _ct)).Total);
    }

    [Fact]
    public async Task PlanSprint_ByLabelWithACycle_IsRefusedNamingTheCycle()
    {
        _gh.AddIssue(Repo, 12, "One", "Depends on #13.", "sprint-7");
        _gh.AddIssue(Repo, 13, "Two", "Blocked by #12.", "sprint-7");

        var error = await Assert.ThrowsAsync<BatonException>(() => _services.Sprints.PlanSprintAsync(new PlanSprintRequest("alpha", Label: "sprint-7"), _ct));
        var none = await Assert.ThrowsAsync<BatonException>(() => _services.Sprints.PlanSprintAsync(new PlanSprintRequest("alpha", Label: "nothing"), _ct));
        var neither = await Assert.ThrowsAsync<BatonException>(() => _services.Sprints.PlanSprintAsync(new PlanSprintRequest("alpha"), _ct));
        var both = await Assert.ThrowsAsync<BatonException>(() => _services.Sprints.PlanSprintAsync(new PlanSprintRequest("alpha", [1], "x"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("#12 → #13 → #12", error.Detail.Replace("#13 → #12 → #13", "#12 → #13 → #12"));
        Assert.Contains("no open issue labelled 'nothing'", none.Detail);
        Assert.Contains("issues", neither.Errors!.Keys);
        Assert.Contains("label", both.Errors!.Keys);
    }

    [Fact]
    public async Task StartAndGetSprint_Report_CountsStatesRetriesTimeAndTheSpendOfEveryRunsTasks()
    {
        _gh.AddIssue(Repo, 12, "Schema", "");
        _gh.AddIssue(Repo, 13, "API", "Depends on #12.");
        _gh.AddIssue(Repo, 14, "UI", "Depends on #13.");
        var started = await _services.Sprints.StartSprintAsync(new StartSprintRequest("alpha", [12, 13, 14], Mode: SprintMode.Task), _ct);
        var s = started.Sprint;

        // Two tries of #12 as tasks (the retry merged), #13 as a workflow whose step task spent, #14 not started.
        var first = await RunTaskAsync("first try", 0.25);
        var second = await RunTaskAsync("retry", 0.5);
        var step = await RunTaskAsync("workflow step", 1.125);
        var wf = await StartAsync("alpha", "API");
        var planning = await MoveAsync(wf, WorkflowState.Planning);
        var begun = WorkflowRules.BeginStep(planning, step, "plan", 1, DateTimeOffset.UtcNow);
        Assert.True(await _store.UpdateWorkflowAsync(begun.Workflow, planning.Version, begun.Events, begun.Effects, _ct));
        var items = s.Items.Select(i => i.Issue switch
        {
            12 => i with { State = SprintItemState.Merged, Runs = [first, second] },
            13 => i with { State = SprintItemState.Running, Runs = [wf.Id] },
            _ => i,
        }).ToList();
        Assert.True(await _store.UpdateSprintAsync(s with { Items = items, CurrentWave = 1, Version = s.Version + 1 }, s.Version, _ct));

        var got = await _services.Sprints.GetSprintAsync(s.Id, _ct);
        var list = await _services.Sprints.ListSprintsAsync(new SprintListRequest(Venture: "alpha"), _ct);
        var missing = await Assert.ThrowsAsync<BatonException>(() => _services.Sprints.GetSprintAsync("spr_01JZZZZZZZZZZZZZZZZZZZZZZZ", _ct));

        Assert.StartsWith("spr_", s.Id);
        Assert.Equal((SprintMode.Task, SprintState.Running, 0, 3), (s.Mode, s.State, s.CurrentWave, s.WaveCount));
        Assert.Equal([(12, 0), (13, 1), (14, 2)], s.Items.Select(i => (i.Issue, i.Wave)));
        Assert.All(s.Items, i => Assert.Equal(SprintItemState.Pending, i.State));
        Assert.Equal(new SprintReport(3, 0, 0, 0, 0, 3, 0, 0, 0), started.Report with { ElapsedSeconds = 0 });
        var r = got.Report;
        Assert.Equal((3, 1, 0, 1, 1, 1), (r.Items, r.Merged, r.Failed, r.Retried, r.Running, r.Pending));
        Assert.Equal(1.875, r.SpendUsd);
        Assert.Equal(3, r.TasksCounted);
        Assert.True(r.ElapsedSeconds >= 0);
        Assert.Equal(s.Id, Assert.Single(list.Items).Id);
        Assert.Equal(ErrorCodes.SprintNotFound, missing.Code);
    }

    // ---- helpers ----

    private async Task<Workflow> StartAsync(string venture, string title) =>
        (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: venture, Title: title), _ct)).Workflow;

    /// <summary>Moves a workflow to <paramref name="state"/> as the engine's versioned update would; answers the row saved.</summary>
    private async Task<Workflow> MoveAsync(Workflow workflow, WorkflowState state, string? stepTaskId = null)
    {
        var now = (await _store.FindWorkflowOrNullAsync(workflow.Id, _ct))!;
        var moved = now with { State = state, StepTaskId = stepTaskId, Version = now.Version + 1, FinishedAt = state is WorkflowState.Accepted or WorkflowState.Failed ? DateTimeOffset.UtcNow : null };
        Assert.True(await _store.UpdateWorkflowAsync(moved, now.Version, [], [], _ct));
        return moved;
    }

    /// <summary>A task that an agent ran to success at <paramref name="costUsd"/>; answers its id.</summary>
    private async Task<string> RunTaskAsync(string title, double costUsd)
    {
        var agent = (await _services.Agents.RegisterAgentAsync(new RegisterAgentRequest("coder", AgentCli.Claude, [new CapabilityInput("code", 0.8)]), _ct)).Agent;
        var created = await _services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "code", title), _ct);
        var task = (await _services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(25), _ct)).Task!;
        await _services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);
        await _services.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, Usage: new UsageInput(CostUsd: costUsd)), _ct);
        Assert.Equal(created.Id, task.Id);
        return task.Id;
    }

    /// <summary>The real store, with a hook that runs a racing writer just before the service's next workflow update.</summary>
    private sealed class RacingStore(IBatonStore inner, WorkflowServiceTests test) : DelegatingStore(inner)
    {
        public override async Task<bool> UpdateWorkflowAsync(Workflow updated, long expectedVersion, IReadOnlyList<WorkflowEvent> events,
            IReadOnlyList<WorkflowEffect> effects, CancellationToken ct)
        {
            Interlocked.Increment(ref test._updates);
            if (test._beforeNextUpdate is { } racer)
            {
                test._beforeNextUpdate = null;
                await racer();
            }
            return await base.UpdateWorkflowAsync(updated, expectedVersion, events, effects, ct);
        }
    }
}
