using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary>status and create_issue against a fake gh that records its arguments.</summary>
public sealed class GitHubToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task Status_FullPage_GroupsByPriorityAndStatusAndCountsHonestlyFromTheSearchApi()
    {
        _mcp.Gh.Issues = "[" + string.Join(",",
            FakeGh.Issue(1, "Outage", "P0", "status:in-progress"),
            FakeGh.Issue(2, "Slow search", "priority:P1", "status:ready"),
            FakeGh.Issue(3, "Typo", "docs")) + "]";
        _mcp.Gh.Total = "143";

        var result = (await _mcp.CallAsync("status", new { limit = 3 })).Ok();

        Assert.Contains("showing 3 of 143", result.Text());
        Assert.Contains("gh api search/issues", result.Text());
        var data = result.Data();
        Assert.Equal(143, data.GetProperty("total").GetInt64());
        var priorities = data.GetProperty("by_priority").EnumerateArray().Select(g => (g.GetProperty("label").GetString(), g.GetProperty("issues").GetArrayLength())).ToList();
        Assert.Equal([("P0", 1), ("P1", 1), ("unlabelled", 1)], priorities);
        var statuses = data.GetProperty("by_status").EnumerateArray().Select(g => g.GetProperty("label").GetString()).ToList();
        Assert.Equal(["status:in-progress", "status:ready", "no status"], statuses);
        var list = _mcp.Gh.Calls.Single(c => c[0] == "issue");
        Assert.Equal(["issue", "list", "--repo", "example-org/alpha-console", "--state", "open", "--json", "number,title,labels,url", "--limit", "3"], list);
    }

    [Fact]
    public async Task Status_FewerIssuesThanTheLimit_TheListIsTheWholeAndNoSearchIsMade()
    {
        _mcp.Gh.Issues = "[" + FakeGh.Issue(7, "Only one", "P2") + "]";

        var result = (await _mcp.CallAsync("status")).Ok();

        Assert.Equal("1", result.Data().GetProperty("count").GetString());
        Assert.DoesNotContain(_mcp.Gh.Calls, c => c[0] == "api");
    }

    [Fact]
    public async Task Status_SearchApiFails_SaysTotalUnknownInsteadOfPretending()
    {
        _mcp.Gh.Issues = "[" + FakeGh.Issue(1, "a") + "," + FakeGh.Issue(2, "b") + "]";
        _mcp.Gh.Total = "rate limited";

        var result = (await _mcp.CallAsync("status", new { limit = 2 })).Ok();

        Assert.Contains("2 shown, total unknown", result.Text());
    }

    [Fact]
    public async Task Status_GhNotAuthenticated_SaysToRunGhAuthLogin()
    {
        _mcp.Gh.Authenticated = false;

        var result = (await _mcp.CallAsync("status")).Failed();

        Assert.Contains("gh auth login", result.Text());
        Assert.Equal(McpErrorCodes.GhFailed, result.Data().GetProperty("error").GetString());
    }

    [Fact]
    public async Task Status_GhMissing_SaysHowToInstallIt()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(), o => new BatonMcpOptions
        {
            WorkingDirectory = o.WorkingDirectory, HostName = o.HostName, GhCommand = "/nonexistent/gh",
        });

        var result = (await mcp.CallAsync("status")).Failed();

        Assert.Equal(McpErrorCodes.GhMissing, result.Data().GetProperty("error").GetString());
        Assert.Contains("https://cli.github.com", result.Text());
    }

    [Fact]
    public async Task CreateIssue_InAnotherVenturesRepo_IsRefusedWithBoundaryViolationAndGhNeverRuns()
    {
        await _mcp.CallAsync("sod");

        var result = (await _mcp.CallAsync("create_issue", new { title = "Beta's login is broken", repo = "example-org/beta-web" })).Failed();

        Assert.Equal("VENTURE_BOUNDARY_VIOLATION", result.Data().GetProperty("error").GetString());
        Assert.Contains("target_venture=\"beta\"", result.Text());
        Assert.Contains("cross-venture handoff", result.Text());
        Assert.Empty(_mcp.Gh.Calls);
    }

    [Fact]
    public async Task CreateIssue_InAnUnregisteredRepo_IsRefusedAndGhNeverRuns()
    {
        var result = (await _mcp.CallAsync("create_issue", new { title = "x", repo = "someone/else" })).Failed();

        Assert.Equal("VENTURE_BOUNDARY_VIOLATION", result.Data().GetProperty("error").GetString());
        Assert.Empty(_mcp.Gh.Calls);
    }

    [Fact]
    public async Task CreateIssue_InAnotherRepoOfTheSameVenture_RunsGhIssueCreate()
    {
        await _mcp.CallAsync("sod");

        var result = (await _mcp.CallAsync("create_issue", new { title = "Add rate limits", body = "Per key.", repo = "example-org/alpha-api", labels = new[] { "P1" } })).Ok();

        Assert.Equal("https://github.com/example-org/alpha-api/issues/101", result.Data().GetProperty("url").GetString());
        Assert.Equal(["issue", "create", "--repo", "example-org/alpha-api", "--title", "Add rate limits", "--body", "Per key.", "--label", "P1"], _mcp.Gh.Calls.Single());
    }
}
