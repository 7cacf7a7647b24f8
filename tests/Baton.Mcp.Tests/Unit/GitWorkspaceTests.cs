using Baton.Local.Git;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.Unit;

/// <summary>GitWorkspace.DetectAsync against real repositories made with the real git.</summary>
public sealed class GitWorkspaceTests
{
    private static CancellationToken Ct => TestTimeouts.Token();

    [Theory]
    [InlineData("git@github.com:example-org/alpha-console.git")]
    [InlineData("https://github.com/example-org/alpha-console.git")]
    [InlineData("https://github.com/example-org/alpha-console")]
    public async Task DetectAsync_RepoWithRemote_GivesRootOrgRepoBranchAndCommit(string url)
    {
        using var repo = TempGitRepo.Create(url);
        Directory.CreateDirectory(Path.Combine(repo.Path, "src", "deep"));

        var workspace = await GitWorkspace.DetectAsync(Path.Combine(repo.Path, "src", "deep"), Ct);

        Assert.True(workspace.IsRepository, workspace.Problem);
        Assert.Equal(Path.GetFullPath(repo.Path), workspace.Root);
        Assert.Equal("example-org/alpha-console", workspace.OrgRepo);
        Assert.Equal("origin", workspace.RemoteName);
        Assert.Equal("main", workspace.Branch);
        Assert.False(workspace.Detached);
        Assert.Equal(repo.Head, workspace.CommitSha);
        Assert.False(workspace.IsLinkedWorktree);
    }

    [Fact]
    public async Task DetectAsync_DetachedHead_GivesNoBranchAndDetached()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("second.txt", "2");
        var first = repo.Git("rev-parse", "HEAD~1");
        repo.Git("checkout", "-q", "--detach", first);

        var workspace = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.Null(workspace.Branch);
        Assert.True(workspace.Detached);
        Assert.Equal(first, workspace.CommitSha);
        Assert.Equal("example-org/alpha-console", workspace.OrgRepo);
    }

    [Fact]
    public async Task DetectAsync_LinkedWorktree_IsFlaggedWithItsOwnBranchAndRoot()
    {
        using var repo = TempGitRepo.Create();
        var worktree = Path.Combine(repo.Root, "alpha-console-feature");
        repo.Git("worktree", "add", "-q", "-b", "feature/x", worktree);

        var linked = await GitWorkspace.DetectAsync(worktree, Ct);
        var main = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.True(linked.IsLinkedWorktree);
        Assert.Equal(Path.GetFullPath(worktree), linked.Root);
        Assert.Equal("feature/x", linked.Branch);
        Assert.Equal("example-org/alpha-console", linked.OrgRepo);
        Assert.False(main.IsLinkedWorktree);
    }

    [Fact]
    public async Task DetectAsync_NoRemote_HasNoOrgRepoAndSaysHowToAddOne()
    {
        using var repo = TempGitRepo.Create(originUrl: null);

        var workspace = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.True(workspace.IsRepository);
        Assert.Null(workspace.OrgRepo);
        Assert.Contains("no remote", workspace.RemoteProblem);
        Assert.Contains("git remote add origin", workspace.RemoteProblem);
    }

    [Fact]
    public async Task DetectAsync_SeveralRemotesNoneCalledOrigin_NamesThemInTheReason()
    {
        using var repo = TempGitRepo.Create(originUrl: null);
        repo.Git("remote", "add", "upstream", "git@github.com:example-org/alpha-console.git");
        repo.Git("remote", "add", "fork", "git@github.com:someone/alpha-console.git");

        var workspace = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.Null(workspace.OrgRepo);
        Assert.Contains("fork", workspace.RemoteProblem);
        Assert.Contains("upstream", workspace.RemoteProblem);
    }

    [Fact]
    public async Task DetectAsync_OnlyRemoteNotCalledOrigin_UsesIt()
    {
        using var repo = TempGitRepo.Create(originUrl: null);
        repo.Git("remote", "add", "upstream", "https://github.com/example-org/alpha-api");

        var workspace = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.Equal("upstream", workspace.RemoteName);
        Assert.Equal("example-org/alpha-api", workspace.OrgRepo);
    }

    [Fact]
    public async Task DetectAsync_RepoWithoutCommits_HasBranchButNoCommitAndIsNotDetached()
    {
        using var repo = TempGitRepo.Create(commit: false);

        var workspace = await GitWorkspace.DetectAsync(repo.Path, Ct);

        Assert.Equal("main", workspace.Branch);
        Assert.Null(workspace.CommitSha);
        Assert.False(workspace.Detached);
    }

    [Fact]
    public async Task DetectAsync_NotARepository_SaysSoAndWhatToDo()
    {
        var directory = Directory.CreateTempSubdirectory("baton-norepo-").FullName;
        try
        {
            var workspace = await GitWorkspace.DetectAsync(directory, Ct);

            Assert.False(workspace.IsRepository);
            Assert.Null(workspace.Root);
            Assert.Contains("not inside a git repository", workspace.Problem);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DetectAsync_MissingDirectory_SaysItDoesNotExist()
    {
        var workspace = await GitWorkspace.DetectAsync("/nonexistent/baton/dir", Ct);

        Assert.False(workspace.IsRepository);
        Assert.Contains("does not exist", workspace.Problem);
    }
}
