using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

/// <summary>
/// Issue 14's acceptance scenario, the seed's own, step by step, through the same planning the stores run
/// (<see cref="TaskDispatch.Plan"/>) with a fake clock and a fake health endpoint. Two agents share deploy-service:
/// argocd-deployer (weight 0.9, requirement argocd-healthy) and kubectl-deployer (0.7, none). Every score is asserted
/// exactly (to 9 decimals; the derivations are in the comments).
/// </summary>
public sealed class AcceptanceScenarioTests
{
    private const string Deploy = "deploy-service";
    private const string ArgocdHealthy = "argocd-healthy";
    private const int DeployPriority = 5;
    private const int LowRisk = 2;

    private readonly ManualClock _clock = new();
    private readonly Agent _argocd;
    private readonly Agent _kubectl;
    private readonly Dictionary<string, List<ResultSample>> _history = new();
    private readonly Dictionary<string, int> _running = new();
    private readonly HashSet<string> _probes = [];
    private HealthResult? _argocdHealth;

    public AcceptanceScenarioTests()
    {
        _argocd = SomeTasks.Agent(_clock.GetUtcNow(), Deploy, 0.9, "argocd-deployer", [ArgocdHealthy]);
        _kubectl = SomeTasks.Agent(_clock.GetUtcNow(), Deploy, 0.7, "kubectl-deployer");
        _history[_argocd.Id] = [];
        _history[_kubectl.Id] = [];
    }

    [Fact]
    public void Scenario_ScoresAtEveryStep_FollowTheSeed()
    {
        // 1) argocd gets the tasks: 0.9 × 1.0 (no history) against 0.7; after three successes 0.9 × 1.0 × 1.1 = 0.99.
        Step1();

        // 2) its tasks start failing. Three are in flight when they fail. After the first failure argocd is
        //    0.9 × (0.95 + 0.95² + 0.95³)/(1 + 0.95 + 0.95² + 0.95³) = 0.657404225 < 0.7, so kubectl gets the next one,
        //    and every retry avoids argocd (it failed the last attempt).
        for (var i = 0; i < 3; i++) Assign(DeployPriority, expect: _argocd, scores: (0.99, 0.7), running: i);
        Finish(_argocd, success: false);
        Assign(DeployPriority, expect: _kubectl, scores: (0.657404225, 0.7));
        Finish(_argocd, success: false);
        Finish(_argocd, success: false);
        Finish(_kubectl, success: true);
        // Three failures on top of three successes: 0.9 × (0.95³ + 0.95⁴ + 0.95⁵)/Σ₀⁵ 0.95^i = 0.415445185. The three
        // retries go to kubectl, whose third straight success lifts it to 0.7 × 1.1 = 0.77.
        foreach (var kubectl in new[] { 0.7, 0.7, 0.77 })
        {
            var retry = Assign(DeployPriority, expect: _kubectl, scores: (0.415445185, kubectl), lastFailed: _argocd.Id);
            Assert.Equal(Exclusion.FailedLastAttempt, Card(retry, _argocd).Excluded);
            Finish(_kubectl, success: true);
        }

        // 3) argocd's health check fails: dependency health 0, so kubectl (now 0.7 × 1.1 = 0.77) gets every task,
        //    the low-risk ones too (a probe needs a healthy candidate).
        _argocdHealth = new HealthResult(ArgocdHealthy, false, Now, "HTTP 503 from the fake endpoint");
        foreach (var priority in new[] { DeployPriority, LowRisk })
        {
            var change = Assign(priority, expect: _kubectl, scores: (0.0, 0.77));
            Assert.Equal(0.0, Card(change, _argocd).DependencyHealth);
            Assert.Equal(HealthState.Unhealthy, Card(change, _argocd).Requirements.Single().State);
            Finish(_kubectl, success: true);
        }

        // 4) argocd recovers: the check passes, but its success rate is still 0.461605761, so kubectl keeps deploys.
        _argocdHealth = new HealthResult(ArgocdHealthy, true, Now, "HTTP 200");
        var recovered = Assign(DeployPriority, expect: _kubectl, scores: (0.415445185, 0.77));
        Assert.Equal(0.461605761, Card(recovered, _argocd).RollingSuccess, 9);
        Finish(_kubectl, success: true);

        // 5) a low-risk task (priority ≤ 3) goes to argocd as a probe: 0.415 ≥ 0.5 × 0.77. One probe at a time: a second
        //    low-risk task meanwhile goes to kubectl. Each successful probe lifts argocd; after seven it scores
        //    0.787384672 > 0.77 and is primary again for deploys.
        var probeScores = new[] { 0.415445185, 0.495759193, 0.555810492, 0.662589358, 0.703386864, 0.736621233, 0.764183979 };
        for (var k = 0; k < probeScores.Length; k++)
        {
            var probe = Assign(LowRisk, expect: _argocd, scores: (probeScores[k], 0.77));
            Assert.True(probe.After.Probe);
            Assert.True(Card(probe, _argocd).Probe);
            Assert.StartsWith("probe:", probe.Event!.Reason, StringComparison.Ordinal);
            if (k == 0)
            {
                var meanwhile = Assign(LowRisk, expect: _kubectl, scores: (probeScores[k], 0.77));
                Assert.False(meanwhile.After.Probe);
                Finish(_kubectl, success: true);
            }
            // Deploys stay with kubectl while argocd is below it.
            var deploy = Assign(DeployPriority, expect: _kubectl, scores: (probeScores[k], 0.77));
            Assert.False(deploy.After.Probe);
            Finish(_kubectl, success: true);
            Finish(_argocd, success: true, probe: true);
        }

        var primary = Assign(DeployPriority, expect: _argocd, scores: (0.787384672, 0.77));
        Assert.False(primary.After.Probe);
        Assert.Equal(1.1, Card(primary, _argocd).RecencyBoost);
    }

