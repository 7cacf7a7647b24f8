using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class SprintWavesTests
{
    private static GitHubIssue Issue(int number, string body = "") =>
        new("acme/shop", number, $"Issue {number}", body, "OPEN", [], $"https://github.com/acme/shop/issues/{number}");

    [Theory]
    [InlineData("depends on #12", new[] { 12 })]
    [InlineData("Depends on: #12, #13 and #14", new[] { 12, 13, 14 })]
    [InlineData("BLOCKED BY #3, and #4", new[] { 3, 4 })]
    [InlineData("**Depends on:** #7 & #8", new[] { 7, 8 })]
    [InlineData("Blocked by #5\nSome text about #6.\ndepends on #5 and #9", new[] { 5, 9 })]
    [InlineData("depends on #2,#1", new[] { 2, 1 })]
    [InlineData("See #4 and #5; relates to #6", new int[0])]
    [InlineData("depends on acme/other#12", new int[0])]
    [InlineData("depends on #99999999999", new int[0])]
    [InlineData("independent on #3", new int[0])]
    public void DependenciesIn_Body_FindsTheNumbersInOrder(string body, int[] expected)
    {
        Assert.Equal(expected, SprintWaves.DependenciesIn(body));
    }

    [Fact]
    public void DependenciesIn_NoBody_IsEmpty()
    {
        Assert.Empty(SprintWaves.DependenciesIn(null));
    }

    [Fact]
    public void Plan_ThreeWaves_EachWaveDependsOnlyOnEarlierOnes()
    {
        var plan = SprintWaves.Plan("shop", "acme/shop",
            [Issue(14, "depends on #12 and #13"), Issue(12), Issue(13, "blocked by #12"), Issue(15)]);

        Assert.Equal(("shop", "acme/shop"), (plan.Venture, plan.Repo));
        Assert.Equal([[12, 15], [13], [14]], plan.Waves.Select(w => w.Select(i => i.Number).ToArray()).ToArray());
        Assert.Equal([12, 13], plan.Waves[2][0].DependsOn);
        Assert.Equal("Issue 14", plan.Waves[2][0].Title);
        Assert.Empty(plan.Outside);
    }

    [Fact]
    public void Plan_DependencyOutsideTheSprint_IsLeftOutAndNamed()
    {
        var plan = SprintWaves.Plan("shop", "acme/shop", [Issue(12, "depends on #7 and #13"), Issue(13)]);

        Assert.Equal([[13], [12]], plan.Waves.Select(w => w.Select(i => i.Number).ToArray()).ToArray());
        Assert.Equal([13], plan.Waves[1][0].DependsOn);
        Assert.Equal(["#12 depends on #7, which is not in this sprint"], plan.Outside);
    }

    [Fact]
    public void Plan_ReferenceToItself_IsIgnored()
    {
        var plan = SprintWaves.Plan("shop", "acme/shop", [Issue(12, "depends on #12")]);

        Assert.Empty(Assert.Single(Assert.Single(plan.Waves)).DependsOn);
        Assert.Empty(plan.Outside);
    }

    [Fact]
    public void Plan_IssueListedTwice_IsPlannedOnce()
    {
        var plan = SprintWaves.Plan("shop", "acme/shop", [Issue(12), Issue(12)]);

        Assert.Single(Assert.Single(plan.Waves));
    }

    [Fact]
    public void Plan_Cycle_ThrowsValidationNamingTheCycle()
    {
        var e = Assert.Throws<BatonException>(() => SprintWaves.Plan("shop", "acme/shop", [Issue(12, "depends on #13"), Issue(13, "blocked by #12")]));

        Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
        Assert.Contains("#12 → #13 → #12", e.Detail);
    }

    [Fact]
    public void Plan_CycleBehindAnotherIssue_NamesOnlyTheCycleFromItsFirstListedIssue()
    {
        // 10 waits for the cycle but is not in it; the cycle is named from 20, listed before 30 and 40.
        var e = Assert.Throws<BatonException>(() => SprintWaves.Plan("shop", "acme/shop",
            [Issue(1), Issue(10, "depends on #30"), Issue(20, "depends on #40"), Issue(30, "depends on #20"), Issue(40, "depends on #30")]));

        Assert.Contains("#20 → #40 → #30 → #20", e.Detail);
        Assert.DoesNotContain("#10", e.Detail);
    }

    [Fact]
    public void Plan_NoIssues_HasNoWaves()
    {
        Assert.Empty(SprintWaves.Plan("shop", "acme/shop", []).Waves);
    }
}
