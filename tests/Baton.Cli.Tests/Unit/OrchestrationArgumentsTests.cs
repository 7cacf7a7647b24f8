using Baton.Cli.Orchestration;
using Baton.Core.Orchestration;

namespace Baton.Cli.Tests.Unit;

public sealed class OrchestrationArgumentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Capabilities_WeightsRequirementsAndPreferred_AreParsed()
    {
        var problems = new List<string>();

        var capabilities = OrchestrationArguments.Capabilities(["deploy-service=0.9:argocd-healthy, kube", "code-review=.5"], ["code-review"], problems);

        Assert.Empty(problems);
        Assert.Equal(("deploy-service", 0.9, false), (capabilities[0].Name, capabilities[0].Weight, capabilities[0].Preferred));
        Assert.Equal(["argocd-healthy", "kube"], capabilities[0].Requirements!);
        Assert.Equal(("code-review", 0.5, true), (capabilities[1].Name, capabilities[1].Weight, capabilities[1].Preferred));
    }

    [Fact]
    public void Capabilities_EveryMistake_IsOneProblem()
    {
        var problems = new List<string>();

        OrchestrationArguments.Capabilities(["review", "deploy=x", "=0.5"], ["triage"], problems);

        Assert.Equal(4, problems.Count);
        Assert.Contains("--capability 'review' must be name=weight", problems[0]);
        Assert.Contains("the weight 'x' is not a number", problems[1]);
        Assert.Contains("--capability '=0.5' must be", problems[2]);
        Assert.Contains("--preferred 'triage'", problems[3]);
    }

    [Fact]
    public void HealthChecks_UrlIsProbedAndAnythingElseIsACommand()
    {
        var problems = new List<string>();

        var checks = OrchestrationArguments.HealthChecks(["argocd=https://argocd.example/healthz", "kube=kubectl get --raw=/readyz", "broken", "empty="], problems);

        Assert.Equal([new HealthCheckInput("argocd", Url: "https://argocd.example/healthz"), new HealthCheckInput("kube", Command: "kubectl get --raw=/readyz")], checks);
        Assert.Equal(2, problems.Count);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1_800)]
    [InlineData("2h", 7_200)]
    [InlineData("1d", 86_400)]
    public void Time_Duration_IsFromNow(string text, int seconds)
    {
        var problems = new List<string>();

        Assert.Equal(Now.AddSeconds(seconds), OrchestrationArguments.Time("--until", text, Now, problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void Time_TimestampIsKeptAndNonsenseOrMoreThanAYearIsAProblem()
    {
        var problems = new List<string>();

        var at = OrchestrationArguments.Time("--until", "2026-12-01T10:30:00+02:00", Now, problems);
        var soon = OrchestrationArguments.Time("--until", "soon", Now, problems);
        var far = OrchestrationArguments.Time("--until", "400d", Now, problems);
        var date = OrchestrationArguments.Time("--until", "2026-12-01", Now, problems);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero), at);
        Assert.Null(soon);
        Assert.Null(far);
        Assert.Null(date);
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.Contains("must be a duration from now", p));
    }
}
