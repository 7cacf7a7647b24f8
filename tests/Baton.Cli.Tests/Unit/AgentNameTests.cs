namespace Baton.Cli.Tests.Unit;

public sealed class AgentNameTests
{
    [Fact]
    public void Resolve_AgentFlagGiven_WinsOverSettingAndDefault()
    {
        Assert.Equal("reviewer", AgentName.Resolve("reviewer", "from-env", "claude", "box"));
    }

    [Fact]
    public void Resolve_NoFlag_UsesBatonAgentSetting()
    {
        Assert.Equal("from-env", AgentName.Resolve(null, "from-env", "claude", "box"));
    }

    [Fact]
    public void Resolve_NothingGiven_IsCliDashLowercaseHostname()
    {
        Assert.Equal("cli-buildbox", AgentName.Resolve(null, null, null, "BuildBox"));
    }

    [Fact]
    public void Resolve_CliFlagGiven_PrefixesTheHostname()
    {
        Assert.Equal("claude-box", AgentName.Resolve(" ", "", "claude", "box"));
    }
}
