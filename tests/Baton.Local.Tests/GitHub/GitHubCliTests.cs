using Baton.Core.Workflows;
using Baton.Local.Git;
using Baton.Local.GitHub;

namespace Baton.Local.Tests.GitHub;

/// <summary>
/// GitHubCli against the stateful fake gh (named as the gh command: PATH is the whole test process's). These also
/// prove the fake the workflow tests rely on: its state, its real-gh errors and its fail switches.
/// </summary>
public sealed class GitHubCliTests : IDisposable
{
    private const string Repo = "example-org/alpha-console";

    private readonly TempDirectory _temp = new();
    private readonly FakeGitHub _gh;
    private readonly GitHubCli _cli;

    public GitHubCliTests()
    {
        _gh = new FakeGitHub(Path.Combine(_temp.Path, "bin"));
        _cli = new GitHubCli(_gh.Path, _temp.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task GetIssue_ExistingIssue_AnswersEveryFieldExactly()
    {
        const string title = "Fix \"quotes\" and \\back\\slashes — ünïcode";
        const string body = "Depends on #12.\n\n\tindented\r\nlast line with a trailing newline\n";
        _gh.AddIssue(Repo, 42, title, body, "P1", "status:planning");

        var issue = await _cli.GetIssueAsync(Repo, 42, TestTimeouts.Token());

        Assert.Equal(new GitHubIssue(Repo, 42, title, body, "OPEN", issue.Labels, $"https://github.com/{Repo}/issues/42"), issue);
        Assert.Equal(["P1", "status:planning"], issue.Labels);
        Assert.Equal(["issue", "view", "42", "--repo", Repo, "--json", "number,title,body,state,labels,url"], Assert.Single(_gh.Calls));
    }

    [Fact]
    public async Task GetIssue_Missing_ThrowsWithGhsMessage()
    {
        var error = await Assert.ThrowsAsync<GitHubException>(() => _cli.GetIssueAsync(Repo, 7, TestTimeouts.Token()));

        Assert.Contains("Could not resolve to an issue or pull request with the number of 7", error.Message);
        Assert.Contains($"read issue {Repo}#7", error.Message);
    }

    [Fact]
    public async Task ListIssues_Label_AnswersTheOpenIssuesWithItOldestFirst()
    {
        _gh.AddIssue(Repo, 3, "third", "", "sprint-1");
        _gh.AddIssue(Repo, 1, "first", "", "sprint-1", "P2");
        _gh.AddIssue(Repo, 2, "other label", "", "sprint-2");
        _gh.AddIssue(Repo, 4, "closed", "", "sprint-1");
        await _cli.CloseIssueAsync(Repo, 4, "done", TestTimeouts.Token());

        var issues = await _cli.ListIssuesAsync(Repo, "sprint-1", TestTimeouts.Token());

        Assert.Equal([1, 3], issues.Select(i => i.Number));
        Assert.Equal(["sprint-1", "P2"], issues[0].Labels);
        Assert.Equal(["issue", "list", "--repo", Repo, "--label", "sprint-1", "--state", "open", "--limit", "200", "--json", "number,title,body,state,labels,url"],
            _gh.CallsOf("issue list").Single());
    }

    [Fact]
    public async Task ListIssues_AfterLabelsChange_FollowsTheIssuesLabels()
    {
        _gh.AddIssue(Repo, 5, "moving", "", "status:planning");
        _gh.AddLabel(Repo, "status:review");

        await _cli.EditLabelsAsync(Repo, 5, ["status:review"], ["status:planning"], TestTimeouts.Token());

        Assert.Empty(await _cli.ListIssuesAsync(Repo, "status:planning", TestTimeouts.Token()));
        Assert.Equal([5], (await _cli.ListIssuesAsync(Repo, "status:review", TestTimeouts.Token())).Select(i => i.Number));
    }

    [Fact]
    public async Task Comment_LongBody_GoesThroughStdinExactly()
    {
        _gh.AddIssue(Repo, 9, "plan me", "");
        var body = "## Plan\n\n" + string.Concat(Enumerable.Range(0, 4000).Select(i => $"- step {i}: \"quoted\" `code` $HOME \\n\n"));

        await _cli.CommentAsync(Repo, 9, body, TestTimeouts.Token());

        Assert.True(body.Length > 128 * 1024, "longer than one argument may be");
        Assert.Equal(body, Assert.Single(_gh.Comments(Repo, 9)));
        Assert.Equal(["issue", "comment", "9", "--repo", Repo, "--body-file", "-"], Assert.Single(_gh.Calls));
    }

    [Fact]
    public async Task Comment_ManyAtOnce_EachIsKept()
    {
        _gh.AddIssue(Repo, 10, "busy", "");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _cli.CommentAsync(Repo, 10, $"comment {i}", TestTimeouts.Token())));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"comment {i}").Order(), _gh.Comments(Repo, 10).Order());
    }

    [Fact]
    public async Task EditLabels_LabelMissingFromTheRepo_CreatesItThenRetriesOnce()
    {
        _gh.AddIssue(Repo, 11, "new to baton", "", "status:planning");

        await _cli.EditLabelsAsync(Repo, 11, ["status:review"], ["status:planning"], TestTimeouts.Token());

        Assert.Equal(["status:review"], _gh.Labels(Repo, 11));
        Assert.Equal([(Repo, "status:review", "1D76DB", GitHubCli.LabelDescription)], _gh.CreatedLabels);
        Assert.Equal(["issue view", "issue edit", "label create", "issue edit"], _gh.Calls.Select(c => c[0] + " " + c[1]));
        Assert.Equal(["issue", "edit", "11", "--repo", Repo, "--add-label", "status:review", "--remove-label", "status:planning"], _gh.Calls[^1]);
    }

    [Fact]
    public async Task EditLabels_RemovingLabelsTheIssueLacks_RemovesOnlyThoseItHas()
    {
        // status:qa does not exist in the repo at all (real gh would fail on it); status:deploy exists but is not on the issue.
        _gh.AddIssue(Repo, 12, "half labelled", "", "status:review", "P1");
        _gh.AddLabel(Repo, "status:deploy");
        _gh.AddLabel(Repo, "status:in-progress");

        await _cli.EditLabelsAsync(Repo, 12, ["status:in-progress"], ["status:review", "status:qa", "status:deploy"], TestTimeouts.Token());

        Assert.Equal(["P1", "status:in-progress"], _gh.Labels(Repo, 12));
        Assert.Equal(["issue", "edit", "12", "--repo", Repo, "--add-label", "status:in-progress", "--remove-label", "status:review"], _gh.CallsOf("issue edit").Single());
        Assert.Empty(_gh.CreatedLabels);
    }

    [Fact]
    public async Task EditLabels_NothingToChange_CallsNoEdit()
    {
        _gh.AddIssue(Repo, 13, "settled", "", "P1");

        await _cli.EditLabelsAsync(Repo, 13, [], ["status:qa"], TestTimeouts.Token());

        Assert.Empty(_gh.CallsOf("issue edit"));
        Assert.Equal(["P1"], _gh.Labels(Repo, 13));
    }

    [Fact]
    public async Task FakeGh_EditWithUnknownLabel_FailsAsRealGhDoes()
    {
        _gh.AddIssue(Repo, 14, "raw", "");

        var run = await ExternalCommand.RunOrNullAsync(_gh.Path, ["issue", "edit", "14", "--repo", Repo, "--add-label", "status:qa"], _temp.Path, TestTimeouts.Token());

        Assert.Equal(1, run!.ExitCode);
        Assert.Equal($"failed to update https://github.com/{Repo}/issues/14: 'status:qa' not found\nfailed to update 1 issue\n", run.Stderr);
        Assert.Empty(_gh.Labels(Repo, 14));
    }

    [Fact]
    public async Task CreateIssue_WithLabels_CreatesTheMissingOnesLeavesExistingOnesAndAnswersTheUrl()
    {
        _gh.AddLabel(Repo, "bug", "ee0701", "Something isn't working");
        const string body = "## Failing tests\n\n| suite | test |\n|---|---|\n| Api | \"returns 200\" |\n";

        var url = await _cli.CreateIssueAsync(Repo, "QA failed: 2 tests", body, ["bug", "status:new"], TestTimeouts.Token());

        Assert.Equal($"https://github.com/{Repo}/issues/1000", url);
        var created = Assert.Single(_gh.CreatedIssues);
        Assert.Equal(new FakeCreatedIssue(Repo, 1000, "QA failed: 2 tests", body, created.Labels, url), created);
        Assert.Equal(["bug", "status:new"], created.Labels);
        // bug existed: its create (without --force) said "already exists" and its color stayed the repo's.
        Assert.Equal([(Repo, "status:new", "1D76DB", GitHubCli.LabelDescription)], _gh.CreatedLabels);
        Assert.DoesNotContain(_gh.CallsOf("label create"), c => c.Contains("--force"));
        Assert.Equal(2, _gh.CallsOf("issue create").Count);
    }

    [Fact]
    public async Task CreateIssue_Twice_NumbersFrom1000()
    {
        var first = await _cli.CreateIssueAsync(Repo, "one", "", [], TestTimeouts.Token());
        var second = await _cli.CreateIssueAsync(Repo, "two", "", [], TestTimeouts.Token());

        Assert.Equal([$"https://github.com/{Repo}/issues/1000", $"https://github.com/{Repo}/issues/1001"], [first, second]);
        Assert.Equal("two", (await _cli.GetIssueAsync(Repo, 1001, TestTimeouts.Token())).Title);
    }

    [Fact]
    public async Task CloseIssue_Open_ClosesItWithTheComment()
    {
        _gh.AddIssue(Repo, 15, "ship it", "");

        await _cli.CloseIssueAsync(Repo, 15, "Verified: every smoke check passed.", TestTimeouts.Token());

        Assert.True(_gh.IsClosed(Repo, 15));
        Assert.Equal(["Verified: every smoke check passed."], _gh.Comments(Repo, 15));
        Assert.Equal("CLOSED", (await _cli.GetIssueAsync(Repo, 15, TestTimeouts.Token())).State);
        Assert.Equal(["issue", "close", "15", "--repo", Repo, "--comment", "Verified: every smoke check passed."], _gh.CallsOf("issue close").Single());
    }

    [Fact]
    public async Task CloseIssue_AlreadyClosed_SucceedsWithoutASecondComment()
    {
        // An effect is carried out at least once: closing again must not fail the retry.
        _gh.AddIssue(Repo, 18, "twice", "");
        await _cli.CloseIssueAsync(Repo, 18, "Verified.", TestTimeouts.Token());

        await _cli.CloseIssueAsync(Repo, 18, "Verified.", TestTimeouts.Token());

        Assert.True(_gh.IsClosed(Repo, 18));
        Assert.Equal(["Verified."], _gh.Comments(Repo, 18));
    }

    [Theory]
    [InlineData(PullRequestState.Open)]
    [InlineData(PullRequestState.Merged)]
    [InlineData(PullRequestState.Closed)]
    public async Task GetPullRequestState_EachState_IsRead(PullRequestState state)
    {
        var url = _gh.AddPullRequest(Repo, 7, "baton/wf-1", state: state);

        Assert.Equal(state, await _cli.GetPullRequestStateAsync(url, TestTimeouts.Token()));
        Assert.Equal(["pr", "view", url, "--json", "state"], Assert.Single(_gh.Calls));
    }

    [Fact]
    public async Task MergePullRequest_Open_MergesIt()
    {
        var url = _gh.AddPullRequest(Repo, 8, "baton/wf-2");

        await _cli.MergePullRequestAsync(url, TestTimeouts.Token());

        Assert.Equal("MERGED", _gh.PrState(url));
        Assert.Equal([url], _gh.Merged);
        Assert.Equal(["pr", "merge", url, "--merge"], Assert.Single(_gh.Calls));
    }

    [Fact]
    public async Task MergePullRequest_AlreadyMerged_Succeeds()
    {
        var url = _gh.AddPullRequest(Repo, 9, "baton/wf-3", state: PullRequestState.Merged);

        await _cli.MergePullRequestAsync(url, TestTimeouts.Token());

        Assert.Empty(_gh.Merged);
    }

    [Fact]
    public async Task MergePullRequest_FailsButGitHubHasItMerged_Succeeds()
    {
        // gh can fail after the merge went through (its local clean-up); the PR's state is what counts.
        var url = _gh.AddPullRequest(Repo, 10, "baton/wf-4", state: PullRequestState.Merged);
        _gh.FailNext("pr merge", 1, "failed to run git: fatal: 'main' is already used by worktree");

        await _cli.MergePullRequestAsync(url, TestTimeouts.Token());

        Assert.Equal(["pr merge", "pr view"], _gh.Calls.Select(c => c[0] + " " + c[1]));
    }

    [Fact]
    public async Task MergePullRequest_Closed_ThrowsGhsMessage()
    {
        var url = _gh.AddPullRequest(Repo, 11, "baton/wf-5", state: PullRequestState.Closed);

        var error = await Assert.ThrowsAsync<GitHubException>(() => _cli.MergePullRequestAsync(url, TestTimeouts.Token()));

        Assert.Contains($"Pull request {Repo}#11 is closed", error.Message);
        Assert.Contains("exit 1", error.Message);
    }

    [Fact]
    public async Task AnyCall_Unauthenticated_SaysToRunGhAuthLogin()
    {
        _gh.AddIssue(Repo, 16, "locked out", "");
        _gh.Authenticated = false;

        var error = await Assert.ThrowsAsync<GitHubException>(() => _cli.CommentAsync(Repo, 16, "hello", TestTimeouts.Token()));

        Assert.StartsWith($"gh is not authenticated, so it cannot comment on issue {Repo}#16: run `gh auth login` (or set GH_TOKEN", error.Message);
        Assert.Contains("To get started with GitHub CLI", error.Message);
        Assert.Empty(_gh.Comments(Repo, 16));
    }

    [Fact]
    public async Task AnyCall_GhNotInstalled_SaysHowToInstallIt()
    {
        var cli = new GitHubCli(Path.Combine(_temp.Path, "no-such-gh"), _temp.Path);

        var error = await Assert.ThrowsAsync<GitHubException>(() => cli.GetIssueAsync(Repo, 1, TestTimeouts.Token()));

        Assert.Contains("is not installed or not on PATH: install it from https://cli.github.com, then run `gh auth login`", error.Message);
    }

    [Fact]
    public async Task AnyCall_GhHangs_IsStoppedAtTheTimeout()
    {
        var bin = new FakeBin(Path.Combine(_temp.Path, "hanging"));
        var cli = new GitHubCli(bin.Write("gh", "#!/bin/sh\nexec sleep 60\n"), _temp.Path, TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<GitHubException>(() => cli.GetIssueAsync(Repo, 1, TestTimeouts.Token()));

        Assert.StartsWith($"gh did not answer within 0.3 s when asked to read issue {Repo}#1", error.Message);
    }

    [Fact]
    public async Task FailNext_TwoCalls_FailWithTheMessageThenTheThirdWorks()
    {
        _gh.AddIssue(Repo, 17, "flaky", "");
        _gh.FailNext("issue comment", 2);

        var first = await Assert.ThrowsAsync<GitHubException>(() => _cli.CommentAsync(Repo, 17, "try", TestTimeouts.Token()));
        await Assert.ThrowsAsync<GitHubException>(() => _cli.CommentAsync(Repo, 17, "try", TestTimeouts.Token()));
        await _cli.CommentAsync(Repo, 17, "try", TestTimeouts.Token());

        Assert.Equal($"gh could not comment on issue {Repo}#17 (exit 1): {FakeGitHub.DefaultFailure}", first.Message);
        Assert.Equal(["try"], _gh.Comments(Repo, 17));
        Assert.Equal(3, _gh.CallsOf("issue comment").Count);
    }

    [Fact]
    public async Task FakeGh_PrCreate_NewNumberPerBranchAndAlreadyExistsForAnOpenOne()
    {
        string[] Create(string branch) => ["pr", "create", "--head", branch, "--base", "main", "--title", "t", "--body", "b"];

        var first = await ExternalCommand.RunOrNullAsync(_gh.Path, Create("baton/a"), _temp.Path, TestTimeouts.Token());
        var second = await ExternalCommand.RunOrNullAsync(_gh.Path, Create("baton/b"), _temp.Path, TestTimeouts.Token());
        var again = await ExternalCommand.RunOrNullAsync(_gh.Path, Create("baton/a"), _temp.Path, TestTimeouts.Token());

        Assert.Equal($"https://github.com/{FakeGitHub.DefaultRepository}/pull/100\n", first!.Stdout);
        Assert.Equal($"https://github.com/{FakeGitHub.DefaultRepository}/pull/101\n", second!.Stdout);
        Assert.Equal(1, again!.ExitCode);
        Assert.Equal($"a pull request for branch \"baton/a\" into branch \"main\" already exists:\nhttps://github.com/{FakeGitHub.DefaultRepository}/pull/100\n", again.Stderr);
        Assert.Equal(["baton/a", "baton/b"], _gh.PullRequests.Select(p => p.Branch));

        // Once merged, the branch may open a new PR.
        _gh.SetPrState($"https://github.com/{FakeGitHub.DefaultRepository}/pull/100", PullRequestState.Merged);
        var reopened = await ExternalCommand.RunOrNullAsync(_gh.Path, Create("baton/a"), _temp.Path, TestTimeouts.Token());
        Assert.Equal($"https://github.com/{FakeGitHub.DefaultRepository}/pull/102\n", reopened!.Stdout);
    }
}
