using System.Text.Json;

namespace Baton.Cli.Tests.Process;

/// <summary>The built <c>baton</c> in local mode: no BATON_URL, the SQLite store in the default data directory.</summary>
public sealed class LocalModeTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Sod_Twice_ResumesTheSameSessionFoundFromTheGitRemote()
    {
        var first = await _workspace.RunAsync("sod", "--agent", "alice");
        var second = await _workspace.RunAsync("sod", "--agent", "alice", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("# Project Alpha (alpha)", first.Out);
        Assert.Contains("example-org/alpha-console", first.Out);
        Assert.Contains("local: " + Path.Combine(_workspace.DataDir, "baton.db"), first.Out);
        Assert.Contains("started", first.Out);
        Assert.True(second.ExitCode == 0, second.ToString());
        using var json = JsonDocument.Parse(second.Out);
        Assert.True(json.RootElement.GetProperty("resumed").GetBoolean());
        var id = json.RootElement.GetProperty("session").GetProperty("id").GetString()!;
        Assert.Contains(id, first.Out);
        Assert.Equal("alice", json.RootElement.GetProperty("session").GetProperty("agent").GetString());
    }

    [Fact]
    public async Task Sod_TwoTmuxPanesWithoutAgent_AreTwoAgentsEachResumingItsOwnSession()
    {
        async Task<(string Agent, string Session)> SodInPane(string pane)
        {
            var result = await _workspace.RunWithAsync(new Dictionary<string, string> { ["TMUX_PANE"] = pane }, "sod", "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = JsonDocument.Parse(result.Out);
            var session = json.RootElement.GetProperty("session");
            return (session.GetProperty("agent").GetString()!, session.GetProperty("id").GetString()!);
        }

        var first = await SodInPane("%1");
        var second = await SodInPane("%2");
        var firstAgain = await SodInPane("%1");

        Assert.EndsWith("-tmux-1", first.Agent);
        Assert.NotEqual(first.Agent, second.Agent);
        Assert.NotEqual(first.Session, second.Session);
        Assert.Equal(first, firstAgain);
    }

    [Fact]
    public async Task Sod_InACommittedWorkingTree_RecordsItsBranchAndHeadCommit()
    {
        File.WriteAllText(Path.Combine(_workspace.Repo, "README.md"), "# alpha\n");
        _workspace.Git("checkout", "-q", "-b", "feature/login");
        _workspace.Git("add", "README.md");
        _workspace.Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        var head = _workspace.Git("rev-parse", "HEAD").Trim();

        var sod = await _workspace.RunAsync("sod", "--agent", "alice", "--json");

        Assert.True(sod.ExitCode == 0, sod.ToString());
        using var json = JsonDocument.Parse(sod.Out);
        var session = json.RootElement.GetProperty("session");
        Assert.Equal("feature/login", session.GetProperty("branch").GetString());
        Assert.Equal(head, session.GetProperty("commit_sha").GetString());
    }

    [Fact]
    public async Task Eod_WithoutSessionId_EndsTheRememberedSessionAndTheNextSodShowsTheHandoff()
    {
        var sod = await _workspace.RunAsync("sod", "--agent", "alice");
        var heartbeat = await _workspace.RunAsync("heartbeat", "--agent", "alice");
        var update = await _workspace.RunAsync("update", "--agent", "alice", "--branch", "feature/login", "--issue", "7");
        var eod = await _workspace.RunAsync("eod", "--agent", "alice", "--summary", "Login form half done", "--status", "in_progress",
            "--accomplished", "form layout", "--next", "wire the API", "--next", "add tests");
        var again = await _workspace.RunAsync("eod", "--agent", "alice", "--summary", "Login form half done", "--status", "in_progress",
            "--accomplished", "form layout", "--next", "wire the API", "--next", "add tests");
        var next = await _workspace.RunAsync("sod", "--agent", "alice");

        Assert.True(sod.ExitCode == 0, sod.ToString());
        Assert.True(heartbeat.ExitCode == 0, heartbeat.ToString());
        Assert.Contains("Next heartbeat by", heartbeat.Out);
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains("branch feature/login", update.Out);
        Assert.True(eod.ExitCode == 0, eod.ToString());
        Assert.Contains("ended", eod.Out);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(HandoffIdIn(eod.Out), HandoffIdIn(again.Out));
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("Login form half done", next.Out);
        Assert.Contains("wire the API", next.Out);
        Assert.Contains(HandoffIdIn(eod.Out), next.Out);
    }

    [Fact]
    public async Task Eod_AgainWithADifferentSummary_ExitsOneNamingTheFirstHandoffAndBatonHandoff()
    {
        await _workspace.RunAsync("sod", "--agent", "alice");
        var eod = await _workspace.RunAsync("eod", "--agent", "alice", "--summary", "Login form half done", "--status", "in_progress");

        var other = await _workspace.RunAsync("eod", "--agent", "alice", "--summary", "Also fixed the header", "--status", "done");

        Assert.True(eod.ExitCode == 0, eod.ToString());
        Assert.True(other.ExitCode == 1, other.ToString());
        Assert.Contains("session_already_ended", other.Error);
        Assert.Contains(HandoffIdIn(eod.Out), other.Error);
        Assert.Contains("baton handoff", other.Error);
    }

    [Fact]
    public async Task SessionsAndHandoffs_AfterWork_ListWithHonestTotalsAndParseAsJson()
    {
        await _workspace.RunAsync("sod", "--agent", "alice");
        await _workspace.RunAsync("sod", "--agent", "bob");
        await _workspace.RunAsync("sod", "--agent", "carol");
        for (var i = 0; i < 3; i++)
        {
            var handoff = await _workspace.RunAsync("handoff", "--agent", "alice", "--summary", $"note {i}", "--status", "done");
            Assert.True(handoff.ExitCode == 0, handoff.ToString());
        }

        var sessions = await _workspace.RunAsync("sessions", "--limit", "2");
        var handoffs = await _workspace.RunAsync("handoffs", "--venture", "alpha");
        var handoffsJson = await _workspace.RunAsync("handoffs", "--json", "--limit", "1");

        Assert.True(sessions.ExitCode == 0, sessions.ToString());
        Assert.Contains("showing 2 of 3 sessions", sessions.Out);
        Assert.Contains("AGENT", sessions.Out);
        Assert.Contains("3 handoffs", handoffs.Out);
        Assert.Contains("note 2", handoffs.Out);
        using var json = JsonDocument.Parse(handoffsJson.Out);
        Assert.Equal(3, json.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("items").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, json.RootElement.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task Ventures_ListAndShow_ComeFromTheVenturesFile()
    {
        var list = await _workspace.RunAsync("ventures");
        var show = await _workspace.RunAsync("ventures", "show", "beta", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("Project Alpha", list.Out);
        Assert.Contains("2 ventures", list.Out);
        using var json = JsonDocument.Parse(show.Out);
        Assert.Equal("beta-web", json.RootElement.GetProperty("repos")[0].GetString());
    }

    [Fact]
    public async Task Sod_UnknownVenture_ExitsOneNamingTheKnownCodes()
    {
        var result = await _workspace.RunAsync("sod", "--agent", "alice", "--venture", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("alpha", result.Error);
        Assert.Contains("beta", result.Error);
        Assert.Contains("venture_not_found", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task AnyVerb_BadConfiguration_ExitsTwoListingEveryProblemBeforeDoingAnything()
    {
        var result = await _workspace.RunWithAsync(new Dictionary<string, string>
        {
            ["BATON_STALE_MINUTES"] = "soon",
            ["BATON_STORE"] = "mysql",
            ["BATON_LISTEN"] = "nowhere",
        }, "sod", "--agent", "alice");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("3 problems", result.Error);
        Assert.Contains("BATON_STALE_MINUTES", result.Error);
        Assert.Contains("BATON_STORE", result.Error);
        Assert.Contains("BATON_LISTEN", result.Error);
        Assert.False(File.Exists(Path.Combine(_workspace.DataDir, "baton.db")), "nothing may run on a bad configuration");
    }

    [Fact]
    public async Task Eod_MissingRequiredOptions_IsAUsageErrorExitingTwo()
    {
        var result = await _workspace.RunAsync("eod", "--agent", "alice");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--summary", result.Error);
    }

    [Fact]
    public async Task Heartbeat_NoSodYet_ExitsTwoSayingToRunSod()
    {
        var result = await _workspace.RunAsync("heartbeat", "--agent", "nobody");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("baton sod", result.Error);
    }

    [Fact]
    public async Task Help_ForSessionVerbs_SaysWhereTheSessionIdIsRemembered()
    {
        var result = await _workspace.RunAsync("heartbeat", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("cli-sessions.json", result.Out);
    }

    private static string HandoffIdIn(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"ho_[0-9A-Z]{26}");
        Assert.True(match.Success, "no handoff id in:\n" + output);
        return match.Value;
    }
}
