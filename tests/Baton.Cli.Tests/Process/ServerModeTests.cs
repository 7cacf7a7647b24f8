using System.Text.Json;

namespace Baton.Cli.Tests.Process;

/// <summary><c>baton serve</c> as a process, and the verbs talking to it through BATON_URL and BATON_KEY.</summary>
public sealed class ServerModeTests : IAsyncLifetime
{
    private readonly Workspace _workspace = new();
    private ServeProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = await _workspace.StartServeAsync();
        _workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        _workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _workspace.Dispose();
    }

    [Fact]
    public void Serve_FreshDataDir_PrintsTheAdminKeyPathButNeverTheKey()
    {
        Assert.Equal(Path.Combine(_workspace.DataDir, "admin.key"), _server.AdminKeyPath);
        Assert.DoesNotContain(_server.ReadAdminKey(), _server.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.AdminKeyPath!));
        }
    }

    [Fact]
    public async Task Sod_TwoAgents_SeeEachOtherInTheBriefing()
    {
        var alice = await _workspace.RunAsync("sod", "--agent", "alice");
        var bob = await _workspace.RunAsync("sod", "--agent", "bob");
        var aliceAgain = await _workspace.RunAsync("sod", "--agent", "alice");

        Assert.True(alice.ExitCode == 0, alice.ToString());
        Assert.Contains(_server.BaseAddress.Authority, alice.Out);
        Assert.Contains("alice", bob.Out.Split("## Other active sessions")[1]);
        Assert.Contains("bob", aliceAgain.Out.Split("## Other active sessions")[1]);
        Assert.Contains("resumed", aliceAgain.Out);
    }

    [Fact]
    public async Task Handoff_ToAnotherVenture_ShowsInThatVenturesSod()
    {
        var handoff = await _workspace.RunAsync("handoff", "--agent", "alice", "--to-venture", "beta",
            "--summary", "beta's API rejects our tokens", "--status", "blocked");
        var betaSod = await _workspace.RunAsync("sod", "--agent", "bob", "--venture", "beta", "--repo", "example-org/beta-web", "--json");

        Assert.True(handoff.ExitCode == 0, handoff.ToString());
        using var json = JsonDocument.Parse(betaSod.Out);
        Assert.Equal(1, json.RootElement.GetProperty("addressed_handoffs").GetProperty("total").GetInt64());
        Assert.Contains("beta's API rejects our tokens", json.RootElement.GetProperty("briefing").GetString());
    }

    [Fact]
    public async Task Keys_CreateListRevoke_RevokedKeyIsRefusedAtOnce()
    {
        var create = await _workspace.RunAsync("keys", "create", "--role", "agent", "--name", "ci-bot", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        using var created = JsonDocument.Parse(create.Out);
        var id = created.RootElement.GetProperty("id").GetString()!;
        var key = created.RootElement.GetProperty("key").GetString()!;
        var asBot = new Dictionary<string, string>(_workspace.Environment) { ["BATON_KEY"] = key };

        var before = await _workspace.RunWithAsync(asBot, "sod", "--agent", "ci-bot");
        var list = await _workspace.RunAsync("keys", "list");
        var revoke = await _workspace.RunAsync("keys", "revoke", id);
        var after = await _workspace.RunWithAsync(asBot, "sod", "--agent", "ci-bot");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains("ci-bot", list.Out);
        Assert.DoesNotContain(key, list.Out);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("Revoked", revoke.Out);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("BATON_KEY", after.Error);
    }

    [Fact]
    public async Task AgentKey_AdminOnlyVerb_ExitsOneWithTheServersDetail()
    {
        var create = await _workspace.RunAsync("keys", "create", "--role", "agent", "--name", "limited", "--json");
        using var created = JsonDocument.Parse(create.Out);
        var asAgent = new Dictionary<string, string>(_workspace.Environment) { ["BATON_KEY"] = created.RootElement.GetProperty("key").GetString()! };

        var result = await _workspace.RunWithAsync(asAgent, "keys", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("forbidden", result.Error);
    }

    [Fact]
    public async Task AnyVerb_ServerNotRunning_ExitsOneSayingWhatToCheck()
    {
        var gone = new Dictionary<string, string> { ["BATON_URL"] = "http://127.0.0.1:9", ["BATON_KEY"] = "x" };

        var result = await _workspace.RunWithAsync(gone, "sessions");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("127.0.0.1:9", result.Error);
        Assert.Contains("baton serve", result.Error);
    }

    [Fact]
    public async Task Serve_Sigterm_StopsCleanlyWithExitCodeZero()
    {
        await using var second = await _workspace.StartServeAsync("--data-dir", Path.Combine(_workspace.Root, "second"));

        second.Terminate();

        Assert.Equal(0, await second.WaitForExitAsync());
    }
}
