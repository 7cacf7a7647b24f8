using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

/// <summary>Candidates, ranking, ties, the retry exclusion and the probe rule.</summary>
public sealed class DispatchRulesTests
{
    private static readonly DateTimeOffset T = Some.T0;
    private const string Deploy = "deploy-service";

    private static CandidateFacts Facts(Agent agent, string history = "", int running = 0, AgentStatus status = AgentStatus.Online,
        bool paused = false, bool probeInFlight = false, bool hasRepo = true, IReadOnlyList<HealthResult>? health = null) =>
        new(agent, status, paused, running, probeInFlight, hasRepo, health ?? [],
            history.Select((c, i) => new ResultSample(c == 'S', T.AddMinutes(-i))).ToList());

    private static TaskFacts Task(int priority = 5, string? lastFailed = null) => new(Deploy, priority, lastFailed);

    [Fact]
    public void Decide_TwoCandidates_HighestScoreGetsItAndEveryCardIsKept()
    {
        var argocd = SomeTasks.Agent(T, weight: 0.9, name: "argocd-deployer");
        var kubectl = SomeTasks.Agent(T, weight: 0.7, name: "kubectl-deployer");

        var decision = DispatchRules.Decide(Task(), [Facts(kubectl), Facts(argocd)], ProbeRule.Default);

        Assert.Equal(argocd.Id, decision.AgentId);
        Assert.False(decision.Probe);
        Assert.Equal(["argocd-deployer", "kubectl-deployer"], decision.Cards.Select(c => c.AgentName));
        Assert.True(decision.Cards[0].Chosen);
        Assert.False(decision.Cards[1].Chosen);
        Assert.Equal(0.9, decision.Cards[0].Score, 15);
        Assert.Equal(0.7, decision.Cards[1].Score, 15);
    }

    [Fact]
    public void Decide_AgentWithoutTheCapability_GetsNoCard()
    {
        var other = SomeTasks.Agent(T, capability: "review");

        var decision = DispatchRules.Decide(Task(), [Facts(other)], ProbeRule.Default);

        Assert.Null(decision.AgentId);
        Assert.Empty(decision.Cards);
    }

    [Fact]
    public void Decide_EqualScores_FewerRunningTasksWins()
    {
        var busy = SomeTasks.Agent(T, weight: 0.8, name: "a-busy");
        var idle = SomeTasks.Agent(T, weight: 0.8, name: "b-idle");

        var decision = DispatchRules.Decide(Task(), [Facts(busy, running: 1), Facts(idle)], ProbeRule.Default);

        Assert.Equal(idle.Id, decision.AgentId);
    }

    [Fact]
    public void Decide_EqualScoresAndLoad_MostRecentSuccessWins()
    {
        var older = SomeTasks.Agent(T, weight: 0.8, name: "a-older");
        var newer = SomeTasks.Agent(T, weight: 0.8, name: "b-newer");
        var olderFacts = Facts(older) with { History = [new ResultSample(true, T.AddHours(-2))] };
        var newerFacts = Facts(newer) with { History = [new ResultSample(true, T.AddHours(-1))] };

        var decision = DispatchRules.Decide(Task(), [olderFacts, newerFacts], ProbeRule.Default);

        Assert.Equal(newer.Id, decision.AgentId);
    }

    [Fact]
    public void Decide_RetryWithAnotherCandidate_ExcludesTheAgentThatFailedLast()
    {
        var argocd = SomeTasks.Agent(T, weight: 0.9);
        var kubectl = SomeTasks.Agent(T, weight: 0.7);

        var decision = DispatchRules.Decide(Task(lastFailed: argocd.Id), [Facts(argocd), Facts(kubectl)], ProbeRule.Default);

        Assert.Equal(kubectl.Id, decision.AgentId);
        Assert.Equal(Exclusion.FailedLastAttempt, decision.Cards.Single(c => c.AgentId == argocd.Id).Excluded);
    }

    [Fact]
    public void Decide_RetryWithOnlyTheFailedAgent_GivesItToItAgain()
    {
        var only = SomeTasks.Agent(T, weight: 0.9);
        var offline = SomeTasks.Agent(T, weight: 0.7);

        var decision = DispatchRules.Decide(Task(lastFailed: only.Id), [Facts(only), Facts(offline, status: AgentStatus.Offline)], ProbeRule.Default);

        Assert.Equal(only.Id, decision.AgentId);
        Assert.Null(decision.Cards.Single(c => c.AgentId == only.Id).Excluded);
    }

    [Fact]
    public void Decide_OfflinePausedFullOrWithoutClone_AreExcludedWithTheirReason()
    {
        var offline = SomeTasks.Agent(T, weight: 0.99, name: "a");
        var paused = SomeTasks.Agent(T, weight: 0.98, name: "b");
        var full = SomeTasks.Agent(T, weight: 0.97, name: "c", maxConcurrency: 2);
        var noClone = SomeTasks.Agent(T, weight: 0.96, name: "d");
        var degraded = SomeTasks.Agent(T, weight: 0.5, name: "e");

        var decision = DispatchRules.Decide(Task(), [
            Facts(offline, status: AgentStatus.Offline), Facts(paused, paused: true), Facts(full, running: 2), Facts(noClone, hasRepo: false),
            Facts(degraded, status: AgentStatus.Degraded),
        ], ProbeRule.Default);

        Assert.Equal(degraded.Id, decision.AgentId);
        Assert.Equal(Exclusion.Offline, decision.Cards.Single(c => c.AgentId == offline.Id).Excluded);
        Assert.Equal(Exclusion.Paused, decision.Cards.Single(c => c.AgentId == paused.Id).Excluded);
        Assert.Equal(Exclusion.AtCapacity, decision.Cards.Single(c => c.AgentId == full.Id).Excluded);
        Assert.Equal(Exclusion.NoClone, decision.Cards.Single(c => c.AgentId == noClone.Id).Excluded);
        Assert.Equal(degraded.Id, decision.Cards[0].AgentId);
    }

