using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Storage.Contract;

/// <summary>
/// The workflow side of the storage contract (docs/architecture.md §17): workflows with their events and effects,
/// versioned updates (all or nothing; a stale version saves nothing; of two racing updates one wins), the effects
/// outbox's claims, and sprints.
/// </summary>
public abstract class WorkflowStoreContractTests : StoreContractBase
{
    private const string Venture = "alpha";

    // One instance each, so records whose lists are swapped for these compare by their other fields.
    private static readonly IReadOnlyList<WorkflowState> NoGates = [];
    private static readonly IReadOnlyList<string> NoStrings = [];
    private static readonly IReadOnlyList<int> NoInts = [];

    private static Workflow NewWorkflow(DateTimeOffset at, string venture = Venture, string? sprintId = null, WorkflowState state = WorkflowState.Create)
    {
        var id = Some.Id(WorkflowIds.Workflow);
        return new Workflow(
            id, venture, "example-org/api", "example-org/api#42", Some.Text("Add login"), "The body\nwith lines", state,
            Bounces: 0, MaxBounces: 2, HumanGates: [], WorkflowIds.BranchOf(id), Plan: null, PrUrl: null, Step: 0, StepTaskId: null,
            WaitingForHuman: null, Reason: null, sprintId, "creator-key", at, at, FinishedAt: null, Version: 1);
    }

    private static WorkflowEvent Event(Workflow w, int seq, WorkflowState? from, WorkflowState to, string trigger, DateTimeOffset at, string? detail = null) =>
        new(w.Id, seq, at, from, to, trigger, "workflow", $"{trigger} reason", TaskId: null, detail);

    private static WorkflowEffect Effect(Workflow w, DateTimeOffset at, WorkflowEffectKind kind = WorkflowEffectKind.Comment, string? body = "A comment") =>
        new(Some.Id(WorkflowIds.Effect), w.Id, kind, "example-org/api", 42, Title: null, body, Labels: [], PrUrl: null, at,
            Attempts: 0, LastError: null, DoneAt: null, ResultUrl: null);

    /// <summary>A workflow inserted with its creation event.</summary>
    private async Task<Workflow> InsertAsync(DateTimeOffset at, string venture = Venture, string? sprintId = null, WorkflowState state = WorkflowState.Create, params WorkflowEffect[] effects)
    {
        var w = NewWorkflow(at, venture, sprintId, state);
        await Store.InsertWorkflowAsync(w, [Event(w, 1, null, state, "created", at)], effects.Select(x => x with { WorkflowId = w.Id }).ToList(), Ct);
        return w;
    }

    private static Workflow Next(Workflow w, WorkflowState state, DateTimeOffset at) => w with { State = state, UpdatedAt = at, Version = w.Version + 1 };

    [Fact]
    public async Task InsertWorkflow_ThenFind_ReadsEveryFieldBackWithItsEventsAndEffects()
    {
        var w = NewWorkflow(T0) with
        {
            HumanGates = [WorkflowState.Review, WorkflowState.Validate],
            Plan = "## Plan\n- step \"one\" — ünïcödé ✓\n\t`code`",
            PrUrl = "https://github.com/example-org/api/pull/7",
            Step = 3,
            StepTaskId = Some.Id(IdGenerator.Task),
            WaitingForHuman = "review passed; waiting for a human",
            Reason = "tests failed: 2",
            SprintId = Some.Id(WorkflowIds.Sprint),
            Bounces = 1,
            MaxBounces = 5,
            FinishedAt = T0.AddMinutes(3),
            Repo = null,
        };
        var effect = Effect(w, T0, WorkflowEffectKind.CreateIssue) with
        {
            Title = "Bug: 2 tests fail", Labels = ["bug", "status:planning"], Number = null, PrUrl = "https://github.com/example-org/api/pull/7",
        };
        var created = Event(w, 1, null, WorkflowState.Create, "created", T0) with { TaskId = Some.Id(IdGenerator.Task), Detail = "{\"json\": [1, 2]}\n| a | b |" };
        var started = Event(w, 2, WorkflowState.Create, WorkflowState.Planning, "start", T0.AddMilliseconds(1));

        await Store.InsertWorkflowAsync(w, [created, started], [effect], Ct);

        var found = await Store.FindWorkflowOrNullAsync(w.Id, Ct);
        Assert.NotNull(found);
        Assert.Equal(w with { HumanGates = NoGates }, found with { HumanGates = NoGates });
        Assert.Equal(w.HumanGates, found.HumanGates);
        Assert.Equal([created, started], await Store.ListWorkflowEventsAsync(w.Id, Ct));
        var stored = Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
        Assert.Equal(effect with { Labels = NoStrings }, stored with { Labels = NoStrings });
        Assert.Equal(effect.Labels, stored.Labels);
        Assert.Null(await Store.FindWorkflowOrNullAsync(Some.Id(WorkflowIds.Workflow), Ct));
    }

