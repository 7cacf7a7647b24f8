using Baton.Core.Application;

namespace Baton.Cli;

/// <summary>Which agent name a CLI call acts as (the rule itself is <see cref="Targets.Agent"/>, shared with MCP).</summary>
public static class AgentName
{
    /// <summary>The CLI name used when <c>--cli</c> is not given.</summary>
    public const string DefaultCli = "cli";

    /// <summary>
    /// <c>--agent</c>, else <c>BATON_AGENT</c> (already folded into settings), else <c>&lt;cli&gt;-&lt;hostname&gt;</c>
    /// and the <paramref name="terminal"/> label when there is one (<see cref="CliRuntime.Terminal"/>).
    /// </summary>
    public static string Resolve(string? agentFlag, string? agentSetting, string? cliFlag, string hostname, string? terminal = null) =>
        Targets.Agent(agentFlag, FrontEnd(cliFlag, agentSetting, hostname, terminal));

    /// <summary>Who is calling, for the application handlers: the <c>--cli</c> (default "cli"), the host, <c>BATON_AGENT</c>, the terminal.</summary>
    public static FrontEnd FrontEnd(string? cliFlag, string? agentSetting, string hostname, string? terminal) =>
        new(string.IsNullOrWhiteSpace(cliFlag) ? DefaultCli : cliFlag.Trim(), hostname, agentSetting, ArgumentNames.CommandLine, terminal);
}
