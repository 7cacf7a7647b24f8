using Baton.Mcp.Hosting;
using Baton.Mcp.Tests.InMemory;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.Process;

/// <summary>The built <c>baton mcp</c> as a real process, driven over stdio by the SDK's client.</summary>
public sealed class McpProcessTests : IDisposable
{
    private readonly ProcessWorld _world = new();

    public void Dispose() => _world.Dispose();

    private static CancellationToken Ct => TestTimeouts.Token();

    [Fact]
    public async Task ListTools_DefaultSet_EveryToolWithEveryParameterDescribed()
    {
        await using var client = await _world.StartMcpAsync();

        var tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal("baton", client.ServerInfo?.Name);
        Assert.Equal(BatonMcpServer.AllTools.Order(), tools.Select(t => t.Name).Order());
        Schemas.AssertEveryParameterDescribed(tools.Select(t => (t.Name, (string?)t.Description, t.JsonSchema)));
    }

    [Fact]
    public async Task Start_NegotiatesThroughInitialize_NeverThroughTheTimedDiscoverProbe()
    {
        // 2026-07-28 would mean server/discover answered in time, which a cold start on a loaded machine does not
        // always do: see ProcessWorld.ClientOptions.
        await using var client = await _world.StartMcpAsync();

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
    }

    [Fact]
    public async Task ListTools_ToolsCore_OnlyTheCoreTools()
    {
        await using var client = await _world.StartMcpAsync(null, "--tools", "core");

        var tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(BatonMcpServer.CoreTools.Order(), tools.Select(t => t.Name).Order());
    }

    [Fact]
    public async Task SodHandoffSod_LocalMode_TheSecondSodShowsTheHandoff()
    {
        await SodHandoffSodAsync(null);
        Assert.True(File.Exists(Path.Combine(_world.DataDir, "baton.db")), "local mode writes the store in the data directory");
    }

    [Fact]
    public async Task SodHandoffSod_ServerMode_TheSecondSodShowsTheHandoff()
    {
        await using var server = await _world.StartServeAsync();
        var environment = new Dictionary<string, string> { ["BATON_URL"] = server.BaseAddress.ToString(), ["BATON_KEY"] = server.ReadAdminKey() };

        var briefing = await SodHandoffSodAsync(environment);

        Assert.Contains(server.BaseAddress.Authority, briefing);
    }

    [Fact]
    public async Task Sod_ServerModeWithoutKey_ErrorNamesTheVariableAndLaunch()
    {
        await using var server = await _world.StartServeAsync();
        await using var client = await _world.StartMcpAsync(new Dictionary<string, string> { ["BATON_URL"] = server.BaseAddress.ToString() });

        var result = (await client.CallToolAsync("sod", cancellationToken: Ct)).Failed();

        Assert.Contains("BATON_KEY", result.Text());
        Assert.Contains("baton launch", result.Text());
    }

    [Fact]
    public async Task Sod_InATmuxPane_TheDefaultAgentNamesThePane()
    {
        await using var client = await _world.StartMcpAsync(new Dictionary<string, string> { ["TMUX_PANE"] = "%7" });

        var sod = (await client.CallToolAsync("sod", cancellationToken: Ct)).Ok();

        var agent = sod.Data().GetProperty("sod").GetProperty("session").GetProperty("agent").GetString();
        Assert.StartsWith("process-test-", agent);
        Assert.EndsWith("-tmux-7", agent);
    }

    [Fact]
    public async Task Status_FakeGhFirstOnPath_IsCalledWithTheRepoFromGit()
    {
        _world.Gh.Issues = "[" + FakeGh.Issue(5, "Flaky test", "P2", "status:ready") + "]";
        await using var client = await _world.StartMcpAsync();

        var result = (await client.CallToolAsync("status", cancellationToken: Ct)).Ok();

        Assert.Contains("#5 Flaky test", result.Text());
        Assert.Contains(_world.Gh.Calls, c => c.Contains("example-org/alpha-console"));
    }

    [Fact]
    public async Task Sod_VenturesFileFixedAfterAFailedCall_TheNextCallOpensTheStore()
    {
        var venturesFile = Path.Combine(_world.DataDir, "ventures.json");
        File.WriteAllText(venturesFile, """{ "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repo": ["alpha-console"] } ] }""");
        await using var client = await _world.StartMcpAsync();

        var failed = (await client.CallToolAsync("sod", cancellationToken: Ct)).Failed();
        Assert.Contains("did you mean \"repos\"", failed.Text());
        File.WriteAllText(venturesFile, ProcessWorld.VenturesJson);
        var sod = (await client.CallToolAsync("sod", cancellationToken: Ct)).Ok();

        Assert.Equal("alpha", sod.Data().GetProperty("sod").GetProperty("session").GetProperty("venture").GetString());
    }

    [Fact]
    public async Task Sod_DataDirectoryCannotBeCreated_ErrorIsTheStoresOwnReasonWithItsCode()
    {
        var blocker = Path.Combine(_world.Repo.Root, "not-a-directory");
        File.WriteAllText(blocker, "a file where the data directory's parent should be");
        await using var client = await _world.StartMcpAsync(new Dictionary<string, string> { ["BATON_DATA_DIR"] = Path.Combine(blocker, "baton") });

        var result = (await client.CallToolAsync("sod", cancellationToken: Ct)).Failed();

        Assert.Contains("storage_unavailable", result.Text());
        Assert.Contains($"The data directory {Path.Combine(blocker, "baton")} cannot be created", result.Text());
    }

    private async Task<string> SodHandoffSodAsync(IReadOnlyDictionary<string, string>? environment)
    {
        string firstSession;
        await using (var client = await _world.StartMcpAsync(environment))
        {
            var sod = (await client.CallToolAsync("sod", cancellationToken: Ct)).Ok();
            firstSession = sod.Data().GetProperty("sod").GetProperty("session").GetProperty("id").GetString()!;
            (await client.CallToolAsync("handoff", new Dictionary<string, object?>
            {
                ["summary"] = "Parser rewritten; two edge cases left",
                ["status"] = "in_progress",
                ["next_steps"] = new[] { "handle empty input" },
                ["end_session"] = true,
            }, cancellationToken: Ct)).Ok();
        }

        // A new process, as the next agent session would start it.
        await using var next = await _world.StartMcpAsync(environment);
        var again = (await next.CallToolAsync("sod", cancellationToken: Ct)).Ok();
        var data = again.Data().GetProperty("sod");
        Assert.NotEqual(firstSession, data.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal("Parser rewritten; two edge cases left", data.GetProperty("last_handoff").GetProperty("summary").GetString());
        Assert.Contains("handle empty input", again.Text());
        return again.Text();
    }
}
