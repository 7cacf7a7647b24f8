using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Contract;

/// <summary>
/// The queue side of the storage contract (<see cref="IOrchestrationStore"/>): agents, contexts, tasks and their
/// transitions as the store persists them — one winner among racing claims, leases fenced by the epoch, sweeps, the retry
/// cap, dependency order, cancellation at the next renew, and the history scoring reads. A store's test project
/// subclasses this once with a fresh, initialised store per test. Times are explicit (from <see cref="Some.T0"/>).
/// </summary>
public abstract partial class QueueStoreContractTests : StoreContractBase
{
    private static readonly LeaseTimes Times = LeaseTimes.Default;
    private const string Worker = "worker-key";

    private static DispatchPass Pass(DateTimeOffset now) => new(now, Times, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256);

    private LeaseCall Call(BatonTask task, DateTimeOffset now, long? epoch = null) =>
        new(task.Id, epoch ?? task.Epoch, now, Worker, Times, new Random(3));

    private async Task<Agent> AgentAsync(double weight = 0.8, DateTimeOffset? at = null, string capability = "deploy-service", int maxConcurrency = 3,
        string? machineId = null, IReadOnlyList<string>? requirements = null) =>
        (await Store.UpsertAgentAsync(SomeTasks.Agent(at ?? T0, capability, weight, maxConcurrency: maxConcurrency, machineId: machineId,
            requirements: requirements), Ct)).Agent;

    private Task<BatonTask> AddAsync(DateTimeOffset? at = null, int priority = 5, IReadOnlyList<string>? dependsOn = null, int maxAttempts = 3,
        string? repo = null, string venture = "alpha") =>
        Store.InsertTaskAsync(SomeTasks.Task(at ?? T0, venture, priority: priority, dependsOn: dependsOn, maxAttempts: maxAttempts, repo: repo), "creator-key", Ct);

    private async Task<BatonTask> TaskAsync(string id) => (await Store.FindTaskOrNullAsync(id, Ct))!;

    private async Task<BatonTask> AssignedAsync(BatonTask task, DateTimeOffset at)
    {
        await Store.DispatchAsync(Pass(at), Ct);
        var assigned = await TaskAsync(task.Id);
        Assert.Equal(TaskState.Assigned, assigned.State);
        return assigned;
    }

    private async Task<BatonTask> RunningAsync(BatonTask task, DateTimeOffset at)
    {
        var assigned = await AssignedAsync(task, at);
        var start = await Store.StartTaskAsync(Call(assigned, at), Ct);
        Assert.Equal(LeaseResult.Granted, start.Result);
        return start.Task!;
    }

    private static AttemptOutcome Success() => new(true, """{"ok":true}""", null, 1000, new TaskUsage(100, 50, 0.25), "native-1", "baton/t", "https://example/pr/1");

    private static AttemptOutcome Failure(string type = "tests_failed") => new(false, null, new TaskError(type, "two tests failed"), 500, null, null, null, null);

    // ---- agents and contexts ----

