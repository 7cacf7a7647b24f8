namespace Baton.Mcp;

/// <summary>Which tools the server lists: the small core set, or every tool.</summary>
public enum ToolSet { Core, All }

/// <summary>What <c>baton mcp</c> takes from its process and flags. Built once at start.</summary>
public sealed class BatonMcpOptions
{
    /// <summary>Environment variable listing where repos are cloned, colon-separated. Default <c>~/dev</c>.</summary>
    public const string RepoRootsVariable = "BATON_REPO_ROOTS";

    /// <summary><c>--tools</c>: default <see cref="ToolSet.All"/>.</summary>
    public ToolSet Tools { get; init; } = ToolSet.All;

    /// <summary>The directory the agent CLI started us in: git detection starts here.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary><c>BATON_AGENT</c>, when set; otherwise the agent is <c>&lt;client name&gt;-&lt;host&gt;</c>.</summary>
    public string? Agent { get; init; }

    public required string HostName { get; init; }

    /// <summary>
    /// The terminal of the agent CLI that started us (its tmux pane, or the controlling terminal we inherit from it),
    /// part of the default agent name so agents in two terminals are two agents. Null when unknown.
    /// </summary>
    public string? Terminal { get; init; }

    /// <summary>
    /// Claude Code's own session id, which it gives the MCP servers it starts (<see cref="ClaudeSessionVariable"/>): SOD
    /// records it on the Baton session, so `baton resume` can start the very same Claude session later.
    /// </summary>
    public string? ClaudeSessionId { get; init; }

    /// <summary>
    /// <c>BATON_TRACK</c>, when set: the track SOD uses when the agent names none. A worker sets it to the task id, so the
    /// agent's own SOD resumes the session the worker opened for the task instead of starting one on track main.
    /// </summary>
    public string? Track { get; init; }

    /// <summary>The variable naming the default track (<see cref="Track"/>).</summary>
    public const string TrackVariable = "BATON_TRACK";

    /// <summary>The variable Claude Code sets for the processes it starts, naming its session.</summary>
    public const string ClaudeSessionVariable = "CLAUDE_CODE_SESSION_ID";

    /// <summary>Where the <c>ventures</c> tool looks for local clones (<see cref="RepoRootsVariable"/>).</summary>
    public IReadOnlyList<string> RepoRoots { get; init; } = [];

    /// <summary>The GitHub CLI to run. Default <c>gh</c> from <c>PATH</c>; tests point it at a fake.</summary>
    public string GhCommand { get; init; } = "gh";

    /// <summary>Most issues the <c>status</c> tool lists when the caller names no limit. Default 20.</summary>
    public int DefaultIssueLimit { get; init; } = 20;

    /// <summary>The repo roots from <see cref="RepoRootsVariable"/>, else <c>~/dev</c>.</summary>
    public static IReadOnlyList<string> RepoRootsFrom(string? variable, string? home)
    {
        var roots = (variable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => ExpandHome(r, home)).ToList();
        if (roots.Count > 0) return roots;
        return string.IsNullOrEmpty(home) ? [] : [Path.Combine(home, "dev")];
    }

    private static string ExpandHome(string path, string? home) =>
        home is not null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) ? Path.Combine(home, path.TrimStart('~').TrimStart('/')) : path;
}
