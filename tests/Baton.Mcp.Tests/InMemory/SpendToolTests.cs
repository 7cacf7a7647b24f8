using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary><c>spend</c>: the same sums as <c>baton spend</c>, the current session's venture by default.</summary>
public sealed class SpendToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    private async Task TurnEndsAsync(string sessionId, HookUsage usage, int secondsAgo)
    {
        await _mcp.Services.Activity.RecordEventsAsync(new RecordEventsRequest(
        [
            new HookEventInput(new IdGenerator(TimeProvider.System).New(IdGenerator.Event), HookCli.Claude, "Stop", _mcp.Clock.GetUtcNow().AddSeconds(-secondsAgo),
                NativeSessionId: "native-" + sessionId, SessionId: sessionId, Payload: new JsonObject(), Usage: usage),
        ]), TestTimeouts.Token());
    }

    [Fact]
    public async Task Spend_BySession_SumsTheCurrentVenturesLatestTranscriptReportsAndMarksThisSession()
    {
        var sod = (await _mcp.CallAsync("sod", new { agent = "claude-laptop" })).Ok();
        var mine = sod.Data().GetProperty("sod").GetProperty("session").GetProperty("id").GetString()!;
        var elsewhere = await _mcp.Services.Sessions.SodAsync(new Baton.Core.Sessions.SodRequest("gemini-desk", "beta", "example-org/beta-web", null), TestTimeouts.Token());
        await TurnEndsAsync(mine, new HookUsage(1_000, 100), 30);
        await TurnEndsAsync(mine, new HookUsage(12_000, 345), 10);
        await TurnEndsAsync(elsewhere.Session.Id, new HookUsage(5, 5), 10);

        var spend = (await _mcp.CallAsync("spend", new { by = "session" })).Ok();
        var all = (await _mcp.CallAsync("spend", new { venture = "all" })).Ok();

        Assert.Equal("alpha", spend.Data().GetProperty("venture").GetString());
        Assert.Equal(12_345, spend.Data().GetProperty("totals").GetProperty("tokens").GetInt64());
        Assert.Contains("## Spend of alpha (all time): 12,345 tokens (12,000 in, 345 out) · 1 report · no cost reported", spend.Text());
        Assert.Contains($"- {mine} (this session): 12,345 tokens", spend.Text());
        Assert.Equal(12_355, all.Data().GetProperty("totals").GetProperty("tokens").GetInt64());
        Assert.Equal(2, all.Data().GetProperty("group_count").GetInt64());
    }

    [Fact]
    public async Task Spend_AnUnknownGrouping_FailsNamingIt()
    {
        var spend = (await _mcp.CallAsync("spend", new { venture = "alpha", by = "week" })).Failed();

        Assert.Contains("by", spend.Text());
        Assert.Contains("week", spend.Text());
    }
}
