using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Cli.Launch;

namespace Baton.Cli.Hooks;

/// <summary>Where <c>baton hooks install</c> writes: the user's own settings (the default) or the repository's.</summary>
public enum HookScope { User, Project }

/// <summary>What installing the hooks did to one CLI's file.</summary>
public sealed record HookInstallOutcome(string Cli, string Path, bool Changed);

/// <summary>
/// Writes Baton's hook entries into each agent CLI's own settings (docs/architecture.md §15, "Installing hooks"), with
/// the discipline of the MCP registration: the file is edited in place (<see cref="JsoncText"/>), so every byte
/// outside Baton's entries stays as the user wrote it; a file that does not parse is left alone and reported; a run
/// that changes nothing writes nothing. Baton's entry in an event's list is the group whose every hook runs
/// <c>… hook &lt;cli&gt;</c> of a baton: it is replaced when its command moved, and added when absent.
/// <list type="bullet">
/// <item>Claude Code: <c>~/.claude/settings.json</c> or <c>&lt;repo&gt;/.claude/settings.json</c>, <c>"hooks"</c>, timeout in seconds.</item>
/// <item>Gemini CLI: <c>~/.gemini/settings.json</c> or <c>&lt;repo&gt;/.gemini/settings.json</c>, <c>"hooks"</c>, named <c>baton</c>, timeout in milliseconds.</item>
/// <item>Codex: <c>~/.codex/hooks.json</c> or <c>&lt;repo&gt;/.codex/hooks.json</c> (its hooks, not the legacy <c>notify</c>:
/// that is a single slot the user may already use, and some TUI builds never call it).</item>
/// </list>
/// </summary>
public static class HookInstaller
{
    /// <summary>Claude Code: the events Baton uses (tool, prompt, permission and notification, stop, compaction, session start/end).</summary>
    public static readonly IReadOnlyList<string> ClaudeEvents =
        ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest", "Notification", "Stop", "PreCompact", "SessionEnd"];

    /// <summary>Gemini CLI: the same moments by its names (not BeforeModel/AfterModel, which fire per streamed chunk).</summary>
    public static readonly IReadOnlyList<string> GeminiEvents =
        ["SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "Notification", "AfterAgent", "PreCompress", "SessionEnd"];

    /// <summary>Codex: its hook events that Baton uses (it has no SessionEnd).</summary>
    public static readonly IReadOnlyList<string> CodexEvents =
        ["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Stop", "PreCompact"];

    /// <summary>The hook's own time limit: it returns in milliseconds; the limit only bounds a stuck disk.</summary>
    private const int TimeoutSeconds = 10;

    public static IReadOnlyList<string> EventsOf(AgentCli cli) => cli == AgentCli.Claude ? ClaudeEvents : cli == AgentCli.Gemini ? GeminiEvents : CodexEvents;

    public static string FileOf(AgentCli cli, HookScope scope, string home, string? repo)
    {
        var root = scope == HookScope.User ? home : repo ?? throw new UsageException("--project needs a git working tree: run it inside the repository.");
        return cli == AgentCli.Claude ? Path.Combine(root, ".claude", "settings.json")
            : cli == AgentCli.Gemini ? Path.Combine(root, ".gemini", "settings.json")
            : Path.Combine(root, ".codex", "hooks.json");
    }

    /// <summary>The shell command a CLI runs: this baton (quoted where needed) and <c>hook &lt;cli&gt;</c>.</summary>
    public static string CommandLine(string command, IReadOnlyList<string> prefix, AgentCli cli) =>
        string.Join(' ', new[] { command }.Concat(prefix).Select(ShellQuote)) + " hook " + cli.Name;

    /// <param name="checkOnly">Write nothing; <see cref="HookInstallOutcome.Changed"/> says whether an install would change the file (<c>baton doctor</c>).</param>
    /// <exception cref="UsageException">The file is not JSON, or its <c>hooks</c> is not what the CLI expects: nothing is written.</exception>
    public static HookInstallOutcome Install(AgentCli cli, string file, string commandLine, bool checkOnly = false)
    {
        string original;
        JsoncText document;
        try
        {
            original = File.Exists(file) ? File.ReadAllText(file) : "";
            document = JsoncText.Parse(original);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{file} is not valid JSON (line {ex.LineNumber + 1}): fix it (or move it away) and install again; Baton will not overwrite it.");
        }
        catch (InvalidDataException)
        {
            throw new UsageException($"{file} is not a JSON object: fix it (or move it away) and install again; Baton will not overwrite it.");
        }
        if (document.Value["hooks"] is not null and not JsonObject)
            throw new UsageException($"{file}: 'hooks' is not an object: fix it and install again; Baton will not overwrite it.");

        var edited = document;
        foreach (var name in EventsOf(cli)) edited = WithEntry(edited, name, Entry(cli, commandLine), cli, file);
        if (edited.Text == document.Text) return new HookInstallOutcome(cli.Name, file, false);
        if (!checkOnly) Write(file, edited.Text);
        return new HookInstallOutcome(cli.Name, file, true);
    }

    private static JsoncText WithEntry(JsoncText document, string eventName, JsonObject entry, AgentCli cli, string file)
    {
        string[] path = ["hooks", eventName];
        switch (document.Value["hooks"]?[eventName])
        {
            case null:
                return document.Set(path, new JsonArray(entry));
            case JsonArray groups:
                var ours = Enumerable.Range(0, groups.Count).Where(i => IsOurs(groups[i], cli)).ToList();
                if (ours.Count == 1 && JsonNode.DeepEquals(groups[ours[0]], entry)) return document;
                foreach (var index in Enumerable.Reverse(ours)) document = document.RemoveItem(path, index);
                return document.AppendLine(path, entry);
            default:
                throw new UsageException($"{file}: 'hooks.{eventName}' is not a list: fix it and install again; Baton will not overwrite it.");
        }
    }

    private static JsonObject Entry(AgentCli cli, string commandLine)
    {
        var hook = new JsonObject { ["type"] = "command" };
        if (cli == AgentCli.Gemini) hook["name"] = "baton";
        hook["command"] = commandLine;
        // Gemini counts milliseconds, Claude Code and Codex seconds.
        hook["timeout"] = cli == AgentCli.Gemini ? TimeoutSeconds * 1000 : TimeoutSeconds;
        return new JsonObject { ["hooks"] = new JsonArray(hook) };
    }

    /// <summary>A group every hook of which runs some baton's <c>hook &lt;cli&gt;</c>: Baton's, whatever path it was written with.</summary>
    private static bool IsOurs(JsonNode? group, AgentCli cli) =>
        group is JsonObject { } g && g["hooks"] is JsonArray { Count: > 0 } hooks &&
        hooks.All(h => h is JsonObject o && o["command"] is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                       v.GetValue<string>().Trim() is var command && command.EndsWith(" hook " + cli.Name, StringComparison.Ordinal) &&
                       command.Contains("baton", StringComparison.OrdinalIgnoreCase));

    private static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '@' or '=')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Through a temp file and a rename, so a crash never leaves a half-written settings file.</summary>
    private static void Write(string file, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temp = file + ".baton-tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, file, overwrite: true);
    }
}
