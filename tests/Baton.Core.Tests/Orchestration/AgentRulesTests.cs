using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Tests.Orchestration;

public sealed class AgentRulesTests
{
    private static readonly DateTimeOffset T = Some.T0;
    private static readonly TimeSpan Offline = AgentRules.DefaultOfflineAfter;

    [Fact]
    public void StatusAt_HeartbeatWithin90Seconds_IsOnline_At90SecondsOffline()
    {
        var agent = SomeTasks.Agent(T, requirements: ["argocd-healthy"]);

        Assert.Equal(AgentStatus.Online, AgentRules.StatusAt(agent, [], T.AddSeconds(89.999), Offline));
        Assert.Equal(AgentStatus.Offline, AgentRules.StatusAt(agent, [], T.AddSeconds(90), Offline));
    }

    [Fact]
    public void StatusAt_RequirementUnhealthy_IsDegraded_UnlessOffline()
    {
        var agent = SomeTasks.Agent(T, requirements: ["argocd-healthy"]);
        IReadOnlyList<HealthResult> failing = [new HealthResult("argocd-healthy", false, T, "HTTP 503")];

        Assert.Equal(AgentStatus.Degraded, AgentRules.StatusAt(agent, failing, T.AddSeconds(10), Offline));
        Assert.Equal(AgentStatus.Offline, AgentRules.StatusAt(agent, failing, T.AddMinutes(5), Offline));
    }

    [Fact]
    public void StatusAt_UnhealthyResultOfARequirementNoCapabilityNames_IsOnline()
    {
        var agent = SomeTasks.Agent(T, requirements: ["argocd-healthy"]);

        Assert.Equal(AgentStatus.Online, AgentRules.StatusAt(agent, [new HealthResult("old-requirement", false, T, null)], T, Offline));
    }

    [Fact]
    public void IsPaused_UntilLaterTime_TrueUntilThen()
    {
        var agent = SomeTasks.Agent(T) with { PausedUntil = T.AddMinutes(10) };

        Assert.True(AgentRules.IsPaused(agent, T.AddMinutes(9)));
        Assert.False(AgentRules.IsPaused(agent, T.AddMinutes(10)));
    }
}
