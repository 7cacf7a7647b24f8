using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Cli.Launch;

/// <summary>What registering <c>baton mcp</c> did to one CLI's config file.</summary>
public sealed record RegistrationOutcome(string Path, bool Changed);

/// <summary>
/// Registers <c>baton mcp</c> with an agent CLI, repairing Baton's entry and keeping everything else in the file.
/// Idempotent: when the entry is already right the file is not written at all. Only variable names and references
/// (<c>${BATON_KEY}</c>) are written, never a value. A file that cannot be parsed is left alone and reported.
/// </summary>
public static class McpRegistration
{
    /// <summary>
    /// The command that starts this very baton: under <c>dotnet baton.dll</c> (a build or the tests) the host and the
    /// dll; an installed baton is written as plain <c>baton</c> when that is what PATH finds (so a committed
    /// <c>.mcp.json</c> works on every machine), else by its absolute path.
    /// </summary>
    public static (string Command, IReadOnlyList<string> Args) BatonCommand(string? path)
    {
        var process = Environment.ProcessPath ?? "baton";
        if (string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase))
            return (process, [typeof(McpRegistration).Assembly.Location, "mcp"]);
        var onPath = AgentCli.FindOnPathOrNull("baton", path);
        return onPath is not null && SameFile(onPath, process) ? ("baton", ["mcp"]) : (process, ["mcp"]);
    }

    /// <param name="checkOnly">Write nothing; <see cref="RegistrationOutcome.Changed"/> then says whether a launch would change the file (<c>baton doctor</c>).</param>
    public static RegistrationOutcome Register(AgentCli cli, string repo, string home, string command, IReadOnlyList<string> args, IReadOnlyList<string> variables, bool checkOnly = false)
    {
        if (cli == AgentCli.Claude) return Claude(Path.Combine(repo, ".mcp.json"), command, args, variables, checkOnly);
        if (cli == AgentCli.Gemini) return Gemini(Path.Combine(home, ".gemini", "settings.json"), command, args, variables, checkOnly);
        return Codex(Path.Combine(home, ".codex", "config.toml"), command, args, variables, checkOnly);
    }

    /// <summary>Claude Code: <c>.mcp.json</c> in the repo, <c>mcpServers.baton</c> with <c>${VAR}</c> references Claude expands.</summary>
    public static RegistrationOutcome Claude(string file, string command, IReadOnlyList<string> args, IReadOnlyList<string> variables, bool checkOnly = false)
    {
        var entry = new JsonObject
        {
            ["type"] = "stdio",
            ["command"] = command,
            ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()),
            ["env"] = References(variables, "${", ":-}"),
        };
        return EditJson(file, checkOnly, root =>
        {
            var servers = ObjectAt(root, "mcpServers", file);
            return Put(servers, "baton", entry);
        });
    }

    /// <summary>
    /// Gemini CLI: <c>~/.gemini/settings.json</c>, <c>mcpServers.baton</c> with explicit <c>env</c> mappings, and the
    /// variable names on <c>security.environmentVariableRedaction.allowed</c> — Gemini strips variables named like
    /// KEY/TOKEN/SECRET from MCP servers otherwise, and BATON_KEY is one.
    /// </summary>
    public static RegistrationOutcome Gemini(string file, string command, IReadOnlyList<string> args, IReadOnlyList<string> variables, bool checkOnly = false)
    {
        var entry = new JsonObject
        {
            ["command"] = command,
            ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()),
            ["env"] = References(variables, "$", ""),
        };
        return EditJson(file, checkOnly, root =>
        {
            var changed = Put(ObjectAt(root, "mcpServers", file), "baton", entry);
            var redaction = ObjectAt(ObjectAt(root, "security", file), "environmentVariableRedaction", file);
            if (redaction["allowed"] is not JsonArray allowed)
            {
                if (redaction["allowed"] is not null) throw new UsageException($"{file}: security.environmentVariableRedaction.allowed is not a list: make it one (or remove it) and launch again.");
                redaction["allowed"] = allowed = [];
                changed = true;
            }
            foreach (var name in variables)
            {
                if (allowed.Any(n => n?.GetValueKind() == JsonValueKind.String && n.GetValue<string>() == name)) continue;
                allowed.Add(name);
                changed = true;
            }
            return changed;
        });
    }

    /// <summary>Codex CLI: the <c>[mcp_servers.baton]</c> table of <c>~/.codex/config.toml</c>, with <c>env_vars</c> to pass through.</summary>
    public static RegistrationOutcome Codex(string file, string command, IReadOnlyList<string> args, IReadOnlyList<string> variables, bool checkOnly = false)
    {
        var original = File.Exists(file) ? File.ReadAllText(file) : "";
        var updated = CodexToml.WithTable(original, CodexToml.Table(command, args, variables));
        if (updated == original) return new RegistrationOutcome(file, false);
        if (!checkOnly) Write(file, updated);
        return new RegistrationOutcome(file, true);
    }

    private static JsonObject References(IReadOnlyList<string> variables, string open, string close)
    {
        var env = new JsonObject();
        foreach (var name in variables) env[name] = open + name + close;
        return env;
    }

    private static RegistrationOutcome EditJson(string file, bool checkOnly, Func<JsonObject, bool> edit)
    {
        JsonObject root;
        if (File.Exists(file))
        {
            try
            {
                root = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                       ?? throw new UsageException($"{file} is not a JSON object: fix it (or move it away) and launch again; Baton will not overwrite it.");
            }
            catch (JsonException ex)
            {
                throw new UsageException($"{file} is not valid JSON (line {ex.LineNumber + 1}): fix it (or move it away) and launch again; Baton will not overwrite it.");
            }
        }
        else root = new JsonObject();

        if (!edit(root)) return new RegistrationOutcome(file, false);
        if (checkOnly) return new RegistrationOutcome(file, true);
        Write(file, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new RegistrationOutcome(file, true);
    }

    private static JsonObject ObjectAt(JsonObject parent, string name, string file)
    {
        switch (parent[name])
        {
            case JsonObject existing:
                return existing;
            case null:
                var created = new JsonObject();
                parent[name] = created;
                return created;
            default:
                throw new UsageException($"{file}: '{name}' is not an object: fix it and launch again; Baton will not overwrite it.");
        }
    }

    private static bool Put(JsonObject parent, string name, JsonObject entry)
    {
        if (JsonNode.DeepEquals(parent[name], entry)) return false;
        parent[name] = entry;
        return true;
    }

    /// <summary>Writes through a temp file and a rename, so a crash never leaves a half-written config behind.</summary>
    private static void Write(string file, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temp = file + ".baton-tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, file, overwrite: true);
    }

    private static bool SameFile(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(new FileInfo(a).ResolveLinkTarget(true)?.FullName ?? a),
                                 Path.GetFullPath(new FileInfo(b).ResolveLinkTarget(true)?.FullName ?? b), StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
