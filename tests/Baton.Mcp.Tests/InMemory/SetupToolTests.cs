using System.Text.Json;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

public sealed class SetupToolTests
{
    private static Dictionary<string, (string Status, string Detail, string? Fix)> Checks(JsonElement data) =>
        data.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("detail").GetString()!, c.GetProperty("fix").GetString()));

    [Fact]
    public async Task Preflight_LocalModeInRegisteredRepo_PassesTheBasicsAndWarnsWithFixesForGhAndPlan()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());
        mcp.Gh.Authenticated = false;

        var result = (await mcp.CallAsync("preflight")).Ok();

        var checks = Checks(result.Data());
        Assert.Equal("pass", checks["key"].Status);
        Assert.Equal("pass", checks["backend"].Status);
        Assert.Equal("pass", checks["git"].Status);
        Assert.Equal("pass", checks["venture"].Status);
        Assert.Equal("warn", checks["gh"].Status);
        Assert.Contains("gh auth login", checks["gh"].Fix);
        Assert.Equal("warn", checks["weekly_plan"].Status);
        Assert.Contains("docs/planning/WEEKLY_PLAN.md", checks["weekly_plan"].Fix);
        Assert.Contains("**WARN** gh", result.Text());
    }

    [Fact]
    public async Task Preflight_EverythingInPlace_AllPass()
    {
        var repo = TempGitRepo.Create();
        repo.Write("docs/planning/WEEKLY_PLAN.md", "## Current priority\n- Ship MCP\n");
        File.SetLastWriteTimeUtc(Path.Combine(repo.Path, "docs/planning/WEEKLY_PLAN.md"), McpHarness.Start.AddDays(-1).UtcDateTime);
        await using var mcp = await McpHarness.StartAsync(repo);

        var result = (await mcp.CallAsync("preflight")).Ok();

        Assert.Equal(6, result.Data().GetProperty("passed").GetInt32());
        Assert.Equal(0, result.Data().GetProperty("failures").GetInt32());
        Assert.Contains("Ship MCP", Checks(result.Data())["weekly_plan"].Detail);
    }

    [Fact]
    public async Task Preflight_ServerModeWithoutKey_FailsTheKeyCheckNamingTheVariable()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(),
            backend: b => b with { Mode = BackendMode.Server, Label = "http://127.0.0.1:8765/", KeyConfigured = false });

        var checks = Checks((await mcp.CallAsync("preflight")).Ok().Data());

        Assert.Equal("fail", checks["key"].Status);
        Assert.Contains("BATON_KEY", checks["key"].Fix);
        Assert.Contains("baton launch", checks["key"].Fix);
    }

    [Fact]
    public async Task Preflight_RepoWithoutRemote_FailsGitAndSkipsVenture()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(originUrl: null));

        var checks = Checks((await mcp.CallAsync("preflight")).Ok().Data());

        Assert.Equal("fail", checks["git"].Status);
        Assert.Contains("no remote", checks["git"].Detail);
        Assert.Equal("warn", checks["venture"].Status);
    }

    [Fact]
    public async Task Ventures_OneRepoClonedUnderARoot_SaysWhereAndTheOthersAreNot()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());

        var result = (await mcp.CallAsync("ventures")).Ok();

        var alpha = result.Data().GetProperty("ventures").EnumerateArray().Single(v => v.GetProperty("venture").GetProperty("code").GetString() == "alpha");
        var repos = alpha.GetProperty("repos").EnumerateArray().ToDictionary(r => r.GetProperty("repo").GetString()!, r => r.GetProperty("local_path").GetString());
        Assert.Equal(mcp.Repo.Path, repos["example-org/alpha-console"]);
        Assert.Null(repos["example-org/alpha-api"]);
        Assert.Contains("example-org/alpha-api: not cloned locally", result.Text());
    }

    [Fact]
    public async Task Plan_OlderThanSevenDays_GivesThePriorityAndSaysStale()
    {
        var repo = TempGitRepo.Create();
        repo.Write("docs/planning/WEEKLY_PLAN.md", "# Week 46\n## Priorities\n1. Migrate billing\n");
        File.SetLastWriteTimeUtc(Path.Combine(repo.Path, "docs/planning/WEEKLY_PLAN.md"), McpHarness.Start.AddDays(-10).UtcDateTime);
        await using var mcp = await McpHarness.StartAsync(repo);

        var result = (await mcp.CallAsync("plan")).Ok();

        Assert.Equal("Migrate billing", result.Data().GetProperty("current_priority").GetString());
        Assert.True(result.Data().GetProperty("stale").GetBoolean());
        Assert.Contains("**Stale**", result.Text());
    }

    [Fact]
    public async Task Plan_Missing_ErrorSaysWhatToCreate()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());

        var result = (await mcp.CallAsync("plan")).Failed();

        Assert.Contains("Current priority", result.Text());
    }
}
