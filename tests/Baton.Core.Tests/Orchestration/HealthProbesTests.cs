using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Tests.Orchestration;

public sealed class HealthProbesTests
{
    private static readonly DateTimeOffset T = Some.T0;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static Agent WithChecks(params HealthCheck[] checks) =>
        SomeTasks.Agent(T, requirements: [.. checks.Select(c => c.Requirement)]) with { HealthChecks = checks };

    [Fact]
    public void Due_UrlChecksNeverCheckedOrAtLeastAnIntervalOld_AreDue_FresherAndCommandChecksAreNot()
    {
        var agent = WithChecks(
            new HealthCheck("a-never", "http://127.0.0.1/a", null),
            new HealthCheck("b-old", "http://127.0.0.1/b", null),
            new HealthCheck("c-fresh", "http://127.0.0.1/c", null),
            new HealthCheck("d-command", null, "argocd app list"));
        var health = new Dictionary<string, IReadOnlyList<HealthResult>>
        {
            [agent.Id] = [new HealthResult("b-old", true, T.AddSeconds(-30), null), new HealthResult("c-fresh", false, T.AddSeconds(-29.999), "HTTP 500")],
        };

        var due = HealthProbes.Due([agent], health, T, Interval);

        Assert.Equal([("a-never", "http://127.0.0.1/a"), ("b-old", "http://127.0.0.1/b")], due.Select(p => (p.Requirement, p.Url)));
        Assert.All(due, p => Assert.Equal((agent.Id, agent.Name), (p.AgentId, p.AgentName)));
    }

    [Fact]
    public void Due_RemovedAgent_HasNothingDue()
    {
        var agent = WithChecks(new HealthCheck("argocd-healthy", "http://127.0.0.1/h", null)) with { RemovedAt = T };

        Assert.Empty(HealthProbes.Due([agent], new Dictionary<string, IReadOnlyList<HealthResult>>(), T, Interval));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(204, true)]
    [InlineData(299, true)]
    [InlineData(301, false)]
    [InlineData(404, false)]
    [InlineData(500, false)]
    public void Answered_2xxIsHealthy_AnyOtherStatusIsNotAndSaysWhich(int status, bool healthy)
    {
        var probe = new HealthProbe("agent_1", "argocd", "argocd-healthy", "http://127.0.0.1/h");

        var probed = HealthProbes.Answered(probe, status, T);

        Assert.Equal("agent_1", probed.AgentId);
        Assert.Equal(new HealthResult("argocd-healthy", healthy, T, healthy ? null : $"HTTP {status} from http://127.0.0.1/h"), probed.Result);
    }

    [Fact]
    public void Failed_IsUnhealthy_WithTheReasonCutToTheDetailLimit()
    {
        var probe = new HealthProbe("agent_1", "argocd", "argocd-healthy", "http://127.0.0.1/h");

        var refused = HealthProbes.Failed(probe, "Connection refused (127.0.0.1:1)", T);
        var tooLong = HealthProbes.Failed(probe, new string('x', 1000), T);

        Assert.Equal(new HealthResult("argocd-healthy", false, T, "no answer from http://127.0.0.1/h: Connection refused (127.0.0.1:1)"), refused.Result);
        Assert.Equal(HealthProbes.MaxDetailLength, tooLong.Result.Detail!.Length);
        Assert.EndsWith("x…", tooLong.Result.Detail);
    }
}
