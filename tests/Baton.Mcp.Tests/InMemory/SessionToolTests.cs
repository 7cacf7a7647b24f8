using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary>sod, handoff, heartbeat and context over an in-memory MCP connection and a real SQLite store.</summary>
public sealed class SessionToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task Sod_InRegisteredRepo_StartsSessionWithVentureBranchAndCommitFromGit()
    {
        var result = (await _mcp.CallAsync("sod")).Ok();

        var session = result.Data().GetProperty("sod").GetProperty("session");
        Assert.Equal("alpha", session.GetProperty("venture").GetString());
        Assert.Equal("example-org/alpha-console", session.GetProperty("repo").GetString());
        Assert.Equal("main", session.GetProperty("branch").GetString());
        Assert.Equal(_mcp.Repo.Head, session.GetProperty("commit_sha").GetString());
        Assert.Equal("test-cli-testhost", session.GetProperty("agent").GetString());
        Assert.Equal("test-cli", session.GetProperty("cli").GetString());
        Assert.False(result.Data().GetProperty("sod").GetProperty("resumed").GetBoolean());
        Assert.Contains("Project Alpha", result.Text());
        Assert.Contains("All GitHub issues this session target", result.Text());
    }

    [Fact]
    public async Task Sod_Twice_ResumesTheSameSession()
    {
        var first = (await _mcp.CallAsync("sod")).Ok().Data().GetProperty("sod");
        var second = (await _mcp.CallAsync("sod")).Ok().Data().GetProperty("sod");

        Assert.Equal(first.GetProperty("session").GetProperty("id").GetString(), second.GetProperty("session").GetProperty("id").GetString());
        Assert.True(second.GetProperty("resumed").GetBoolean());
    }

    // SOD never heals docs (decision 0009): it reports the audit, and healing is the explicit `doc_audit` call.
    [Fact]
    public async Task Sod_MissingDocWithSourcesInTheRepo_ReportsItAndUploadsNothingUntilDocAuditHeals()
    {
        _mcp.Repo.Commit("AGENTS.md", "# Agent rules\n\nRun `make test` before every commit.\n");

        var sod = (await _mcp.CallAsync("sod")).Ok();
        var before = (await _mcp.CallAsync("doc", new { scope = "alpha", name = "alpha-project-instructions.md" })).Failed();
        (await _mcp.CallAsync("doc_audit", new { venture = "alpha" })).Ok();
        var doc = (await _mcp.CallAsync("doc", new { scope = "alpha", name = "alpha-project-instructions.md" })).Ok();

        Assert.Contains("- missing: alpha/alpha-project-instructions.md — can be generated", sod.Text());
        Assert.False(sod.Data().TryGetProperty("doc_healing", out _));
        Assert.Contains("alpha-project-instructions.md", before.Text());
        Assert.Contains("Run `make test` before every commit.", doc.Text());
        Assert.True(doc.Data().GetProperty("generated").GetBoolean());
    }

    [Fact]
    public async Task DocAudit_NothingToGenerateFrom_ReportsWhyTheDocWasNotHealed()
    {
        File.Delete(Path.Combine(_mcp.Repo.Path, "README.md"));

        var audit = (await _mcp.CallAsync("doc_audit", new { venture = "alpha" })).Ok();

        Assert.Contains("not healed `alpha/alpha-project-instructions.md`", audit.Text());
        Assert.Contains("no source had content", audit.Text());
    }

    [Fact]
    public async Task Heartbeat_BeforeSod_ErrorSaysToCallSodFirst()
    {
        var result = (await _mcp.CallAsync("heartbeat")).Failed();

        Assert.Contains("call the `sod` tool first", result.Text());
        Assert.Equal(McpErrorCodes.NoSession, result.Data().GetProperty("error").GetString());
    }

    [Fact]
    public async Task Heartbeat_AfterSod_RefreshesTheSessionAndSaysWhenTheNextIsDue()
    {
        await _mcp.CallAsync("sod");
        _mcp.Clock.Advance(TimeSpan.FromMinutes(10));

        var result = (await _mcp.CallAsync("heartbeat")).Ok();

        var lastHeartbeat = result.Data().GetProperty("session").GetProperty("last_heartbeat_at").GetString();
        Assert.Equal("2026-11-20T09:10:00.000Z", lastHeartbeat);
        Assert.Contains("Next one due by", result.Text());
    }

    [Fact]
    public async Task Handoff_WithEndSession_EndsTheSessionAndTheNextSodShowsTheHandoff()
    {
        var first = (await _mcp.CallAsync("sod")).Ok().Data().GetProperty("sod").GetProperty("session").GetProperty("id").GetString();

        var handoff = (await _mcp.CallAsync("handoff", new
        {
            summary = "Login form validated; API wiring half done",
            status = "in_progress",
            accomplished = new[] { "form validation" },
            next_steps = new[] { "wire POST /login" },
            success_criteria = new[] { "make test passes" },
            end_session = true,
        })).Ok();
        var next = (await _mcp.CallAsync("sod")).Ok();

        Assert.True(handoff.Data().GetProperty("session_ended").GetBoolean());
        Assert.Equal("ended", handoff.Data().GetProperty("session").GetProperty("status").GetString());
        var sod = next.Data().GetProperty("sod");
        Assert.NotEqual(first, sod.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal("Login form validated; API wiring half done", sod.GetProperty("last_handoff").GetProperty("summary").GetString());
        Assert.Contains("wire POST /login", next.Text());
    }

    [Fact]
    public async Task Handoff_EndSession_ForgetsTheSessionSoHeartbeatAsksForSod()
    {
        await _mcp.CallAsync("sod");
        (await _mcp.CallAsync("handoff", new { summary = "done", status = "done", end_session = true })).Ok();

        var heartbeat = (await _mcp.CallAsync("heartbeat")).Failed();

        Assert.Contains("`sod`", heartbeat.Text());
    }

    [Fact]
    public async Task Handoff_ToAnotherVenture_ShowsInThatVenturesNextSod()
    {
        await _mcp.CallAsync("sod");

        var handoff = (await _mcp.CallAsync("handoff", new { summary = "beta's web rejects our tokens", status = "blocked", target_venture = "beta" })).Ok();
        var betaSod = await _mcp.Services.Sessions.SodAsync(new SodRequest("bob", "beta", "example-org/beta-web"), TestTimeouts.Token());

        Assert.Equal("beta", handoff.Data().GetProperty("venture").GetString());
        Assert.False(handoff.Data().GetProperty("session_ended").GetBoolean());
        Assert.Equal(1, betaSod.AddressedHandoffs.Total);
        Assert.Equal("beta's web rejects our tokens", betaSod.AddressedHandoffs.Items[0].Summary);
    }

    [Fact]
    public async Task Handoff_BadStatus_IsRefusedBeforeAnythingIsWritten()
    {
        await _mcp.CallAsync("sod");

        var result = (await _mcp.CallAsync("handoff", new { summary = "x", status = "finished" })).Failed();
        var handoffs = await _mcp.Services.Handoffs.ListHandoffsAsync(new HandoffListRequest("alpha"), TestTimeouts.Token());

        Assert.Contains("use done, in_progress or blocked", result.Text());
        Assert.Equal(0, handoffs.Total);
    }

    [Fact]
    public async Task Handoff_CrossVentureWithEndSession_IsRefusedWithTheOrderToFollow()
    {
        await _mcp.CallAsync("sod");

        var result = (await _mcp.CallAsync("handoff", new { summary = "x", status = "done", target_venture = "beta", end_session = true })).Failed();

        Assert.Contains("record it first", result.Text());
    }

    [Fact]
    public async Task Context_AnotherAgentActive_ListsItWithAnHonestCountWithoutTheCaller()
    {
        await _mcp.CallAsync("sod");
        await _mcp.Services.Sessions.SodAsync(new SodRequest("bob", "alpha", "example-org/alpha-api", Branch: "fix/x"), TestTimeouts.Token());

        var result = (await _mcp.CallAsync("context")).Ok();

        var others = result.Data().GetProperty("other_active");
        Assert.Equal(1, others.GetArrayLength());
        Assert.Equal("bob", others[0].GetProperty("agent").GetString());
        Assert.Equal("1", result.Data().GetProperty("other_active_count").GetString());
        Assert.Contains("branch `main`", result.Text());
    }

    [Fact]
    public async Task Context_BeforeSod_SaysThereIsNoSessionYetButShowsTheRepo()
    {
        var result = (await _mcp.CallAsync("context")).Ok();

        Assert.Contains("call `sod`", result.Text());
        Assert.Equal("example-org/alpha-console", result.Data().GetProperty("repo").GetProperty("repo").GetString());
    }
}