    private void Step1()
    {
        for (var i = 0; i < 3; i++)
        {
            var change = Assign(DeployPriority, expect: _argocd, scores: (0.9, 0.7));
            Assert.Equal("best score 0.9 of 2 candidates", change.Event!.Reason);
            Finish(_argocd, success: true);
        }
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Plans one new task against the world as it is, checks who got it and both scores, and records the assignment.</summary>
    private TaskChange Assign(int priority, Agent expect, (double Argocd, double Kubectl) scores, string? lastFailed = null, int? running = null)
    {
        _clock.Advance(TimeSpan.FromSeconds(10));
        var task = SomeTasks.Task(Now, capability: Deploy, priority: priority) with { LastFailedAgent = lastFailed };
        var snapshot = new DispatchSnapshot(
            [Heartbeat(_argocd), Heartbeat(_kubectl)],
            _argocdHealth is { } h ? new Dictionary<string, IReadOnlyList<HealthResult>> { [_argocd.Id] = [h] } : new Dictionary<string, IReadOnlyList<HealthResult>>(),
            _running,
            _probes,
            _history.ToDictionary(p => (p.Key, Deploy), p => (IReadOnlyList<ResultSample>)p.Value.ToList()),
            new Dictionary<string, IReadOnlySet<string>>());

        var change = Assert.Single(TaskDispatch.Plan([task], snapshot, new DispatchPass(Now, LeaseTimes.Default, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256)));

        Assert.Equal(expect.Id, change.After.AssignedAgent);
        Assert.Equal(scores.Argocd, Card(change, _argocd).Score, 9);
        Assert.Equal(scores.Kubectl, Card(change, _kubectl).Score, 9);
        Assert.True(Card(change, expect).Chosen);
        if (running is { } r) Assert.Equal(r, Card(change, _argocd).Running);
        _running[expect.Id] = _running.GetValueOrDefault(expect.Id) + 1;
        if (change.After.Probe) _probes.Add(expect.Id);
        return change;
    }

    private void Finish(Agent agent, bool success, bool probe = false)
    {
        _clock.Advance(TimeSpan.FromSeconds(10));
        _history[agent.Id].Insert(0, new ResultSample(success, Now));
        _running[agent.Id]--;
        if (probe) _probes.Remove(agent.Id);
    }

    private Agent Heartbeat(Agent agent) => agent with { LastHeartbeatAt = Now };

    private static ScoreCard Card(TaskChange change, Agent agent) => change.Event!.ScoreCards!.Single(c => c.AgentId == agent.Id);
}
