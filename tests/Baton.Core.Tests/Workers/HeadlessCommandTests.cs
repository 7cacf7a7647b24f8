using Baton.Core.Orchestration.Agents;
using Baton.Core.Workers;

namespace Baton.Core.Tests.Workers;

public sealed class HeadlessCommandTests
{
    private const string Session = "6f1c2a52-3d4e-4b8a-9c0d-1e2f3a4b5c6d";

    private static WorkerAgentConfig Agent(AgentCli cli, string? command = null, params string[] args) =>
        new("agent-1", cli, [], [], 1, command, args, null);

    [Fact]
    public void Arguments_Claude_StreamJsonVerboseSessionIdAndThePromptLast()
    {
        var (executable, args) = HeadlessCommand.Arguments(Agent(AgentCli.Claude), "- fix it", Session, null, null);

        Assert.Equal("claude", executable);
        Assert.Equal(["-p", "--output-format", "stream-json", "--verbose", "--session-id", Session, "--", "- fix it"], args);
        Assert.DoesNotContain("--bare", args);
    }

    [Fact]
    public void Arguments_ClaudeWithMaxCostMcpConfigSettingsAndExtraArgs_PassesThemBeforeThePrompt()
    {
        var agent = Agent(AgentCli.Claude, "/opt/claude/bin/claude", "--permission-mode", "acceptEdits");
        var (executable, args) = HeadlessCommand.Arguments(agent, "fix it", Session, 0.75, "/tmp/run/settings.json", "/tmp/run/mcp.json");

        Assert.Equal("/opt/claude/bin/claude", executable);
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--session-id", Session, "--max-budget-usd", "0.75",
             "--mcp-config", "/tmp/run/mcp.json", "--settings", "/tmp/run/settings.json", "--permission-mode", "acceptEdits", "--", "fix it"],
            args);
    }

    [Fact]
    public void Arguments_Gemini_PromptAsOneArgumentJsonAndSessionId_NoCostFlag()
    {
        var (executable, args) = HeadlessCommand.Arguments(Agent(AgentCli.Gemini, null, "--model", "gemini-2.5-pro"), "- fix it", Session, 0.75, "/tmp/s.json");

        Assert.Equal("gemini", executable);
        Assert.Equal(["--prompt=- fix it", "--output-format", "json", "--session-id", Session, "--model", "gemini-2.5-pro"], args);
    }

    [Fact]
    public void Arguments_Codex_ExecJsonFullAutoExtraArgsThenThePrompt_NoSessionOrCostFlag()
    {
        var (executable, args) = HeadlessCommand.Arguments(Agent(AgentCli.Codex, null, "--model", "gpt-5-codex"), "fix it", Session, 0.75, null);

        Assert.Equal("codex", executable);
        Assert.Equal(["exec", "--json", "--full-auto", "--model", "gpt-5-codex", "--", "fix it"], args);
    }

    [Fact]
    public void Arguments_Custom_CommandWithPromptAndSessionReplaced()
    {
        var agent = Agent(AgentCli.Custom, "/usr/local/bin/my-agent", "run", "--task={prompt}", "--id", "{session_id}");
        var (executable, args) = HeadlessCommand.Arguments(agent, "fix it", Session, 0.75, null);

        Assert.Equal("/usr/local/bin/my-agent", executable);
        Assert.Equal(["run", "--task=fix it", "--id", Session], args);
    }

    [Fact]
    public void Arguments_CustomWithoutCommand_Throws()
    {
        Assert.Throws<ArgumentException>(() => HeadlessCommand.Arguments(Agent(AgentCli.Custom), "fix it", Session, null, null));
    }

    [Theory]
    [InlineData(AgentCli.Claude, true)]
    [InlineData(AgentCli.Gemini, false)]
    [InlineData(AgentCli.Codex, false)]
    [InlineData(AgentCli.Custom, false)]
    public void HasCostFlag_OnlyClaude(AgentCli cli, bool expected) => Assert.Equal(expected, HeadlessCommand.HasCostFlag(cli));
}
