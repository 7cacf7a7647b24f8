using Baton.Core.Ventures;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.Unit;

public sealed class IssueQueueTests
{
    [Theory]
    [InlineData("P0", "P0")]
    [InlineData("p2", "P2")]
    [InlineData("priority:P1", "P1")]
    [InlineData("priority/p3", "P3")]
    [InlineData("P4", IssueQueue.Unprioritised)]
    [InlineData("bug", IssueQueue.Unprioritised)]
    public void PriorityOf_Label_GivesPriorityOrUnlabelled(string label, string expected)
    {
        Assert.Equal(expected, IssueQueue.PriorityOf(new QueueIssue(1, "t", [label], "")));
    }

    [Fact]
    public void PriorityOf_TwoPriorityLabels_TheMostUrgentWins()
    {
        Assert.Equal("P1", IssueQueue.PriorityOf(new QueueIssue(1, "t", ["P3", "P1"], "")));
    }

    [Fact]
    public void ByStatus_IssuesWithAndWithoutStatus_GroupsEachAndCountsTheRestAsNoStatus()
    {
        QueueIssue[] issues =
        [
            new(1, "a", ["status:ready"], ""), new(2, "b", ["status:ready", "P1"], ""),
            new(3, "c", ["status:in-progress"], ""), new(4, "d", ["bug"], ""),
        ];

        var groups = IssueQueue.ByStatus(issues).ToDictionary(g => g.Label, g => g.Issues.Count);

        Assert.Equal(2, groups["status:ready"]);
        Assert.Equal(1, groups["status:in-progress"]);
        Assert.Equal(1, groups[IssueQueue.NoStatus]);
    }
}

public sealed class WeeklyPlanTests
{
    [Fact]
    public void CurrentPriorityOrNull_HeadingWithPriority_GivesTheFirstLineUnderIt()
    {
        const string plan = "# Week 47\n\nSome intro.\n\n## Current priority\n\n- Ship the MCP server\n- Then docs\n\n## Later\n- x\n";

        Assert.Equal("Ship the MCP server", WeeklyPlan.CurrentPriorityOrNull(plan));
    }

    [Fact]
    public void CurrentPriorityOrNull_NoPriorityHeading_GivesTheFirstListItem()
    {
        Assert.Equal("Fix login", WeeklyPlan.CurrentPriorityOrNull("# Plan\n\n* Fix login\n* Other\n"));
        Assert.Null(WeeklyPlan.CurrentPriorityOrNull("# Plan\n\nNothing listed.\n"));
    }

    [Fact]
    public async Task ReadAsync_UncommittedPlanOlderThanSevenDays_IsStaleByItsModificationTime()
    {
        using var repo = TempGitRepo.Create();
        repo.Write(WeeklyPlan.RelativePath, "## Current priority\n- Ship it\n");
        File.SetLastWriteTimeUtc(Path.Combine(repo.Path, WeeklyPlan.RelativePath), McpHarness.Start.AddDays(-8).UtcDateTime);

        var plan = await WeeklyPlan.ReadAsync(repo.Path, McpHarness.Start, TestTimeouts.Token());

        Assert.True(plan.Exists);
        Assert.Equal(8, plan.AgeDays);
        Assert.True(plan.Stale);
        Assert.Equal("Ship it", plan.CurrentPriority);
    }
}

public sealed class VentureLookupTests
{
    [Fact]
    public void Owns_RepoOfAnotherOrgWithTheSameName_IsNotOwned()
    {
        Assert.True(VentureLookup.Owns(McpHarness.Alpha, "Example-Org/Alpha-Console"));
        Assert.False(VentureLookup.Owns(McpHarness.Alpha, "other-org/alpha-console"));
        Assert.False(VentureLookup.Owns(McpHarness.Alpha, "alpha-console"));
    }

    [Fact]
    public void RepoRootsFrom_VariableSetOrNot_SplitsOnColonsElseDefaultsToDev()
    {
        Assert.Equal(["/srv/a", "/home/u/b"], BatonMcpOptions.RepoRootsFrom("/srv/a: ~/b", "/home/u"));
        Assert.Equal([Path.Combine("/home/u", "dev")], BatonMcpOptions.RepoRootsFrom(null, "/home/u"));
    }
}
