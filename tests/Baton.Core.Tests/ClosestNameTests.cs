using Baton.Core.Common;

namespace Baton.Core.Tests;

public class ClosestNameTests
{
    private static readonly string[] SodFields = ["agent", "venture", "repo", "track", "cli", "host", "branch", "commit_sha", "issue_number"];

    [Theory]
    [InlineData("commitSha", "commit_sha")]
    [InlineData("CommitSHA", "commit_sha")]
    [InlineData("agnet", "agent")]
    [InlineData("repos", "repo")]
    [InlineData("issueNumber", "issue_number")]
    [InlineData("brnch", "branch")]
    public void FindOrNull_Misspelling_GivesTheIntendedField(string name, string expected) =>
        Assert.Equal(expected, ClosestName.FindOrNull(name, SodFields));

    [Theory]
    [InlineData("x")]
    [InlineData("completely_different")]
    [InlineData("")]
    public void FindOrNull_NothingNear_IsNull(string name) => Assert.Null(ClosestName.FindOrNull(name, SodFields));

    [Fact]
    public void FindOrNull_TwoEquallyNear_GivesTheFirstInOrder() =>
        Assert.Equal("cat", ClosestName.FindOrNull("bat", ["cat", "hat"]));

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "abc", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    [InlineData("agnet", "agent", 1)]
    public void Distance_KnownPairs_CountsEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, ClosestName.Distance(a, b));
        Assert.Equal(expected, ClosestName.Distance(b, a));
    }
}