    [Fact]
    public async Task InsertWorkflow_WithARepeatedEventSeq_SavesNothing()
    {
        var w = NewWorkflow(T0);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.InsertWorkflowAsync(w,
            [Event(w, 1, null, WorkflowState.Create, "created", T0), Event(w, 1, WorkflowState.Create, WorkflowState.Planning, "start", T0)], [Effect(w, T0)], Ct));

        Assert.Null(await Store.FindWorkflowOrNullAsync(w.Id, Ct));
        Assert.Empty(await Store.ListWorkflowEventsAsync(w.Id, Ct));
        Assert.Empty(await Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(1), 10, Ct));
    }

    [Fact]
    public async Task ListWorkflows_NewestFirstPagedByIdWithExactTotals_AndFiltersByVentureStateAndSprint()
    {
        var sprint = Some.Id(WorkflowIds.Sprint);
        var alpha = new List<Workflow>();
        for (var i = 0; i < 5; i++) alpha.Add(await InsertAsync(T0.AddSeconds(i), sprintId: i < 2 ? sprint : null, state: i == 4 ? WorkflowState.Qa : WorkflowState.Create));
        var beta = await InsertAsync(T0.AddSeconds(9), venture: "beta");

        var all = await Paging.ReadAllAsync(c => Store.ListWorkflowsAsync(new WorkflowQuery(new PageRequest(2, c)), Ct), 6, 3);
        Assert.Equal([beta.Id, .. alpha.Select(w => w.Id).Reverse()], all.Select(w => w.Id));

        var ofAlpha = await Paging.ReadAllAsync(c => Store.ListWorkflowsAsync(new WorkflowQuery(new PageRequest(3, c), Venture: Venture), Ct), 5, 2);
        Assert.Equal(alpha.Select(w => w.Id).Reverse(), ofAlpha.Select(w => w.Id));

        var inQa = await Store.ListWorkflowsAsync(new WorkflowQuery(PageRequest.First(), State: WorkflowState.Qa), Ct);
        Assert.Equal((1, alpha[4].Id), (inQa.Total, Assert.Single(inQa.Items).Id));

        var ofSprint = await Store.ListWorkflowsAsync(new WorkflowQuery(PageRequest.First(), Venture: Venture, SprintId: sprint), Ct);
        Assert.Equal([alpha[1].Id, alpha[0].Id], ofSprint.Items.Select(w => w.Id));
        Assert.Equal(2, ofSprint.Total);

        var none = await Store.ListWorkflowsAsync(new WorkflowQuery(PageRequest.First(), Venture: "beta", State: WorkflowState.Qa), Ct);
        Assert.Equal((0, 0), (none.Total, none.Items.Count));
    }

    [Fact]
    public async Task ListWorkflows_CursorOfAnotherList_IsInvalidCursor()
    {
        await InsertAsync(T0);

        var error = await Assert.ThrowsAsync<BatonException>(() => Store.ListWorkflowsAsync(new WorkflowQuery(new PageRequest(10, Some.Id(IdGenerator.Task))), Ct));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }

    [Fact]
    public async Task ListOpenWorkflows_LeavesOutAcceptedAndFailed_OldestFirst_UpToTheLimit()
    {
        var first = await InsertAsync(T0, state: WorkflowState.Planning);
        await InsertAsync(T0.AddSeconds(1), state: WorkflowState.Accepted);
        var third = await InsertAsync(T0.AddSeconds(2), state: WorkflowState.Validate);
        await InsertAsync(T0.AddSeconds(3), state: WorkflowState.Failed);
        var fifth = await InsertAsync(T0.AddSeconds(4), state: WorkflowState.Create);

        Assert.Equal([first.Id, third.Id, fifth.Id], (await Store.ListOpenWorkflowsAsync(10, Ct)).Select(w => w.Id));
        Assert.Equal([first.Id, third.Id], (await Store.ListOpenWorkflowsAsync(2, Ct)).Select(w => w.Id));

        // Finishing one takes it out of the engine's pass.
        Assert.True(await Store.UpdateWorkflowAsync(Next(third, WorkflowState.Accepted, T0.AddMinutes(1)) with { FinishedAt = T0.AddMinutes(1) }, 1, [], [], Ct));
        Assert.Equal([first.Id, fifth.Id], (await Store.ListOpenWorkflowsAsync(10, Ct)).Select(w => w.Id));
    }

    [Fact]
    public async Task UpdateWorkflow_WithTheVersionRead_SavesTheRowItsEventsAndEffects()
    {
        var w = await InsertAsync(T0);
        var at = T0.AddSeconds(10);
        var planned = Next(w, WorkflowState.Review, at) with { Plan = "the plan", Step = 1, StepTaskId = Some.Id(IdGenerator.Task), HumanGates = [WorkflowState.Qa] };
        var comment = Effect(w, at, body: "the plan");
        var label = Effect(w, at, WorkflowEffectKind.StatusLabel, body: null) with { Labels = ["status:review"] };

        var saved = await Store.UpdateWorkflowAsync(planned, 1, [Event(w, 2, WorkflowState.Create, WorkflowState.Review, "planned", at, "the plan")], [comment, label], Ct);

        Assert.True(saved);
        var found = (await Store.FindWorkflowOrNullAsync(w.Id, Ct))!;
        Assert.Equal((WorkflowState.Review, 2L, "the plan", 1, planned.StepTaskId, at), (found.State, found.Version, found.Plan, found.Step, found.StepTaskId, found.UpdatedAt));
        Assert.Equal([WorkflowState.Qa], found.HumanGates);
        Assert.Equal((w.CreatedAt, w.CreatedBy), (found.CreatedAt, found.CreatedBy));
        Assert.Equal([1, 2], (await Store.ListWorkflowEventsAsync(w.Id, Ct)).Select(e => e.Seq));
        Assert.Equal([comment.Id, label.Id], (await Store.ListWorkflowEffectsAsync(w.Id, Ct)).Select(x => x.Id));
    }

    [Fact]
    public async Task UpdateWorkflow_WithAStaleVersion_SavesNothingAndAnswersFalse()
    {
        var w = await InsertAsync(T0);
        Assert.True(await Store.UpdateWorkflowAsync(Next(w, WorkflowState.Planning, T0.AddSeconds(1)), 1,
            [Event(w, 2, WorkflowState.Create, WorkflowState.Planning, "start", T0.AddSeconds(1))], [], Ct));

        var stale = Next(w, WorkflowState.Failed, T0.AddSeconds(2)) with { Reason = "stale writer" };
        var saved = await Store.UpdateWorkflowAsync(stale, 1,
            [Event(w, 3, WorkflowState.Create, WorkflowState.Failed, "fail", T0.AddSeconds(2))], [Effect(w, T0.AddSeconds(2))], Ct);

        Assert.False(saved);
        var found = (await Store.FindWorkflowOrNullAsync(w.Id, Ct))!;
        Assert.Equal((WorkflowState.Planning, 2L, (string?)null), (found.State, found.Version, found.Reason));
        Assert.Equal([1, 2], (await Store.ListWorkflowEventsAsync(w.Id, Ct)).Select(e => e.Seq));
        Assert.Empty(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
    }

    [Fact]
    public async Task UpdateWorkflow_WhoseEventFails_UndoesTheUpdate()
    {
        var w = await InsertAsync(T0);

        // Seq 1 is the creation's: the insert fails, and the row's change with it.
        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpdateWorkflowAsync(Next(w, WorkflowState.Planning, T0.AddSeconds(1)), 1,
            [Event(w, 1, WorkflowState.Create, WorkflowState.Planning, "start", T0.AddSeconds(1))], [Effect(w, T0.AddSeconds(1))], Ct));

        var found = (await Store.FindWorkflowOrNullAsync(w.Id, Ct))!;
        Assert.Equal((WorkflowState.Create, 1L), (found.State, found.Version));
        Assert.Single(await Store.ListWorkflowEventsAsync(w.Id, Ct));
        Assert.Empty(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
    }

    [Fact]
    public async Task UpdateWorkflow_NotCarryingTheNextVersion_IsRefused()
    {
        var w = await InsertAsync(T0);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpdateWorkflowAsync(w with { State = WorkflowState.Planning }, 1, [], [], Ct));

        Assert.Equal(WorkflowState.Create, (await Store.FindWorkflowOrNullAsync(w.Id, Ct))!.State);
    }

    [Fact]
    public async Task UpdateWorkflow_TwoRacingWithOneVersion_ExactlyOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            var w = await InsertAsync(T0.AddSeconds(round));
            var engine = Next(w, WorkflowState.Planning, T0.AddMinutes(1)) with { Reason = "engine" };
            var human = Next(w, WorkflowState.Failed, T0.AddMinutes(1)) with { Reason = "human" };

            var results = await Task.WhenAll(
                Store.UpdateWorkflowAsync(engine, 1, [Event(w, 2, WorkflowState.Create, WorkflowState.Planning, "start", T0.AddMinutes(1))], [Effect(w, T0.AddMinutes(1), body: "engine")], Ct),
                Store.UpdateWorkflowAsync(human, 1, [Event(w, 2, WorkflowState.Create, WorkflowState.Failed, "fail", T0.AddMinutes(1))], [Effect(w, T0.AddMinutes(1), body: "human")], Ct));

            Assert.Equal(1, results.Count(r => r));
            var winner = results[0] ? engine : human;
            var found = (await Store.FindWorkflowOrNullAsync(w.Id, Ct))!;
            Assert.Equal((winner.State, winner.Reason, 2L), (found.State, found.Reason, found.Version));
            Assert.Equal(winner.State, (await Store.ListWorkflowEventsAsync(w.Id, Ct)).Last().To);
            Assert.Equal(winner.Reason, Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct)).Body);
        }
    }

    [Fact]
    public async Task ClaimPendingEffects_ClaimsOldestFirst_NotAgainBeforeTheClaimEnds_AndNeverDoneOnes()
    {
        var w = await InsertAsync(T0);
        var effects = Enumerable.Range(0, 3).Select(i => Effect(w, T0.AddSeconds(i), body: $"comment {i}")).ToList();
        Assert.True(await Store.UpdateWorkflowAsync(Next(w, WorkflowState.Planning, T0), 1, [], effects, Ct));

        var first = await Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(1), 2, Ct);
        Assert.Equal([effects[0].Id, effects[1].Id], first.Select(x => x.Id));

        // Claimed until T0+1m: only the third is left to claim before then.
        var second = await Store.ClaimPendingEffectsAsync(T0.AddSeconds(30), T0.AddMinutes(2), 10, Ct);
        Assert.Equal([effects[2].Id], second.Select(x => x.Id));
        Assert.Empty(await Store.ClaimPendingEffectsAsync(T0.AddSeconds(59), T0.AddMinutes(2), 10, Ct));

        await Store.RecordEffectAsync(effects[0].Id, T0.AddSeconds(40), done: true, "https://github.com/example-org/api/issues/42#c1", null, Ct);

        // The first claim ended: the one not done is claimable again, the done one never.
        var third = await Store.ClaimPendingEffectsAsync(T0.AddMinutes(1), T0.AddMinutes(3), 10, Ct);
        Assert.Equal([effects[1].Id], third.Select(x => x.Id));
        Assert.Equal([effects[1].Id, effects[2].Id], (await Store.ClaimPendingEffectsAsync(T0.AddHours(1), T0.AddHours(2), 10, Ct)).Select(x => x.Id));
    }

    [Fact]
    public async Task RecordEffect_Failed_CountsTheAttemptKeepsTheErrorAndReleasesTheClaim_ThenDone()
    {
        var w = await InsertAsync(T0, effects: Effect(NewWorkflow(T0), T0, WorkflowEffectKind.CreateIssue));
        var effect = Assert.Single(await Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(5), 10, Ct));

        await Store.RecordEffectAsync(effect.Id, T0.AddSeconds(1), done: false, null, "gh: HTTP 502", Ct);

        var failed = Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
        Assert.Equal((1, "gh: HTTP 502", (DateTimeOffset?)null), (failed.Attempts, failed.LastError, failed.DoneAt));
        // Released: claimable at once, long before the claim's end.
        Assert.Equal([effect.Id], (await Store.ClaimPendingEffectsAsync(T0.AddSeconds(2), T0.AddMinutes(5), 10, Ct)).Select(x => x.Id));

        await Store.RecordEffectAsync(effect.Id, T0.AddSeconds(3), done: true, "https://github.com/example-org/api/issues/43", null, Ct);

        var done = Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
        Assert.Equal((2, "gh: HTTP 502", (DateTimeOffset?)T0.AddSeconds(3), "https://github.com/example-org/api/issues/43"),
            (done.Attempts, done.LastError, done.DoneAt, done.ResultUrl));
        Assert.Empty(await Store.ClaimPendingEffectsAsync(T0.AddHours(1), T0.AddHours(2), 10, Ct));

        // A report for a done effect changes nothing.
        await Store.RecordEffectAsync(effect.Id, T0.AddSeconds(4), done: false, null, "late", Ct);
        Assert.Equal(done with { Labels = NoStrings }, Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct)) with { Labels = NoStrings });
    }

    [Fact]
    public async Task ClaimPendingEffects_Racing_NeverHandsOneEffectOutTwice()
    {
        var w = await InsertAsync(T0);
        var effects = Enumerable.Range(0, 20).Select(i => Effect(w, T0, body: $"comment {i}")).ToList();
        Assert.True(await Store.UpdateWorkflowAsync(Next(w, WorkflowState.Planning, T0), 1, [], effects, Ct));

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(1), 20, Ct)));

        var ids = claims.SelectMany(c => c.Select(x => x.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(effects.Select(x => x.Id).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecordEffect_NotDoneWithoutAnError_OnlyReleasesTheClaim()
    {
        var w = await InsertAsync(T0, effects: Effect(NewWorkflow(T0), T0));
        var effect = Assert.Single(await Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(5), 10, Ct));
        await Store.RecordEffectAsync(effect.Id, T0.AddSeconds(1), done: false, null, "gh: HTTP 502", Ct);
        Assert.Single(await Store.ClaimPendingEffectsAsync(T0.AddSeconds(2), T0.AddMinutes(5), 10, Ct));

        // Held back for its back-off: not an attempt, and the error stays the last one gh gave.
        await Store.RecordEffectAsync(effect.Id, T0.AddSeconds(3), done: false, null, null, Ct);

        var released = Assert.Single(await Store.ListWorkflowEffectsAsync(w.Id, Ct));
        Assert.Equal((1, "gh: HTTP 502", (DateTimeOffset?)null), (released.Attempts, released.LastError, released.DoneAt));
        Assert.Equal([effect.Id], (await Store.ClaimPendingEffectsAsync(T0.AddSeconds(4), T0.AddMinutes(5), 10, Ct)).Select(x => x.Id));
    }

    [Fact]
    public async Task ReleaseEffectClaims_ClaimedAndDoneEffects_ClaimsEndDoneOnesStayDone()
    {
        var w = await InsertAsync(T0, effects: [Effect(NewWorkflow(T0), T0), Effect(NewWorkflow(T0), T0.AddSeconds(1))]);
        var claimed = await Store.ClaimPendingEffectsAsync(T0, T0.AddMinutes(5), 10, Ct);
        await Store.RecordEffectAsync(claimed[0].Id, T0.AddSeconds(2), done: true, null, null, Ct);
        Assert.Empty(await Store.ClaimPendingEffectsAsync(T0.AddSeconds(3), T0.AddMinutes(5), 10, Ct)); // the other one is still claimed

        await Store.ReleaseEffectClaimsAsync(Ct);

        Assert.Equal([claimed[1].Id], (await Store.ClaimPendingEffectsAsync(T0.AddSeconds(4), T0.AddMinutes(5), 10, Ct)).Select(x => x.Id));
        var effects = await Store.ListWorkflowEffectsAsync(w.Id, Ct);
        Assert.NotNull(effects.Single(e => e.Id == claimed[0].Id).DoneAt);
    }

    private static Sprint NewSprint(DateTimeOffset at, string venture = Venture, SprintState state = SprintState.Running) => new(
        Some.Id(WorkflowIds.Sprint), venture, "example-org/api", SprintMode.Workflow, state,
        [
            new SprintItem(12, "First \"quoted\" — ✓", 0, [], SprintItemState.Running, [Some.Id(WorkflowIds.Workflow)], null, null),
            new SprintItem(13, "Second", 1, [12], SprintItemState.Pending, [], null, null),
            new SprintItem(14, "Third", 1, [12, 11], SprintItemState.Failed, [Some.Id(IdGenerator.Task), Some.Id(IdGenerator.Task)], "https://github.com/example-org/api/pull/3", "retried once;\nstill failing"),
        ],
        CurrentWave: 0, WaveCount: 2, "creator-key", at, at, FinishedAt: null, Version: 1);

    [Fact]
    public async Task InsertSprint_ThenFind_ReadsEveryFieldAndItemBack()
    {
        var sprint = NewSprint(T0) with { Mode = SprintMode.Task };

        await Store.InsertSprintAsync(sprint, Ct);

        var found = (await Store.FindSprintOrNullAsync(sprint.Id, Ct))!;
        Assert.Equal(sprint, found with { Items = sprint.Items });
        Assert.Equal(sprint.Items.Count, found.Items.Count);
        for (var i = 0; i < sprint.Items.Count; i++)
        {
            Assert.Equal(sprint.Items[i] with { DependsOn = NoInts, Runs = NoStrings }, found.Items[i] with { DependsOn = NoInts, Runs = NoStrings });
            Assert.Equal(sprint.Items[i].DependsOn, found.Items[i].DependsOn);
            Assert.Equal(sprint.Items[i].Runs, found.Items[i].Runs);
        }
        Assert.Null(await Store.FindSprintOrNullAsync(Some.Id(WorkflowIds.Sprint), Ct));
    }

    [Fact]
    public async Task ListSprints_NewestFirstPagedWithExactTotals_FilteredByVenture_AndRunningOnesOldestFirst()
    {
        var alpha = new List<Sprint>();
        for (var i = 0; i < 3; i++)
        {
            var s = NewSprint(T0.AddSeconds(i), state: i == 1 ? SprintState.Done : SprintState.Running);
            await Store.InsertSprintAsync(s, Ct);
            alpha.Add(s);
        }
        var beta = NewSprint(T0.AddSeconds(5), venture: "beta");
        await Store.InsertSprintAsync(beta, Ct);

        var all = await Paging.ReadAllAsync(c => Store.ListSprintsAsync(new SprintQuery(new PageRequest(3, c)), Ct), 4, 2);
        Assert.Equal([beta.Id, alpha[2].Id, alpha[1].Id, alpha[0].Id], all.Select(s => s.Id));
        var ofAlpha = await Store.ListSprintsAsync(new SprintQuery(PageRequest.First(), Venture), Ct);
        Assert.Equal((3, 3), (ofAlpha.Total, ofAlpha.Items.Count));

        Assert.Equal([alpha[0].Id, alpha[2].Id, beta.Id], (await Store.ListRunningSprintsAsync(10, Ct)).Select(s => s.Id));
        Assert.Equal([alpha[0].Id], (await Store.ListRunningSprintsAsync(1, Ct)).Select(s => s.Id));
    }

    [Fact]
    public async Task UpdateSprint_WithTheVersionRead_Saves_WithAStaleOneSavesNothing()
    {
        var sprint = NewSprint(T0);
        await Store.InsertSprintAsync(sprint, Ct);
        var items = sprint.Items.Select(i => i with { State = SprintItemState.Merged }).ToList();
        var done = sprint with { State = SprintState.Done, Items = items, CurrentWave = 2, UpdatedAt = T0.AddHours(1), FinishedAt = T0.AddHours(1), Version = 2 };

        Assert.True(await Store.UpdateSprintAsync(done, 1, Ct));
        Assert.False(await Store.UpdateSprintAsync(sprint with { CurrentWave = 1, Version = 2 }, 1, Ct));

        var found = (await Store.FindSprintOrNullAsync(sprint.Id, Ct))!;
        Assert.Equal((SprintState.Done, 2, 2L, (DateTimeOffset?)T0.AddHours(1)), (found.State, found.CurrentWave, found.Version, found.FinishedAt));
        Assert.All(found.Items, i => Assert.Equal(SprintItemState.Merged, i.State));
        Assert.Empty(await Store.ListRunningSprintsAsync(10, Ct));
    }

    [Fact]
    public async Task UpdateSprint_TwoRacingWithOneVersion_ExactlyOneWins()
    {
        var sprint = NewSprint(T0);
        await Store.InsertSprintAsync(sprint, Ct);

        var results = await Task.WhenAll(
            Store.UpdateSprintAsync(sprint with { CurrentWave = 1, Version = 2 }, 1, Ct),
            Store.UpdateSprintAsync(sprint with { State = SprintState.Done, Version = 2 }, 1, Ct));

        Assert.Equal(1, results.Count(r => r));
        var found = (await Store.FindSprintOrNullAsync(sprint.Id, Ct))!;
        Assert.Equal(results[0] ? (SprintState.Running, 1) : (SprintState.Done, 0), (found.State, found.CurrentWave));
    }

    [Fact]
    public async Task UpsertVentures_WithWorkflowSettings_ReadsThemBackExactly_AndWithoutAsNull()
    {
        var settings = new WorkflowSettings(
            TestCommand: "npm test -- --reporter=junit\n# and \"more\" ✓", TestReports: ["**/junit*.xml"], DeployCommand: "./deploy.sh",
            BaseUrl: "https://alpha.example.com", Endpoints: [new SmokeEndpoint("/api/orders"), new SmokeEndpoint("https://cdn.example.com/x", Critical: false)],
            MaxBounces: 0, HumanGates: [WorkflowState.Qa, WorkflowState.Review], MergeOnAccept: false, PlanCapability: "planner",
            DeployCommandCapability: "shell");
        var configured = Some.Venture() with { Workflow = settings };
        var without = Some.Venture();

        await Store.UpsertVenturesAsync([configured, without], Ct);

        var found = (await Store.FindVentureOrNullAsync(configured.Code, Ct))!.Workflow!;
        Assert.True(WorkflowSettingsRules.Same(settings, found));
        Assert.Equal(settings.Endpoints, found.Endpoints!);
        Assert.Equal(settings.HumanGates, found.HumanGates!);
        Assert.Equal((settings.TestCommand, settings.MaxBounces, settings.MergeOnAccept, "review-plan"), (found.TestCommand, found.MaxBounces, found.MergeOnAccept, found.ReviewCapability));
        Assert.Null((await Store.FindVentureOrNullAsync(without.Code, Ct))!.Workflow);

        // The upsert replaces the block too (the file wins at the next start), and takes it away.
        await Store.UpsertVenturesAsync([configured with { Workflow = null }], Ct);
        Assert.Null((await Store.FindVentureOrNullAsync(configured.Code, Ct))!.Workflow);
    }
}
