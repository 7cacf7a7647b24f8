using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary>`baton mcp` under Claude Code records Claude's own session id (CLAUDE_CODE_SESSION_ID) on the session at SOD, for `baton resume`.</summary>
public sealed class NativeSessionTests
{
    [Fact]
    public async Task Sod_UnderClaudeCode_RecordsClaudesSessionIdOnTheSession()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(), o => new Baton.Mcp.BatonMcpOptions
        {
            WorkingDirectory = o.WorkingDirectory, HostName = o.HostName, GhCommand = o.GhCommand, RepoRoots = o.RepoRoots,
            ClaudeSessionId = "5f0c1d2e-claude-session",
        });

        var session = (await mcp.CallAsync("sod")).Ok().Data().GetProperty("sod").GetProperty("session");
        var stored = await mcp.Services.Sessions.GetSessionAsync(session.GetProperty("id").GetString()!, TestTimeouts.Token());

        Assert.Equal(("5f0c1d2e-claude-session", "claude"), (stored.NativeSessionId, stored.NativeCli));
    }

    [Fact]
    public async Task Sod_OutsideClaudeCode_RecordsNoNativeSession()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());

        var session = (await mcp.CallAsync("sod")).Ok().Data().GetProperty("sod").GetProperty("session");
        var stored = await mcp.Services.Sessions.GetSessionAsync(session.GetProperty("id").GetString()!, TestTimeouts.Token());

        Assert.Null(stored.NativeSessionId);
    }
}
