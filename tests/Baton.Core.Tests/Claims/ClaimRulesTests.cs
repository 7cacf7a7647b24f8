using Baton.Core.Claims;

namespace Baton.Core.Tests.Claims;

public class ClaimRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static Claim Files(string session, ClaimMode mode, params string[] globs) =>
        new("claim_" + session + string.Join("", globs).GetHashCode(StringComparison.Ordinal), session, "alpha", "example-org/alpha", "agent-" + session,
            null, globs, mode, Now, null, null, null);

    private static Claim Issue(string session, ClaimMode mode, int issue) =>
        new("claim_i" + session + issue, session, "alpha", "example-org/alpha", "agent-" + session, issue, [], mode, Now, null, null, null);

    [Theory]
    [InlineData("src/*.cs", "docs/**", false)]
    [InlineData("src/*.cs", "src/*.md", false)]
    [InlineData("src/*.cs", "src/a*", true)]
    [InlineData("src/**", "src/Claims/Claim.cs", true)]
    [InlineData("src", "src/Claims/Claim.cs", true)]
    [InlineData("/README.md", "docs/README.md", false)]
    [InlineData("README.md", "docs/README.md", true)]
    [InlineData("*.cs", "docs/readme.md", true)]
    [InlineData("/*.cs", "/*.md", false)]
    // Unanchored or under `**`, a match may be a directory: x.md/y.cs is claimed by both *.md and *.cs.
    [InlineData("*.cs", "*.md", true)]
    [InlineData("docs/**/*.md", "docs/guide/*.txt", true)]
    [InlineData("docs/**/*.md", "docs/guide/intro.md", true)]
    [InlineData("/a[0-9].txt", "/ab.txt", false)]
    [InlineData("/a[0-9].txt", "/a5.txt", true)]
    [InlineData("tests/**", "src/**", false)]
    public void GlobsMayOverlap_DecidesByTheDocumentedRule(string a, string b, bool expected)
    {
        Assert.Equal(expected, ClaimRules.GlobsMayOverlap(a, b));
        Assert.Equal(expected, ClaimRules.GlobsMayOverlap(b, a));
    }

    [Fact]
    public void GlobsMayOverlap_NeverMissesAPathBothMatch()
    {
        // Soundness, checked by brute force: whenever some path is matched by both, the rule must say they overlap.
        string[] globs = ["*.cs", "src/*.cs", "src/**", "docs/", "docs/*.md", "**/Claims/**", "a?/b", "a[xy]/*", "/x", "x", "src/a*", "*/b*"];
        string[] paths = ["a.cs", "src/a.cs", "src/b/c.cs", "docs/a.md", "docs/x/y.md", "src/Claims/a.cs", "ax/b", "ay/q", "x", "q/x", "src/ab", "q/bq"];
        foreach (var a in globs)
        foreach (var b in globs)
        {
            if (paths.Any(p => Wildmatch.Matches(a, p) && Wildmatch.Matches(b, p)))
                Assert.True(ClaimRules.GlobsMayOverlap(a, b), $"{a} and {b} share a path");
        }
    }

    [Fact]
    public void Decide_WhenExclusiveOverlapsAnotherSessionsShared_RefusesNamingIt()
    {
        var held = Files("s1", ClaimMode.Shared, "src/**");

        var decision = ClaimRules.Decide(Files("s2", ClaimMode.Exclusive, "src/a.cs"), [held]);

        Assert.Equal(held, Assert.IsType<ClaimDecision.Refuse>(decision).Holders.Single());
    }

    [Fact]
    public void Decide_WhenSharedMeetsShared_Grants() =>
        Assert.IsType<ClaimDecision.Grant>(ClaimRules.Decide(Files("s2", ClaimMode.Shared, "src/**"), [Files("s1", ClaimMode.Shared, "src/a.cs")]));

    [Fact]
    public void Decide_WhenSharedMeetsExclusive_Refuses() =>
        Assert.IsType<ClaimDecision.Refuse>(ClaimRules.Decide(Files("s2", ClaimMode.Shared, "src/**"), [Files("s1", ClaimMode.Exclusive, "src/a.cs")]));

    [Fact]
    public void Decide_WhenDisjointGlobs_Grants() =>
        Assert.IsType<ClaimDecision.Grant>(ClaimRules.Decide(Files("s2", ClaimMode.Exclusive, "docs/**"), [Files("s1", ClaimMode.Exclusive, "src/**")]));

    [Fact]
    public void Decide_WhenSameSessionClaimsTheSameAgain_AnswersTheHeldOne()
    {
        var held = Files("s1", ClaimMode.Exclusive, "src/**");

        var decision = ClaimRules.Decide(Files("s1", ClaimMode.Exclusive, "src/**"), [held]);

        Assert.Equal(held, Assert.IsType<ClaimDecision.AlreadyHeld>(decision).Existing);
    }

    [Fact]
    public void Decide_WhenOwnSessionOverlaps_Grants() =>
        Assert.IsType<ClaimDecision.Grant>(ClaimRules.Decide(Files("s1", ClaimMode.Exclusive, "src/a.cs"), [Files("s1", ClaimMode.Exclusive, "src/**")]));

    [Fact]
    public void Decide_IssueClaims_ConflictOnlyOnTheSameNumberAndNeverWithFiles()
    {
        Assert.IsType<ClaimDecision.Refuse>(ClaimRules.Decide(Issue("s2", ClaimMode.Shared, 15), [Issue("s1", ClaimMode.Exclusive, 15)]));
        Assert.IsType<ClaimDecision.Grant>(ClaimRules.Decide(Issue("s2", ClaimMode.Exclusive, 16), [Issue("s1", ClaimMode.Exclusive, 15)]));
        Assert.IsType<ClaimDecision.Grant>(ClaimRules.Decide(Issue("s2", ClaimMode.Exclusive, 15), [Files("s1", ClaimMode.Exclusive, "**")]));
    }

    [Fact]
    public void Conflicts_WhenOtherRepo_IsFalse()
    {
        var other = Files("s1", ClaimMode.Exclusive, "src/**") with { Repo = "example-org/beta" };
        Assert.False(ClaimRules.Conflicts(Files("s2", ClaimMode.Exclusive, "src/**"), other));
    }

    [Fact]
    public void HeldByOthers_NamesOnlyFilesUnderAnotherSessionsExclusiveClaim()
    {
        var exclusive = Files("s1", ClaimMode.Exclusive, "src/Claims/**");
        var shared = Files("s3", ClaimMode.Shared, "docs/**");
        var own = Files("me", ClaimMode.Exclusive, "tests/**");

        var held = ClaimRules.HeldByOthers(["src/Claims/Claim.cs", "docs/a.md", "tests/x.cs", "README.md"], [exclusive, shared, own], ["me"]);

        var only = Assert.Single(held);
        Assert.Equal("src/Claims/Claim.cs", only.File);
        Assert.Equal(exclusive, only.Claim);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("!src/**", "negation")]
    [InlineData("../x", "inside the repository")]
    [InlineData("src/[ab", "never closed")]
    [InlineData("src/[[:nope:]]", "unknown character class")]
    [InlineData("src\\", "lone")]
    public void GlobProblemOrNull_RefusesWhatIsNoClaim(string glob, string says) =>
        Assert.Contains(says, ClaimRules.GlobProblemOrNull(glob), StringComparison.Ordinal);

    [Theory]
    [InlineData("src/**")]
    [InlineData("/README.md")]
    [InlineData("a[]].txt")]
    [InlineData("[[:alpha:]]*.md")]
    public void GlobProblemOrNull_AcceptsGitGlobs(string glob) => Assert.Null(ClaimRules.GlobProblemOrNull(glob));
}
