using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Cli.Launch;

/// <summary>
/// Edits the one <c>[mcp_servers.baton]</c> table of Codex's <c>~/.codex/config.toml</c> and keeps every other byte of
/// the file as it was (comments, other tables, line endings). There is no TOML library to lean on, so the editor is
/// deliberately small: a table is its header line up to the next table header (<c>[x]</c> or <c>[[x]]</c>) outside a
/// multi-line string; the baton table and its sub-tables (<c>[mcp_servers.baton.env]</c>) are replaced as a whole,
/// and appended at the end when absent.
/// </summary>
public static partial class CodexToml
{
    /// <summary>The table Baton owns, as it writes it.</summary>
    public static string Table(string command, IReadOnlyList<string> args, IReadOnlyList<string> envVars)
    {
        var text = new StringBuilder("[mcp_servers.baton]\n");
        text.Append("command = ").Append(Quote(command)).Append('\n');
        text.Append("args = [").Append(string.Join(", ", args.Select(Quote))).Append("]\n");
        text.Append("env_vars = [").Append(string.Join(", ", envVars.Select(Quote))).Append("]\n");
        return text.ToString();
    }

    /// <summary>The file with Baton's table set to <paramref name="table"/>; the same string when it already was.</summary>
    public static string WithTable(string original, string table)
    {
        var lines = original.Split('\n'); // each line keeps its '\r', so CRLF files stay CRLF outside our table
        var (start, end) = FindBatonBlock(lines);
        if (start < 0)
        {
            if (original.Length == 0) return table;
            var separator = original.EndsWith('\n') ? (original.EndsWith("\n\n") ? "" : "\n") : "\n\n";
            return original + separator + table;
        }

        // Blank lines at the end of our block belong to the layout around it: keep them.
        var lastContent = end;
        while (lastContent > start && lines[lastContent - 1].Trim().Length == 0) lastContent--;
        var before = string.Join('\n', lines[..start]);
        var after = string.Join('\n', lines[lastContent..]);
        var result = (start > 0 ? before + "\n" : "") + table.TrimEnd('\n') + (lastContent < lines.Length ? "\n" + after : "");
        if (lastContent == lines.Length && original.EndsWith('\n') && !result.EndsWith('\n')) result += "\n";
        return result;
    }

    /// <summary>[start, end) line range of the baton table and its sub-tables; (-1, -1) when absent.</summary>
    private static (int Start, int End) FindBatonBlock(string[] lines)
    {
        int start = -1;
        string? openString = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (openString is null && Header().Match(line) is { Success: true } header)
            {
                var name = Regex.Replace(header.Groups["name"].Value, @"\s+", "").Replace("\"baton\"", "baton", StringComparison.Ordinal);
                var ours = !header.Value.TrimStart().StartsWith("[[", StringComparison.Ordinal) &&
                           (name == "mcp_servers.baton" || name.StartsWith("mcp_servers.baton.", StringComparison.Ordinal));
                if (start < 0 && ours) start = i;
                else if (start >= 0 && !ours) return (start, i);
            }
            openString = TrackMultilineString(line, openString);
        }
        return start < 0 ? (-1, -1) : (start, lines.Length);
    }

    /// <summary>Which multi-line string delimiter is open after <paramref name="line"/> (null when none).</summary>
    private static string? TrackMultilineString(string line, string? open)
    {
        foreach (var delimiter in new[] { "\"\"\"", "'''" })
        {
            if (open is not null && open != delimiter) continue;
            var count = Regex.Matches(line, Regex.Escape(delimiter)).Count;
            if (count % 2 == 1) open = open is null ? delimiter : null;
        }
        return open;
    }

    /// <summary>A TOML basic string.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    [GeneratedRegex(@"^\s*\[\[?\s*(?<name>[^\[\]#]+?)\s*\]\]?\s*(#.*)?\r?$")]
    private static partial Regex Header();
}
