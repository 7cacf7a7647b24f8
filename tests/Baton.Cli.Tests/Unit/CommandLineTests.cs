using System.CommandLine;
using Baton.Cli.Commands;

namespace Baton.Cli.Tests.Unit;

/// <summary>The command tree and what a line that does not parse is told, without running a process.</summary>
public sealed class CommandLineTests
{
    private static readonly CliRuntime Runtime = new(new Dictionary<string, string>(), "/", TextWriter.Null, TextWriter.Null, "box");

    /// <summary>
    /// Verbs that run a process rather than print an answer: the server, the MCP server, a tmux attach and the resumed
    /// agent CLI; and the hook, which must never print on stdout (the agent CLI would read it as a decision).
    /// </summary>
    private static readonly string[] ProcessVerbs = ["baton serve", "baton mcp", "baton worker", "baton session", "baton resume", "baton hook claude", "baton hook gemini", "baton hook codex"];

    [Theory]
    [InlineData("--agnet", "--agent")]
    [InlineData("sdo", "sod")]
    [InlineData("--jsno", "--json")]
    [InlineData("heartbaet", "heartbeat")]
    public void Closest_OneTypo_SuggestsTheIntendedName(string typo, string intended)
    {
        Assert.Equal(intended, ParseProblems.Closest(typo, ["--agent", "--json", "--repo", "sod", "eod", "heartbeat", "handoff"]).First());
    }

    [Fact]
    public void Closest_NothingNear_SuggestsNothing()
    {
        Assert.Empty(ParseProblems.Closest("--frobnicate", ["--agent", "--json", "--repo"]));
    }

    [Fact]
    public void Describe_UnknownFlagWithValue_OneLineNamingTheFlagAndTheClosestOne()
    {
        var parse = BatonCli.BuildRoot(Runtime).Parse(["sod", "--agnet", "claude-1"]);

        var problem = Assert.Single(ParseProblems.Describe(parse));
        Assert.Contains("'--agnet'", problem);
        Assert.Contains("Did you mean --agent?", problem);
        Assert.DoesNotContain("claude-1", problem);
    }

    [Fact]
    public void Describe_UnknownVerb_OneLineWithTheClosestVerb()
    {
        var parse = BatonCli.BuildRoot(Runtime).Parse(["sdo"]);

        var problem = Assert.Single(ParseProblems.Describe(parse));
        Assert.Contains("Unknown verb 'sdo'", problem);
        Assert.Contains("Did you mean sod?", problem);
    }

    [Fact]
    public void CommandTree_EveryVerbThatPrintsAnAnswer_TakesJson()
    {
        var missing = Leaves(BatonCli.BuildRoot(Runtime), "baton")
            .Where(c => !ProcessVerbs.Contains(c.Path) && c.Command.Options.All(o => o.Name != "--json"))
            .Select(c => c.Path).ToList();

        Assert.Empty(missing);
    }

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path)
    {
        if (command.Action is not null) yield return (path, command);
        foreach (var sub in command.Subcommands)
            foreach (var leaf in Leaves(sub, path + " " + sub.Name)) yield return leaf;
    }
}
