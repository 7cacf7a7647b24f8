using System.Globalization;
using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Workers;

/// <summary>
/// The command line of one headless run of an agent's CLI (docs/architecture.md §16), with each CLI's real flags:
/// <list type="bullet">
/// <item>Claude Code: <c>claude -p --output-format stream-json --verbose --session-id &lt;uuid&gt;
/// [--max-budget-usd &lt;x&gt;] [--settings &lt;path&gt;] [args…] -- &lt;prompt&gt;</c>. Never <c>--bare</c>: it skips hooks, and
/// the worker relies on the hooks it installs in the worktree.</item>
/// <item>Gemini CLI: <c>gemini --prompt=&lt;prompt&gt; --output-format json --session-id &lt;uuid&gt; [args…]</c>
/// (<c>--session-id</c>: "Start a new session with a manually provided UUID").</item>
/// <item>Codex: <c>codex exec --json --full-auto [args…] -- &lt;prompt&gt;</c>. <c>exec</c> runs read-only by default;
/// <c>--full-auto</c> is what its docs name to let it edit the worktree. It takes no session id: the reader finds it in
/// <c>thread.started</c>.</item>
/// <item>Custom: the configured command with its arguments, <c>{prompt}</c> and <c>{session_id}</c> replaced.</item>
/// </list>
/// The prompt goes after <c>--</c> (or as <c>--prompt=</c>) because a task's prompt may well start with "-" (a Markdown
/// list): as a bare argument the CLI would read it as an unknown option. Claude's <c>-p</c> is a switch (print mode),
/// so moving the prompt to the end changes nothing else.
/// </summary>
public static class HeadlessCommand
{
    /// <summary>
    /// Whether the CLI can be told the task's <c>max_cost_usd</c> itself. Only Claude Code can (<c>--max-budget-usd</c>,
    /// ending the run with the result subtype <c>error_max_budget_usd</c>); Gemini and Codex report tokens but take no
    /// cost limit, so the worker enforces it from <see cref="IAgentOutputReader.UsageSoFar"/> and the agent's price.
    /// </summary>
    public static bool HasCostFlag(AgentCli cli) => cli == AgentCli.Claude;

    /// <summary>The executable a CLI is started as when the agent names no command.</summary>
    public static string DefaultExecutable(AgentCli cli) => cli switch
    {
        AgentCli.Claude => "claude",
        AgentCli.Gemini => "gemini",
        AgentCli.Codex => "codex",
        _ => throw new ArgumentException("a custom agent must name its command", nameof(cli)),
    };

    /// <param name="sessionId">The UUID the run's session is to have (Claude, Gemini; Codex mints its own).</param>
    /// <param name="maxCostUsd">The task's cost limit, passed where the CLI has a flag for it (<see cref="HasCostFlag"/>).</param>
    /// <param name="claudeSettingsPath">The settings file the worker generated for the run (hooks), for Claude.</param>
    /// <param name="claudeMcpConfigPath">The MCP config the worker generated for the run (<c>baton mcp</c>), for Claude.</param>
    public static (string Executable, IReadOnlyList<string> Args) Arguments(
        WorkerAgentConfig agent, string prompt, string sessionId, double? maxCostUsd, string? claudeSettingsPath, string? claudeMcpConfigPath = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        if (agent.Cli == AgentCli.Custom)
        {
            if (string.IsNullOrWhiteSpace(agent.Command)) throw new ArgumentException($"custom agent {agent.Name} has no command", nameof(agent));
            return (agent.Command, agent.Args.Select(a => a.Replace("{prompt}", prompt, StringComparison.Ordinal)
                .Replace("{session_id}", sessionId, StringComparison.Ordinal)).ToList());
        }

        var args = new List<string>();
        switch (agent.Cli)
        {
            case AgentCli.Claude:
                args.AddRange(["-p", "--output-format", "stream-json", "--verbose", "--session-id", sessionId]);
                if (maxCostUsd is { } max) args.AddRange(["--max-budget-usd", max.ToString("0.######", CultureInfo.InvariantCulture)]);
                // --mcp-config takes several files: a flag must follow it, so it goes before --settings.
                if (!string.IsNullOrEmpty(claudeMcpConfigPath)) args.AddRange(["--mcp-config", claudeMcpConfigPath]);
                if (!string.IsNullOrEmpty(claudeSettingsPath)) args.AddRange(["--settings", claudeSettingsPath]);
                args.AddRange(agent.Args);
                args.AddRange(["--", prompt]);
                break;
            case AgentCli.Gemini:
                args.AddRange(["--prompt=" + prompt, "--output-format", "json", "--session-id", sessionId]);
                args.AddRange(agent.Args);
                break;
            case AgentCli.Codex:
                args.AddRange(["exec", "--json", "--full-auto"]);
                args.AddRange(agent.Args);
                args.AddRange(["--", prompt]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(agent), agent.Cli, "unknown cli");
        }

        var executable = string.IsNullOrWhiteSpace(agent.Command) ? DefaultExecutable(agent.Cli) : agent.Command;
        return (executable, args);
    }
}
