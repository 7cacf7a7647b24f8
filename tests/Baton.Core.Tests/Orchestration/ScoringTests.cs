using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;

namespace Baton.Core.Tests.Orchestration;

/// <summary>docs/architecture.md §14's scoring with the seed's own numbers (argocd-deployer 0.9, kubectl-deployer 0.7).</summary>
public sealed class ScoringTests
{
    private static readonly DateTimeOffset T = Some.T0;

    private static List<ResultSample> History(string newestFirst) =>
        newestFirst.Select((c, i) => new ResultSample(c == 'S', T.AddMinutes(-i))).ToList();

    [Fact]
    public void RollingSuccess_WithoutHistory_IsOne() => Assert.Equal(1.0, Scoring.RollingSuccess([]));

    [Fact]
    public void RollingSuccess_NewestFailedAfterThreeSuccesses_WeighsEachResultByDecay()
    {
        // (0.95 + 0.95² + 0.95³) / (1 + 0.95 + 0.95² + 0.95³)
        Assert.Equal(0.7304491391219381, Scoring.RollingSuccess(History("FSSS")), 15);
        Assert.Equal((0.95 + 0.9025 + 0.857375) / (1 + 0.95 + 0.9025 + 0.857375), Scoring.RollingSuccess(History("FSSS")), 15);
    }

    [Fact]
    public void RollingSuccess_MoreThanTwentyResults_CountsOnlyTheNewestTwenty()
    {
        var history = History(new string('S', 20) + new string('F', 10));

        Assert.Equal(1.0, Scoring.RollingSuccess(history), 15);
    }

    [Fact]
    public void Recency_LastThreeSucceeded_Is1Point1_OtherwiseOne()
    {
        Assert.Equal(1.1, Scoring.Recency(History("SSSF")));
        Assert.Equal(1.0, Scoring.Recency(History("SSFS")));
        Assert.Equal(1.0, Scoring.Recency(History("SS")));
        Assert.Equal(1.0, Scoring.Recency([]));
    }

    [Fact]
    public void DependencyHealth_AnyRequirementUnhealthy_IsZero_UnknownDoesNotFail()
    {
        var capability = new AgentCapability("deploy-service", 0.9, false, ["argocd-healthy", "vault-ok"]);

        Assert.Equal(1.0, Scoring.DependencyHealth(capability, []));
        Assert.Equal(1.0, Scoring.DependencyHealth(capability, [new HealthResult("argocd-healthy", true, T, null)]));
        Assert.Equal(0.0, Scoring.DependencyHealth(capability, [new HealthResult("argocd-healthy", true, T, null), new HealthResult("vault-ok", false, T, "503")]));
    }

    [Fact]
    public void Score_SeedNumbers_AreTheProductOfTheFactors()
    {
        Assert.Equal(0.9, Scoring.Score(0.9, 1, Scoring.RollingSuccess([]), Scoring.Recency([]), 1), 15);
        Assert.Equal(0.99, Scoring.Score(0.9, 1, Scoring.RollingSuccess(History("SSS")), Scoring.Recency(History("SSS")), 1), 15);
        Assert.Equal(0.6574042252097443, Scoring.Score(0.9, 1, Scoring.RollingSuccess(History("FSSS")), Scoring.Recency(History("FSSS")), 1), 15);
        Assert.Equal(0.735, Scoring.Score(0.7, 1, 1, 1, Scoring.PreferredBoost), 15);
        Assert.Equal(0.0, Scoring.Score(0.9, 0, 1, 1.1, 1.05));
    }
}
