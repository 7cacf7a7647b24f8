namespace Baton.Local.Terminal;

/// <summary>
/// Which terminal this process runs in, as a short label for the default agent name (see <c>Targets.Agent</c>): two
/// terminals on one machine must not act as one agent, and the same terminal must keep its name when Baton (or the
/// agent CLI) restarts in it.
/// </summary>
public static class TerminalName
{
    /// <summary>Set by tmux in every pane: <c>%3</c>. Stable for the pane's life, whatever runs in it.</summary>
    public const string TmuxPaneVariable = "TMUX_PANE";

    /// <summary>
    /// The tmux pane (<c>tmux-3</c>), else the controlling terminal (<c>pts-4</c> for <c>/dev/pts/4</c>), else null.
    /// The controlling terminal is read from <c>/proc/self/stat</c> first, not from standard input: a redirected stdin
    /// (<c>… | baton note add</c>) must not change the agent, and <c>baton mcp</c>, whose stdin is the agent CLI's pipe,
    /// still shares the agent CLI's terminal. <c>/proc/self/fd/0</c> is the fallback where the stat line says nothing.
    /// </summary>
    public static string? Detect(IReadOnlyDictionary<string, string> environment) =>
        FromTmuxPane(environment.GetValueOrDefault(TmuxPaneVariable))
        ?? FromStat(ReadOrNull("/proc/self/stat"))
        ?? FromDevicePath(LinkTargetOrNull("/proc/self/fd/0"));

    /// <summary><c>%3</c> → <c>tmux-3</c>; null for anything else.</summary>
    public static string? FromTmuxPane(string? pane)
    {
        var id = pane?.Trim();
        return id is { Length: > 1 } && id[0] == '%' && id[1..].All(char.IsAsciiDigit) ? "tmux-" + id[1..] : null;
    }

    /// <summary>
    /// The controlling terminal named by the <c>tty_nr</c> field (the 7th) of a <c>/proc/&lt;pid&gt;/stat</c> line:
    /// Unix 98 pseudo-terminals (majors 136–143) → <c>pts-N</c>, virtual consoles (major 4, minor below 64) → <c>ttyN</c>;
    /// null when there is none (0) or the line cannot be read.
    /// </summary>
    public static string? FromStat(string? statLine)
    {
        // The command name (2nd field) is in parentheses and may itself hold spaces and parentheses: count from the last ')'.
        var close = statLine?.LastIndexOf(')') ?? -1;
        if (close < 0) return null;
        var fields = statLine![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || !long.TryParse(fields[4], out var ttyNr) || ttyNr <= 0) return null;
        var major = (ttyNr >> 8) & 0xfff;
        var minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
        return major switch
        {
            >= 136 and <= 143 => $"pts-{(major - 136) * 256 + minor}",
            4 when minor < 64 => $"tty{minor}",
            _ => null,
        };
    }

    /// <summary><c>/dev/pts/4</c> → <c>pts-4</c>, <c>/dev/tty2</c> → <c>tty2</c>; null for a pipe, a file or nothing.</summary>
    public static string? FromDevicePath(string? path)
    {
        if (path is null) return null;
        if (path.StartsWith("/dev/pts/", StringComparison.Ordinal) && path[9..] is { Length: > 0 } n && n.All(char.IsAsciiDigit)) return "pts-" + n;
        if (path.StartsWith("/dev/tty", StringComparison.Ordinal) && path[8..] is { Length: > 0 } t && t.All(char.IsAsciiDigit)) return "tty" + t;
        return null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? LinkTargetOrNull(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
