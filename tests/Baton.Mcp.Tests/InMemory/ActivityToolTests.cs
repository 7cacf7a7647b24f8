using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary><c>waiting</c>: the sessions whose agent waits for a human, with how long and why.</summary>
public sealed class ActivityToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task Waiting_AfterAPeerHitAPermissionPrompt_ListsItAndMarksNoneAsThisSession()
    {
        var sod = (await _mcp.CallAsync("sod", new { agent = "claude-laptop" })).Ok();
        var peer = await _mcp.Services.Sessions.SodAsync(new Baton.Core.Sessions.SodRequest("gemini-desk", "alpha", "example-org/alpha-console", "docs"), TestTimeouts.Token());
        await _mcp.Services.Activity.RecordEventsAsync(new RecordEventsRequest(
        [
            new HookEventInput(new IdGenerator(TimeProvider.System).New(IdGenerator.Event), HookCli.Gemini, "Notification", _mcp.Clock.GetUtcNow(),
                SessionId: peer.Session.Id, Payload: new JsonObject { ["notification_type"] = "ToolPermission", ["message"] = "Allow run_shell_command?" }),
        ]), TestTimeouts.Token());

        var waiting = (await _mcp.CallAsync("waiting", new { })).Ok();

        Assert.Equal(1, waiting.Data().GetProperty("total").GetInt64());
        Assert.Contains("## Waiting for a human in alpha (1)", waiting.Text());
        Assert.Contains("gemini-desk · waiting 0 s (ToolPermission)", waiting.Text());
        Assert.Contains("Allow run_shell_command?", waiting.Text());
        Assert.DoesNotContain("(this session)", waiting.Text());
        Assert.NotEqual(peer.Session.Id, sod.Data().GetProperty("sod").GetProperty("session").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Waiting_NobodyWaits_SaysSo()
    {
        var waiting = (await _mcp.CallAsync("waiting", new { venture = "alpha" })).Ok();

        Assert.Equal(0, waiting.Data().GetProperty("total").GetInt64());
        Assert.Contains("Nobody is waiting.", waiting.Text());
    }
}