    [Fact]
    public async Task ListResultHistory_SeveralAgents_AnswersEachCapabilitysNewestScoredResultsNewestFirstUpToTheLimit()
    {
        var deployer = await AgentAsync(capability: "deploy-service", maxConcurrency: 1);
        var reviewer = await AgentAsync(capability: "review", maxConcurrency: 1);
        var idle = await AgentAsync(capability: "deploy-service", maxConcurrency: 1, at: T0.AddSeconds(-100));
        // Offline (no heartbeat for 100 s): no task reaches it, so it has no history.
        var at = T0;
        async Task RunAsync(string capability, AttemptOutcome outcome)
        {
            at = at.AddSeconds(10);
            var task = await Store.InsertTaskAsync(SomeTasks.Task(at, "alpha", capability: capability), "creator-key", Ct);
            var running = await RunningAsync(task, at.AddSeconds(1));
            await Store.FinishTaskAsync(Call(running, at.AddSeconds(2)), outcome, Ct);
        }
        await RunAsync("deploy-service", Success());
        await RunAsync("deploy-service", Failure());
        await RunAsync("deploy-service", Success());
        // Given back at once: says nothing of the agent's skill, so scoring (and this history) leaves it out.
        await RunAsync("deploy-service", Failure("rate_limited"));
        await RunAsync("review", Failure());

        var all = await Store.ListResultHistoryAsync([deployer.Id, reviewer.Id, idle.Id], 20, Ct);
        var two = await Store.ListResultHistoryAsync([deployer.Id], 2, Ct);

        var expected = new[] { (deployer.Id, "deploy-service"), (reviewer.Id, "review") }.OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all.Select(h => (h.AgentId, h.Capability)));
        var deploys = all.Single(h => h.AgentId == deployer.Id).Results;
        Assert.Equal([true, false, true], deploys.Select(r => r.Success));
        Assert.True(deploys[0].At > deploys[1].At && deploys[1].At > deploys[2].At);
        Assert.Equal([false], all.Single(h => h.AgentId == reviewer.Id).Results.Select(r => r.Success));
        Assert.Equal([true, false], Assert.Single(two).Results.Select(r => r.Success));
    }

    [Fact]
    public async Task UpsertAgent_SameNameAgain_KeepsIdAndRegisteredAtAndReplacesCapabilities()
    {
        var first = SomeTasks.Agent(T0, weight: 0.5);
        await Store.UpsertAgentAsync(first, Ct);
        var second = SomeTasks.Agent(T0.AddMinutes(5), weight: 0.9, name: first.Name, requirements: ["argocd-healthy"]);

        var upsert = await Store.UpsertAgentAsync(second, Ct);

        Assert.False(upsert.Created);
        Assert.Equal(second with { Id = first.Id, RegisteredAt = T0 }, upsert.Agent with { Capabilities = second.Capabilities, HealthChecks = second.HealthChecks });
        Assert.Equal(0.9, upsert.Agent.Capabilities.Single().Weight);
        Assert.Equal(["argocd-healthy"], upsert.Agent.Capabilities.Single().Requirements);
        Assert.Equal("https://health.example/argocd-healthy", upsert.Agent.HealthChecks.Single().Url);
        Assert.Null(await Store.FindAgentOrNullAsync(second.Id, Ct));
    }

    [Fact]
    public async Task UpsertAgent_RacingOnOneName_LeavesOneAgent()
    {
        var name = Some.Name("agent");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.UpsertAgentAsync(SomeTasks.Agent(T0.AddSeconds(i), name: name), Ct)));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Agent.Id).Distinct());
        Assert.Equal(1, (await Store.ListAgentsAsync(new AgentQuery(PageRequest.First()), Ct)).Total);
    }

    [Fact]
    public async Task TouchPauseHealthAndLoad_AreStoredAndReadBack()
    {
        var agent = await AgentAsync(requirements: ["argocd-healthy"]);

        var touch = await Store.TouchAgentAsync(agent.Id, T0.AddMinutes(2), Ct);
        var paused = await Store.SetAgentPauseAsync(agent.Id, T0.AddHours(1), "rate limited", T0.AddMinutes(2), Ct);
        await Store.RecordHealthAsync(agent.Id, new HealthResult("argocd-healthy", false, T0.AddMinutes(3), "HTTP 503"), Ct);
        await Store.RecordHealthAsync(agent.Id, new HealthResult("argocd-healthy", true, T0.AddMinutes(4), null), Ct);
        var loads = await Store.GetAgentLoadsAsync([agent.Id], Ct);

        Assert.Equal((T0, T0.AddMinutes(2)), (touch!.PreviousHeartbeatAt, touch.Agent.LastHeartbeatAt));
        Assert.Equal((T0.AddHours(1), "rate limited"), (paused!.PausedUntil, paused.PauseReason));
        Assert.Equal(new HealthResult("argocd-healthy", true, T0.AddMinutes(4), null), loads[agent.Id].Health.Single());
        Assert.Equal(0, loads[agent.Id].Running);
        Assert.Null(await Store.TouchAgentAsync(Some.Id(IdGenerator.Agent), T0, Ct));
        Assert.Null(await Store.RecordHealthAsync(Some.Id(IdGenerator.Agent), new HealthResult("x", true, T0, null), Ct));
    }

    [Fact]
    public async Task RemoveAgent_WithAnAssignedTask_PutsItBackInTheQueueAndHidesTheAgentFromTheList()
    {
        var agent = await AgentAsync();
        var task = await AssignedAsync(await AddAsync(), T0);

        var removal = await Store.RemoveAgentAsync(agent.Id, T0.AddSeconds(5), "admin-key", Ct);

        Assert.Equal([task.Id], removal!.Requeued);
        Assert.Equal(TaskState.Queued, (await TaskAsync(task.Id)).State);
        Assert.Equal(0, (await Store.ListAgentsAsync(new AgentQuery(PageRequest.First()), Ct)).Total);
        Assert.Equal(1, (await Store.ListAgentsAsync(new AgentQuery(PageRequest.First(), IncludeRemoved: true), Ct)).Total);
        Assert.Null(await Store.RemoveAgentAsync(agent.Id, T0.AddSeconds(6), "admin-key", Ct));
        Assert.Empty((await Store.DispatchAsync(Pass(T0.AddSeconds(7)), Ct)).Assignments);
    }

    [Fact]
    public async Task UpsertContext_SameMachineAndRepo_ReplacesAndListsFilter()
    {
        await Store.UpsertContextAsync(new RepoContext("mach_a", "example-org/api", "/src/api", "main", null, T0), Ct);
        await Store.UpsertContextAsync(new RepoContext("mach_b", "example-org/api", "/w/api", null, null, T0), Ct);
        var replaced = await Store.UpsertContextAsync(new RepoContext("mach_a", "example-org/api", "/home/api", "trunk", T0.AddHours(-1), T0.AddMinutes(1)), Ct);

        Assert.Equal(new RepoContext("mach_a", "example-org/api", "/home/api", "trunk", T0.AddHours(-1), T0.AddMinutes(1)), replaced);
        Assert.Equal(["mach_a", "mach_b"], (await Store.ListContextsAsync(null, "example-org/api", Ct)).Select(c => c.MachineId));
        Assert.Single(await Store.ListContextsAsync("mach_b", null, Ct));
    }

    // ---- server-side health probes ----

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(30);

    private async Task<Agent> UrlCheckedAgentAsync(string requirement = "argocd-healthy") =>
        (await Store.UpsertAgentAsync(SomeTasks.Agent(T0, requirements: [requirement]), Ct)).Agent;

    /// <summary>A prober that answers every due check with <paramref name="healthy"/> and remembers what it was asked.</summary>
    private static Func<IReadOnlyList<HealthProbe>, CancellationToken, Task<IReadOnlyList<ProbedHealth>>> Prober(
        List<HealthProbe> asked, bool healthy, DateTimeOffset at) =>
        (due, _) =>
        {
            asked.AddRange(due);
            return Task.FromResult<IReadOnlyList<ProbedHealth>>(
                [.. due.Select(p => new ProbedHealth(p.AgentId, new HealthResult(p.Requirement, healthy, at, healthy ? null : "HTTP 500")))]);
        };

    [Fact]
    public async Task RunHealthProbes_DueUrlCheck_IsProbedAndRecorded_AndWaitsAnIntervalBeforeTheNext()
    {
        var agent = await UrlCheckedAgentAsync();
        var asked = new List<HealthProbe>();

        var first = await Store.RunHealthProbesAsync(T0, ProbeInterval, Prober(asked, healthy: false, T0), Ct);
        var soon = await Store.RunHealthProbesAsync(T0.AddSeconds(29), ProbeInterval, Prober(asked, healthy: true, T0.AddSeconds(29)), Ct);
        var loadSoon = (await Store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id];
        var later = await Store.RunHealthProbesAsync(T0.AddSeconds(30), ProbeInterval, Prober(asked, healthy: true, T0.AddSeconds(30)), Ct);
        var loadLater = (await Store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id];

        Assert.Equal((true, 1), (first.Ran, first.Recorded.Count));
        Assert.Equal((true, 0), (soon.Ran, soon.Recorded.Count));
        Assert.Equal([new HealthResult("argocd-healthy", false, T0, "HTTP 500")], loadSoon.Health);
        Assert.Equal((true, 1), (later.Ran, later.Recorded.Count));
        Assert.Equal([new HealthResult("argocd-healthy", true, T0.AddSeconds(30), null)], loadLater.Health);
        Assert.Equal([(agent.Id, "argocd-healthy", "https://health.example/argocd-healthy"), (agent.Id, "argocd-healthy", "https://health.example/argocd-healthy")],
            asked.Select(p => (p.AgentId, p.Requirement, p.Url)));
    }

    [Fact]
    public async Task RunHealthProbes_WorkerReportedRecently_WaitsForTheIntervalToo()
    {
        var agent = await UrlCheckedAgentAsync();
        await Store.RecordHealthAsync(agent.Id, new HealthResult("argocd-healthy", true, T0, null), Ct);
        var asked = new List<HealthProbe>();

        var round = await Store.RunHealthProbesAsync(T0.AddSeconds(10), ProbeInterval, Prober(asked, healthy: false, T0.AddSeconds(10)), Ct);

        Assert.True(round.Ran);
        Assert.Empty(asked);
        Assert.True((await Store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id].Health.Single().Healthy);
    }

    [Fact]
    public async Task RunHealthProbes_WhileAnotherRoundIsUnderWay_SkipsWithoutProbing()
    {
        var agent = await UrlCheckedAgentAsync();
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Store.RunHealthProbesAsync(T0, ProbeInterval, async (due, _) =>
        {
            inside.SetResult();
            await release.Task;
            return [.. due.Select(p => new ProbedHealth(p.AgentId, new HealthResult(p.Requirement, true, T0, null)))];
        }, Ct);
        await inside.Task.WaitAsync(Ct);
        var asked = new List<HealthProbe>();

        var second = await Store.RunHealthProbesAsync(T0, ProbeInterval, Prober(asked, healthy: false, T0), Ct);
        release.SetResult();
        var done = await first;
        var after = await Store.RunHealthProbesAsync(T0.AddSeconds(1), ProbeInterval, Prober(asked, healthy: false, T0.AddSeconds(1)), Ct);

        Assert.Equal(HealthProbeRound.Skipped, second);
        Assert.Equal((true, 1), (done.Ran, done.Recorded.Count));
        // The round that held the turn recorded its result; the next one (turn free again) finds it fresh.
        Assert.True(after.Ran);
        Assert.Empty(asked);
        Assert.True((await Store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id].Health.Single().Healthy);
    }

    [Fact]
    public async Task RunHealthProbes_AgentRemovedWhileProbing_KeepsNoResult()
    {
        var agent = await UrlCheckedAgentAsync();

        var round = await Store.RunHealthProbesAsync(T0, ProbeInterval, async (due, _) =>
        {
            await Store.RemoveAgentAsync(agent.Id, T0, "admin-key", Ct);
            return [.. due.Select(p => new ProbedHealth(p.AgentId, new HealthResult(p.Requirement, true, T0, null)))];
        }, Ct);

        Assert.Equal((true, 0), (round.Ran, round.Recorded.Count));
        Assert.Empty((await Store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id].Health);
    }

    // ---- tasks ----

    [Fact]
    public async Task InsertTask_WithoutDependencies_IsQueuedWithItsCreationEvent()
    {
        var task = await AddAsync();

        var stored = await TaskAsync(task.Id);
        Assert.Equal(task, stored with { DependsOn = task.DependsOn });
        Assert.Empty(stored.DependsOn);
        Assert.Equal(TaskState.Queued, task.State);
        var created = Assert.Single(await Store.ListTaskEventsAsync(task.Id, Ct));
        Assert.Equal((null, TaskState.Queued, "creator-key"), (created.From, created.To, created.Actor));
    }

    [Fact]
    public async Task Dispatch_ThirtyTwoRacingPasses_AssignTheOneTaskExactlyOnce()
    {
        var agents = new List<Agent>();
        for (var i = 0; i < 32; i++) agents.Add(await AgentAsync(weight: 0.5 + i / 100.0));
        var task = await AddAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Store.DispatchAsync(Pass(T0.AddMilliseconds(i)), Ct)));

        var winner = Assert.Single(outcomes.SelectMany(o => o.Assignments));
        var stored = await TaskAsync(task.Id);
        Assert.Equal((TaskState.Assigned, 1L, winner.AgentId), (stored.State, stored.Epoch, stored.AssignedAgent));
        Assert.Equal(agents[^1].Id, winner.AgentId);
        Assert.Single(await Store.ListTaskEventsAsync(task.Id, Ct), e => e.To == TaskState.Assigned);
        var starts = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Store.StartTaskAsync(Call(stored, T0.AddSeconds(1), epoch: i % 2), Ct)));
        Assert.All(starts.Where((_, i) => i % 2 == 0), s => Assert.Equal(LeaseResult.Lost, s.Result));
        Assert.All(starts.Where((_, i) => i % 2 == 1), s => Assert.Equal(LeaseResult.Granted, s.Result));
        Assert.Equal(1, (await TaskAsync(task.Id)).Attempt);
        Assert.Single(await Store.ListTaskEventsAsync(task.Id, Ct), e => e.To == TaskState.Running);
    }

    [Fact]
    public async Task Dispatch_Assignment_StoresEveryCandidatesScoreCardAndScoresFromStoredHistory()
    {
        var argocd = await AgentAsync(weight: 0.9);
        var kubectl = await AgentAsync(weight: 0.7);
        var first = await RunningAsync(await AddAsync(), T0);
        Assert.Equal(argocd.Id, first.AssignedAgent);
        await Store.FinishTaskAsync(Call(first, T0.AddSeconds(10)), Success(), Ct);
        var second = await RunningAsync(await AddAsync(T0.AddSeconds(20)), T0.AddSeconds(20));
        await Store.FinishTaskAsync(Call(second, T0.AddSeconds(30)), Failure(), Ct);

        var third = await AssignedAsync(await AddAsync(T0.AddSeconds(40)), T0.AddSeconds(40));

        // argocd's history, newest first: failure, success → 0.9 × 0.95 / 1.95 = 0.438461538 < 0.7.
        Assert.Equal(kubectl.Id, third.AssignedAgent);
        var cards = (await Store.ListTaskEventsAsync(third.Id, Ct)).Single(e => e.To == TaskState.Assigned).ScoreCards!;
        Assert.Equal([kubectl.Id, argocd.Id], cards.Select(c => c.AgentId));
        var argocdCard = cards[1];
        Assert.Equal(0.9 * 0.95 / 1.95, argocdCard.Score, 12);
        Assert.Equal((2, T0.AddSeconds(10), false), (argocdCard.HistoryCount, argocdCard.LastSuccessAt, argocdCard.Chosen));
        Assert.Equal((0.7, true), (cards[0].Score, cards[0].Chosen));
        var results = await Store.ListTaskResultsAsync(first.Id, Ct);
        Assert.Equal(new TaskResult(first.Id, 1, argocd.Id, "deploy-service", true, T0.AddSeconds(10), 1000, null, null, new TaskUsage(100, 50, 0.25),
            "native-1", "baton/t", "https://example/pr/1"), Assert.Single(results));
    }

    [Fact]
    public async Task Dispatch_TaskForARepo_GoesOnlyToAnAgentOnAMachineWithAClone()
    {
        var far = await AgentAsync(weight: 0.9, machineId: "mach_far");
        var near = await AgentAsync(weight: 0.5, machineId: "mach_near");
        await Store.UpsertContextAsync(new RepoContext("mach_near", "example-org/api", "/src/api", "main", null, T0), Ct);

        var task = await AssignedAsync(await AddAsync(repo: "example-org/api"), T0);

        Assert.Equal(near.Id, task.AssignedAgent);
        var cards = (await Store.ListTaskEventsAsync(task.Id, Ct)).Single(e => e.To == TaskState.Assigned).ScoreCards!;
        Assert.Equal(Exclusion.NoClone, cards.Single(c => c.AgentId == far.Id).Excluded);
    }

    [Fact]
    public async Task Dispatch_ByPriorityThenAge_AndNotBeforeWaits()
    {
        await AgentAsync(maxConcurrency: 1);
        var old = await AddAsync(T0, priority: 3);
        var urgent = await AddAsync(T0.AddSeconds(1), priority: 9);
        var later = await Store.InsertTaskAsync(SomeTasks.Task(T0, priority: 10, notBefore: T0.AddHours(1)), "creator-key", Ct);

        var outcome = await Store.DispatchAsync(Pass(T0.AddSeconds(2)), Ct);

        Assert.Equal(urgent.Id, Assert.Single(outcome.Assignments).TaskId);
        Assert.Equal(TaskState.Queued, (await TaskAsync(old.Id)).State);
        Assert.Equal(TaskState.Queued, (await TaskAsync(later.Id)).State);
        // The earliest time something becomes due: the assignment's start deadline (T0+2s+60s), before the not_before.
        Assert.Equal(T0.AddSeconds(62), outcome.NextDueAt);
    }

    [Fact]
    public async Task Lease_ExpiresThenLateCompletion_IsRefusedAndTheAttemptIsATimeout()
    {
        await AgentAsync();
        var running = await RunningAsync(await AddAsync(), T0);

        var late = await Store.FinishTaskAsync(Call(running, T0.AddSeconds(61)), Success(), Ct);

        Assert.Equal(LeaseResult.Lost, late.Result);
        var stored = await TaskAsync(running.Id);
        Assert.Equal((TaskState.Failed, TaskRules.TimeoutError, null), (stored.State, stored.Error?.Type, stored.Result));
        var result = Assert.Single(await Store.ListTaskResultsAsync(running.Id, Ct));
        Assert.Equal((false, TaskRules.TimeoutError), (result.Success, result.ErrorType));
        Assert.Equal(LeaseResult.Lost, (await Store.RenewTaskAsync(Call(running, T0.AddSeconds(62)), Ct)).Result);
    }

    [Fact]
    public async Task Sweep_ExpiredRunningLease_FailsItAsTimeout_WithoutAnyCall()
    {
        await AgentAsync();
        var running = await RunningAsync(await AddAsync(), T0);

        Assert.False(await Store.AnyLeaseExpiredAsync(T0.AddSeconds(59), Ct));
        Assert.True(await Store.AnyLeaseExpiredAsync(T0.AddSeconds(60), Ct));
        var sweep = await Store.SweepAsync(T0.AddSeconds(60), new Random(1), Ct);

        Assert.Equal([running.Id], sweep.Changed);
        var stored = await TaskAsync(running.Id);
        Assert.Equal((TaskState.Failed, TaskRules.TimeoutError), (stored.State, stored.Error?.Type));
        Assert.InRange(stored.RetryAt!.Value, T0.AddSeconds(75), T0.AddSeconds(105));
        Assert.Equal(TaskRules.Sweeper, (await Store.ListTaskEventsAsync(running.Id, Ct))[^1].Actor);
    }

    [Fact]
    public async Task Sweep_AssignedNotStartedInTime_RequeuesIt_AndTheNextAssignmentAvoidsThatAgent()
    {
        var best = await AgentAsync(weight: 0.9);
        var other = await AgentAsync(weight: 0.6);
        var assigned = await AssignedAsync(await AddAsync(), T0);
        Assert.Equal(best.Id, assigned.AssignedAgent);

        await Store.SweepAsync(T0.AddSeconds(60), new Random(1), Ct);
        var queued = await TaskAsync(assigned.Id);
        var again = await AssignedAsync(assigned, T0.AddSeconds(61));

        Assert.Equal((TaskState.Queued, best.Id), (queued.State, queued.LastFailedAgent));
        Assert.Equal((other.Id, 2L, 0), (again.AssignedAgent, again.Epoch, again.Attempt));
        Assert.Equal(LeaseResult.Lost, (await Store.StartTaskAsync(Call(assigned, T0.AddSeconds(62)), Ct)).Result);
    }

    [Fact]
    public async Task SweepAndDispatch_AssignedNotStartedInTime_IsRequeuedAndGivenToTheOtherAgentInOnePass()
    {
        var best = await AgentAsync(weight: 0.9);
        var other = await AgentAsync(weight: 0.6);
        var assigned = await AssignedAsync(await AddAsync(), T0);

        var pass = await Store.SweepAndDispatchAsync(Pass(T0.AddSeconds(60)), new Random(1), Ct);

        Assert.Equal([assigned.Id], pass.Swept.Changed);
        Assert.Equal([new Assignment(assigned.Id, other.Id, 2, false)], pass.Dispatched.Assignments);
        var again = await TaskAsync(assigned.Id);
        Assert.Equal((TaskState.Assigned, other.Id, best.Id), (again.State, again.AssignedAgent, again.LastFailedAgent));
        Assert.Equal(T0.AddSeconds(120), pass.Dispatched.NextDueAt);
    }

    [Fact]
    public async Task Dispatch_BusyAgentWithLongHistory_GetsACardScoredFromItsNewestTwentyResults()
    {
        var busy = await AgentAsync(weight: 0.9, maxConcurrency: 1);
        var free = await AgentAsync(weight: 0.5, maxConcurrency: 1);
        await Store.SetAgentPauseAsync(free.Id, T0.AddHours(1), "while busy builds its history", T0, Ct);
        // 21 results for busy: the oldest a failure, then twenty successes — only the newest twenty count.
        for (var i = 0; i < 21; i++)
        {
            var at = T0.AddSeconds(i * 10);
            await Store.TouchAgentAsync(busy.Id, at, Ct);
            var task = await RunningAsync(await AddAsync(at), at);
            await Store.FinishTaskAsync(Call(task, at.AddSeconds(1)), i == 0 ? Failure() : Success(), Ct);
        }
        var now = T0.AddSeconds(220);
        await Store.SetAgentPauseAsync(free.Id, null, null, now, Ct);
        await Store.TouchAgentAsync(busy.Id, now, Ct);
        await Store.TouchAgentAsync(free.Id, now, Ct);
        await RunningAsync(await AddAsync(now), now);

        var last = await AssignedAsync(await AddAsync(now.AddSeconds(1)), now.AddSeconds(1));

        Assert.Equal(free.Id, last.AssignedAgent);
        var cards = (await Store.ListTaskEventsAsync(last.Id, Ct)).Single(e => e.To == TaskState.Assigned).ScoreCards!;
        var busyCard = cards.Single(c => c.AgentId == busy.Id);
        Assert.Equal((Exclusion.AtCapacity, 20), (busyCard.Excluded, busyCard.HistoryCount));
        // Twenty successes: rolling success 1, three in a row 1.1.
        Assert.Equal(0.9 * 1.1, busyCard.Score, 12);
    }

    [Fact]
    public async Task Retry_UpToTheCap_ThenDead_AndRetryByHandQueuesItAgain()
    {
        await AgentAsync();
        var task = await AddAsync(maxAttempts: 2);
        var first = await RunningAsync(task, T0);
        await Store.FinishTaskAsync(Call(first, T0.AddSeconds(5)), Failure(), Ct);
        var failed = await TaskAsync(task.Id);
        Assert.Equal((TaskState.Failed, 1), (failed.State, failed.Attempt));
        Assert.Empty((await Store.DispatchAsync(Pass(T0.AddSeconds(6)), Ct)).Assignments);

        await Store.SweepAsync(failed.RetryAt!.Value, new Random(1), Ct);
        var second = await RunningAsync(task, failed.RetryAt.Value);
        await Store.FinishTaskAsync(Call(second, failed.RetryAt.Value.AddSeconds(5)), Failure("timeout"), Ct);
        var dead = await TaskAsync(task.Id);

        Assert.Equal((TaskState.Dead, 2, 2L), (dead.State, dead.Attempt, dead.Epoch));
        Assert.Equal(2, (await Store.ListTaskResultsAsync(task.Id, Ct)).Count);
        Assert.Equal(
            [TaskState.Queued, TaskState.Assigned, TaskState.Running, TaskState.Failed, TaskState.Queued, TaskState.Assigned, TaskState.Running, TaskState.Dead],
            (await Store.ListTaskEventsAsync(task.Id, Ct)).Select(e => e.To));
        var retried = await Store.RetryTaskAsync(task.Id, 1, dead.FinishedAt!.Value.AddMinutes(1), "admin-key", Ct);
        Assert.Equal((ChangeResult.Changed, TaskState.Queued, 3), (retried.Result, retried.Task!.State, retried.Task.MaxAttempts));
    }

    [Fact]
    public async Task Dependencies_DependentWaitsUntilItsDependencySucceeds_ThenRuns()
    {
        await AgentAsync();
        var build = await AddAsync();
        var deploy = await AddAsync(T0.AddSeconds(1), priority: 10, dependsOn: [build.Id]);
        Assert.Equal(TaskState.Waiting, deploy.State);

        var firstPass = await Store.DispatchAsync(Pass(T0.AddSeconds(2)), Ct);
        Assert.Equal(build.Id, Assert.Single(firstPass.Assignments).TaskId);
        var running = (await Store.StartTaskAsync(Call(await TaskAsync(build.Id), T0.AddSeconds(3)), Ct)).Task!;
        await Store.FinishTaskAsync(Call(running, T0.AddSeconds(4)), Success(), Ct);

        Assert.Equal(TaskState.Queued, (await TaskAsync(deploy.Id)).State);
        Assert.Equal(deploy.Id, Assert.Single((await Store.DispatchAsync(Pass(T0.AddSeconds(5)), Ct)).Assignments).TaskId);
        Assert.Equal(TaskRules.Sweeper, (await Store.ListTaskEventsAsync(deploy.Id, Ct)).Single(e => e.From == TaskState.Waiting).Actor);
    }

    [Fact]
    public async Task Dependencies_CancelledDependency_MakesItsDependentsDead_Transitively()
    {
        var a = await AddAsync();
        var b = await AddAsync(dependsOn: [a.Id]);
        var c = await AddAsync(dependsOn: [b.Id]);

        await Store.CancelTaskAsync(a.Id, T0.AddSeconds(1), "admin-key", "not needed", Ct);

        Assert.Equal((TaskState.Dead, TaskRules.DependencyError), ((await TaskAsync(b.Id)).State, (await TaskAsync(b.Id)).Error?.Type));
        Assert.Equal(TaskState.Dead, (await TaskAsync(c.Id)).State);
        var late = await AddAsync(dependsOn: [a.Id]);
        Assert.Equal(TaskState.Dead, late.State);
    }

    [Fact]
    public async Task Cancel_RunningTask_IsDeliveredAtTheNextRenew_AndALaterCompletionIsRefused()
    {
        await AgentAsync();
        var running = await RunningAsync(await AddAsync(), T0);

        var cancel = await Store.CancelTaskAsync(running.Id, T0.AddSeconds(5), "admin-key", "wrong branch", Ct);
        var renew = await Store.RenewTaskAsync(Call(running, T0.AddSeconds(20)), Ct);
        var complete = await Store.FinishTaskAsync(Call(running, T0.AddSeconds(21)), Success(), Ct);

        Assert.Equal((ChangeResult.Changed, TaskState.Running, true), (cancel.Result, cancel.Task!.State, cancel.Task.CancelRequested));
        Assert.Equal((LeaseResult.Granted, TaskState.Cancelled), (renew.Result, renew.Task!.State));
        Assert.Equal(LeaseResult.Lost, complete.Result);
        Assert.Equal(TaskState.Cancelled, (await TaskAsync(running.Id)).State);
        Assert.Empty(await Store.ListTaskResultsAsync(running.Id, Ct));
        Assert.Equal(ChangeResult.Refused, (await Store.CancelTaskAsync(running.Id, T0.AddSeconds(30), "admin-key", "again", Ct)).Result);
    }

    [Fact]
    public async Task Renew_ExtendsTheLease_SoTheSweeperLeavesIt()
    {
        await AgentAsync();
        var running = await RunningAsync(await AddAsync(), T0);

        var renew = await Store.RenewTaskAsync(Call(running, T0.AddSeconds(40)), Ct);
        await Store.SweepAsync(T0.AddSeconds(70), new Random(1), Ct);

        Assert.Equal(T0.AddSeconds(100), renew.Task!.LeaseExpiresAt);
        Assert.Equal(TaskState.Running, (await TaskAsync(running.Id)).State);
    }

    [Fact]
    public async Task ListAndCountTasks_FilterByVentureAndState_WithExactTotals()
    {
        await AgentAsync(maxConcurrency: 1);
        var venture = Some.VentureCode();
        for (var i = 0; i < 5; i++) await AddAsync(T0.AddSeconds(i), venture: venture);
        await AddAsync(venture: Some.VentureCode());
        await Store.DispatchAsync(Pass(T0.AddSeconds(10)), Ct);

        var first = await Store.ListTasksAsync(new TaskQuery(new PageRequest(2, null), venture, TaskState.Queued), Ct);
        var second = await Store.ListTasksAsync(new TaskQuery(new PageRequest(2, first.NextCursor), venture, TaskState.Queued), Ct);
        var counts = await Store.CountTasksAsync(venture, Ct);

        Assert.Equal(4, first.Total);
        Assert.Equal(2, second.Items.Count);
        Assert.True(string.CompareOrdinal(first.Items[^1].Id, second.Items[0].Id) > 0);
        Assert.Equal((4L, 1L, 5L), (counts.Queued, counts.Assigned, counts.Total));
        Assert.Equal(6, (await Store.CountTasksAsync(null, Ct)).Total);
        await Assert.ThrowsAsync<BatonException>(() => Store.ListTasksAsync(new TaskQuery(new PageRequest(2, "sess_x"), venture), Ct));
    }

    [Fact]
    public async Task ListAssignedTasks_OldestAssignmentFirst_OnlyAssignedOnes()
    {
        var agent = await AgentAsync(maxConcurrency: 3);
        var a = await AddAsync(T0);
        var b = await AddAsync(T0.AddSeconds(1));
        await Store.DispatchAsync(Pass(T0.AddSeconds(2)), Ct);
        await Store.StartTaskAsync(Call(await TaskAsync(a.Id), T0.AddSeconds(3)), Ct);
        var c = await AddAsync(T0.AddSeconds(4));
        await Store.DispatchAsync(Pass(T0.AddSeconds(5)), Ct);

        var assigned = await Store.ListAssignedTasksAsync(agent.Id, null, Ct);

        Assert.Equal([b.Id, c.Id], assigned.Select(t => t.Id));
        Assert.Empty(await Store.ListAssignedTasksAsync(agent.Id, "beta", Ct));
    }
}