/// <summary>sod where git cannot say which repo or venture this is.</summary>
public sealed class SodResolutionTests
{
    [Fact]
    public async Task Sod_RepoWithoutRemote_ErrorSaysHowToAddOneOrWhatToPass()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(originUrl: null));

        var result = (await mcp.CallAsync("sod")).Failed();

        Assert.Equal(McpErrorCodes.NoRepository, result.Data().GetProperty("error").GetString());
        Assert.Contains("git remote add origin", result.Text());
        Assert.Contains("pass `repo`", result.Text());
    }

    [Fact]
    public async Task Sod_RepoWithoutRemoteButRepoAndVentureGiven_Starts()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(originUrl: null));

        var result = (await mcp.CallAsync("sod", new { repo = "example-org/alpha-console", venture = "alpha" })).Ok();

        Assert.Equal("alpha", result.Data().GetProperty("sod").GetProperty("session").GetProperty("venture").GetString());
    }

    [Fact]
    public async Task Sod_RepoNoVentureOwns_ErrorListsKnownVenturesAndTheFix()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create("git@github.com:other-org/tool.git", "tool"));

        var result = (await mcp.CallAsync("sod")).Failed();

        Assert.Equal("venture_not_found", result.Data().GetProperty("error").GetString());
        Assert.Contains("alpha, beta", result.Text());
        Assert.Contains("Pass `venture`", result.Text());
    }

    [Fact]
    public async Task Sod_DetachedHead_RecordsNoBranchButTheCommit()
    {
        var repo = TempGitRepo.Create();
        repo.Git("checkout", "-q", "--detach");
        await using var mcp = await McpHarness.StartAsync(repo);

        var session = (await mcp.CallAsync("sod")).Ok().Data().GetProperty("sod").GetProperty("session");

        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("branch").ValueKind);
        Assert.Equal(repo.Head, session.GetProperty("commit_sha").GetString());
    }
}
