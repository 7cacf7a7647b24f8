using Baton.Core.Application;

namespace Baton.Core.Tests;

public sealed class TargetsTests
{
    private static FrontEnd Cli(string? terminal, string? setting = null) => new("cli", "Box", setting, ArgumentNames.CommandLine, terminal);

    [Fact]
    public void Agent_TerminalKnown_IsClientHostAndTerminal()
    {
        Assert.Equal("cli-box-pts-4", Targets.Agent(null, Cli("pts-4")));
    }

    [Fact]
    public void Agent_TwoTerminals_AreTwoAgents()
    {
        Assert.NotEqual(Targets.Agent(null, Cli("tmux-1")), Targets.Agent(null, Cli("tmux-2")));
    }

    [Fact]
    public void Agent_NoTerminal_IsClientAndHost()
    {
        Assert.Equal("cli-box", Targets.Agent(null, Cli(null)));
    }

    [Fact]
    public void Agent_SettingGiven_WinsOverTheTerminal()
    {
        Assert.Equal("reviewer", Targets.Agent(null, Cli("pts-4", setting: "reviewer")));
    }
}
