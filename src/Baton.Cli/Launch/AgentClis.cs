namespace Baton.Cli.Launch;

/// <summary>An agent CLI Baton can launch: its name, the binary looked up on PATH, and how to install it when missing.</summary>
/// <param name="LaunchArgs">What <c>baton launch</c> puts before the user's arguments.</param>
public sealed record AgentCli(string Name, string Binary, string InstallHint, IReadOnlyList<string> LaunchArgs)
{
    public static readonly AgentCli Claude = new("claude", "claude", "npm install -g @anthropic-ai/claude-code", []);
    public static readonly AgentCli Gemini = new("gemini", "gemini", "npm install -g @google/gemini-cli", []);

    /// <summary>
    /// Codex writes a snapshot of its shell — every exported variable, BATON_KEY and the venture's secrets included — to
    /// <c>~/.codex/shell_snapshots/*.sh</c>; a launch turns that feature off (a <c>-c</c> override for this run only, the
    /// user's config.toml untouched), so the secrets stay off the disk.
    /// </summary>
    public static readonly AgentCli Codex = new("codex", "codex", "npm install -g @openai/codex", ["-c", "features.shell_snapshot=false"]);

    public static IReadOnlyList<AgentCli> All { get; } = [Claude, Gemini, Codex];

    /// <summary>Environment variable naming the agent used when no flag is given. Default <c>claude</c>.</summary>
    public const string DefaultAgentVariable = "BATON_DEFAULT_AGENT";

    /// <summary>The flag if one was given, else <paramref name="configured"/> (per venture), else BATON_DEFAULT_AGENT, else claude.</summary>
    public static AgentCli Resolve(string? flag, string? configured, string? environmentDefault)
    {
        var name = flag ?? configured ?? (string.IsNullOrWhiteSpace(environmentDefault) ? null : environmentDefault.Trim()) ?? Claude.Name;
        return All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new UsageException($"'{name}' is not an agent Baton can launch: use {string.Join(", ", All.Select(a => a.Name))} " +
                                           $"(from {(flag is not null ? "the flag" : configured is not null ? "launch.json" : DefaultAgentVariable)}).");
    }

    /// <summary>The absolute path of <paramref name="binary"/> in the first <c>PATH</c> directory holding an executable of that name; null when none does.</summary>
    public static string? FindOnPathOrNull(string binary, string? path)
    {
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
