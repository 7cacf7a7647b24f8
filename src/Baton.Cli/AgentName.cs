namespace Baton.Cli;

/// <summary>Which agent name a CLI call acts as.</summary>
public static class AgentName
{
    /// <summary>The CLI name used when <c>--cli</c> is not given.</summary>
    public const string DefaultCli = "cli";

    /// <summary><c>--agent</c>, else <c>BATON_AGENT</c> (already folded into settings), else <c>&lt;cli&gt;-&lt;hostname&gt;</c>.</summary>
    public static string Resolve(string? agentFlag, string? agentSetting, string? cliFlag, string hostname)
    {
        if (!string.IsNullOrWhiteSpace(agentFlag)) return agentFlag.Trim();
        if (!string.IsNullOrWhiteSpace(agentSetting)) return agentSetting.Trim();
        var cli = string.IsNullOrWhiteSpace(cliFlag) ? DefaultCli : cliFlag.Trim();
        var host = string.IsNullOrWhiteSpace(hostname) ? "localhost" : hostname.Trim().ToLowerInvariant();
        return $"{cli}-{host}";
    }
}
