using Baton.Core.Claims;
using Baton.Core.Sessions;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary><c>claim</c>, <c>release</c> and <c>claims</c>: an agent claims files for its session; a conflict is refused naming the holder.</summary>
public sealed class ClaimToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task Claim_WhenAnotherSessionHoldsTheFiles_IsAnErrorNamingTheHolderAndReleaseFreesThem()
    {
        var other = await _mcp.Services.Sessions.SodAsync(new SodRequest("bob", "alpha", "example-org/alpha-console"), TestTimeouts.Token());
        var held = await _mcp.Services.Claims.ClaimAsync(new CreateClaimRequest(other.Session.Id, Files: ["src/**"]), TestTimeouts.Token());
        (await _mcp.CallAsync("sod", new { agent = "claude-laptop" })).Ok();

        var refused = await _mcp.CallAsync("claim", new { files = new[] { "src/a.cs" } });
        var listed = (await _mcp.CallAsync("claims")).Ok();
        await _mcp.Services.Claims.ReleaseClaimAsync(held.Claim.Id, TestTimeouts.Token());
        var granted = (await _mcp.CallAsync("claim", new { files = new[] { "src/a.cs" } })).Ok();
        var released = (await _mcp.CallAsync("release", new { all = true })).Ok();

        Assert.True(refused.IsError);
        Assert.Contains("claim_conflict", refused.Text(), StringComparison.Ordinal);
        Assert.Contains("agent bob", refused.Text(), StringComparison.Ordinal);
        Assert.Equal(1, listed.Data().GetProperty("total").GetInt64());
        Assert.Contains("bob · exclusive · src/**", listed.Text(), StringComparison.Ordinal);
        Assert.True(granted.Data().GetProperty("created").GetBoolean());
        Assert.Contains("Released", released.Text(), StringComparison.Ordinal);
        Assert.Equal(1, released.Data().GetProperty("total").GetInt64());
    }
}