    [Fact]
    public void Decide_EveryCandidateScoresZero_AssignsNobody()
    {
        var agent = SomeTasks.Agent(T, weight: 0.9, requirements: ["argocd-healthy"]);

        var decision = DispatchRules.Decide(Task(), [Facts(agent, health: [new HealthResult("argocd-healthy", false, T, "503")])], ProbeRule.Default);

        Assert.Null(decision.AgentId);
        Assert.Equal(0.0, decision.Cards.Single().Score);
        Assert.Equal(HealthState.Unhealthy, decision.Cards.Single().Requirements.Single().State);
    }

    [Fact]
    public void Decide_OnlyCandidateHasOnlyFailures_StillGetsItAtScoreZero()
    {
        var agent = SomeTasks.Agent(T, weight: 0.9);

        var decision = DispatchRules.Decide(Task(lastFailed: agent.Id), [Facts(agent, "F")], ProbeRule.Default);

        Assert.Equal(agent.Id, decision.AgentId);
        Assert.Equal(0.0, decision.Cards.Single().Score);
    }

    [Fact]
    public void Decide_LowPriorityAndScoreWithinFraction_ProbesTheLowerAgent()
    {
        var best = SomeTasks.Agent(T, weight: 0.7, name: "kubectl");
        var recovering = SomeTasks.Agent(T, weight: 0.9, name: "argocd");

        var decision = DispatchRules.Decide(Task(priority: 3), [Facts(best, "SSS"), Facts(recovering, "FFFSSS")], ProbeRule.Default);

        Assert.Equal(recovering.Id, decision.AgentId);
        Assert.True(decision.Probe);
        var card = decision.Cards.Single(c => c.AgentId == recovering.Id);
        Assert.True(card.Chosen);
        Assert.True(card.Probe);
        Assert.StartsWith("probe:", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NormalPriority_NeverProbes()
    {
        var best = SomeTasks.Agent(T, weight: 0.7);
        var recovering = SomeTasks.Agent(T, weight: 0.9);

        var decision = DispatchRules.Decide(Task(priority: 4), [Facts(best, "SSS"), Facts(recovering, "FFFSSS")], ProbeRule.Default);

        Assert.Equal(best.Id, decision.AgentId);
        Assert.False(decision.Probe);
    }

    [Fact]
    public void Decide_ProbeCandidateBelowFractionOrWithProbeInFlight_GoesToTheBest()
    {
        var best = SomeTasks.Agent(T, weight: 0.9);
        var weak = SomeTasks.Agent(T, weight: 0.3);
        var close = SomeTasks.Agent(T, weight: 0.8);

        var belowFraction = DispatchRules.Decide(Task(priority: 1), [Facts(best), Facts(weak)], ProbeRule.Default);
        var inFlight = DispatchRules.Decide(Task(priority: 1), [Facts(best), Facts(close, probeInFlight: true)], ProbeRule.Default);
        var off = DispatchRules.Decide(Task(priority: 0), [Facts(best), Facts(close)], ProbeRule.Off);

        Assert.Equal(best.Id, belowFraction.AgentId);
        Assert.Equal(best.Id, inFlight.AgentId);
        Assert.Equal(best.Id, off.AgentId);
        Assert.False(belowFraction.Probe || inFlight.Probe || off.Probe);
    }

    [Fact]
    public void Plan_OneAgentWithRoomForTwo_TakesTwoAndTheThirdWaits()
    {
        var agent = SomeTasks.Agent(T, maxConcurrency: 2);
        var queue = Enumerable.Range(0, 3).Select(_ => SomeTasks.Task(T)).ToList();
        var snapshot = Snapshot([agent]);

        var changes = TaskDispatch.Plan(queue, snapshot, Pass(T));

        Assert.Equal(queue.Take(2).Select(t => t.Id), changes.Select(c => c.After.Id));
        Assert.All(changes, c => Assert.Equal((TaskState.Assigned, 1L, agent.Id), (c.After.State, c.After.Epoch, c.After.AssignedAgent)));
        Assert.Equal(1, changes[1].Event!.ScoreCards!.Single().Running);
    }

    [Fact]
    public void Plan_TaskForARepo_GoesOnlyToAnAgentOnAMachineWithAClone()
    {
        var far = SomeTasks.Agent(T, weight: 0.9, machineId: "mach_far");
        var near = SomeTasks.Agent(T, weight: 0.5, machineId: "mach_near");
        var task = SomeTasks.Task(T, repo: "example-org/api");
        var snapshot = Snapshot([far, near]) with
        {
            MachinesWithRepo = new Dictionary<string, IReadOnlySet<string>> { ["example-org/api"] = new HashSet<string> { "mach_near" } },
        };

        var change = Assert.Single(TaskDispatch.Plan([task], snapshot, Pass(T)));

        Assert.Equal(near.Id, change.After.AssignedAgent);
        Assert.Equal(Exclusion.NoClone, change.Event!.ScoreCards!.Single(c => c.AgentId == far.Id).Excluded);
    }

    internal static DispatchSnapshot Snapshot(IReadOnlyList<Agent> agents) => new(
        agents, new Dictionary<string, IReadOnlyList<HealthResult>>(), new Dictionary<string, int>(), new HashSet<string>(),
        new Dictionary<(string, string), IReadOnlyList<ResultSample>>(), new Dictionary<string, IReadOnlySet<string>>());

    internal static DispatchPass Pass(DateTimeOffset now) => new(now, LeaseTimes.Default, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256);
}
