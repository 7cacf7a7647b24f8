using Baton.Local.Git;


namespace Baton.Cli.Tests.Unit;

public sealed class GitRemoteTests
{
    [Theory]
    [InlineData("git@github.com:example-org/alpha-console.git", "example-org/alpha-console")]
    [InlineData("git@github.com:example-org/alpha-console", "example-org/alpha-console")]
    [InlineData("ssh://git@github.com/example-org/alpha-console", "example-org/alpha-console")]
    [InlineData("ssh://git@git.example.com:2222/example-org/alpha-console.git", "example-org/alpha-console")]
    [InlineData("https://github.com/example-org/alpha-console.git", "example-org/alpha-console")]
    [InlineData("https://github.com/example-org/alpha-console", "example-org/alpha-console")]
    [InlineData("https://github.com/example-org/alpha-console/", "example-org/alpha-console")]
    [InlineData("https://user:token@github.com/example-org/alpha-console.git", "example-org/alpha-console")]
    [InlineData("  git@github.com:example-org/alpha-console.git\n", "example-org/alpha-console")]
    public void ParseOrgRepoOrNull_KnownRemoteForms_GiveOrgSlashRepo(string url, string expected)
    {
        Assert.Equal(expected, GitRemote.ParseOrgRepoOrNull(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("alpha-console")]
    [InlineData("/srv/git/alpha-console.git")]
    [InlineData("git@github.com:alpha-console.git")]
    [InlineData("https://github.com/")]
    public void ParseOrgRepoOrNull_NoOrgAndRepo_GivesNull(string? url)
    {
        Assert.Null(GitRemote.ParseOrgRepoOrNull(url));
    }
}
