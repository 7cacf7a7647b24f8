using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Cli.Launch;

/// <summary>
/// What registering <c>baton mcp</c> did to one CLI's config file (and, for Claude Code, to the file that approves the
/// project's server: <paramref name="ApprovalPath"/>).
/// </summary>
public sealed record RegistrationOutcome(string Path, bool Changed, string? ApprovalPath = null);

/// <summary>
/// Registers <c>baton mcp</c> with an agent CLI, repairing Baton's entry and keeping everything else in the file.
/// Idempotent: when the entry is already right the file is not written at all. Only variable names and references
/// (<c>${BATON_KEY}</c>) are written, never a value. A file that cannot be parsed is left alone and reported.
/// <c>variables</c> are the Baton variables the launch sets: Gemini and Codex pass on exactly those (a reference to a
/// variable the agent does not have reaches <c>baton mcp</c> as the literal <c>$BATON_URL</c>, or is an error).
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
        if (cli == AgentCli.Claude)
        {
            var servers = Claude(Path.Combine(repo, ".mcp.json"), command, args, checkOnly);
            var approval = ClaudeApproval(Path.Combine(repo, ".claude", "settings.local.json"), checkOnly);
            return new RegistrationOutcome(servers.Path, servers.Changed || approval.Changed, approval.Path);
        }
        if (cli == AgentCli.Gemini) return Gemini(Path.Combine(home, ".gemini", "settings.json"), command, args, variables, checkOnly);
        return Codex(Path.Combine(home, ".codex", "config.toml"), command, args, variables, checkOnly);
    }

    /// <summary>
    /// Claude Code: <c>.mcp.json</c> in the repo, <c>mcpServers.baton</c> with a <c>${VAR:-}</c> reference for every Baton
    /// variable, each empty when unset — so the file, which teams commit, is the same in local and server mode.
    /// </summary>
    public static RegistrationOutcome Claude(string file, string command, IReadOnlyList<string> args, bool checkOnly = false)
    {
        var entry = new JsonObject
        {
            ["type"] = "stdio",
            ["command"] = command,
            ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()),
            ["env"] = References(ChildEnvironment.BatonVariables, "${", ":-}"),
        };
        return EditJson(file, checkOnly, root =>
        {
            var servers = ObjectAt(root, "mcpServers", file);
            return Put(servers, "baton", entry);
        });
    }

    /// <summary>
    /// Claude Code asks before it starts a server from a project's <c>.mcp.json</c> (baton showed as "Pending
    /// approval"): the approval lives in the project's <c>.claude/settings.local.json</c> — the user's own, not committed
    /// — as <c>enabledMcpjsonServers</c>. Baton adds itself there and keeps the rest of the file as written.
    /// </summary>
    public static RegistrationOutcome ClaudeApproval(string file, bool checkOnly = false) =>
        EditJsonc(file, checkOnly, document => document.Value["enabledMcpjsonServers"] switch
        {
            null => document.Set(["enabledMcpjsonServers"], new JsonArray("baton")),
            JsonArray approved when approved.Any(IsString("baton")) => document,
            JsonArray => document.Append(["enabledMcpjsonServers"], JsonValue.Create("baton")),
            _ => throw new UsageException($"{file}: enabledMcpjsonServers is not a list: make it one (or remove it) and launch again."),
        });

    /// <summary>
    /// Gemini CLI: <c>~/.gemini/settings.json</c>, <c>mcpServers.baton</c> with explicit <c>env</c> mappings (Gemini
    /// expands <c>$BATON_KEY</c> from its own environment, so no redaction exception is needed), edited in place so the
    /// user's comments and text stay as written. The names Baton once put on
    /// <c>security.environmentVariableRedaction.allowed</c> are taken off again: that list lets every MCP server see them.
    /// </summary>
    public static RegistrationOutcome Gemini(string file, string command, IReadOnlyList<string> args, IReadOnlyList<string> variables, bool checkOnly = false)
    {
        var entry = new JsonObject
        {
            ["command"] = command,
            ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()),
            ["env"] = References(variables, "$", ""),
        };
        return EditJsonc(file, checkOnly, document =>
        {
            if (document.Value["mcpServers"] is not null and not JsonObject)
                throw new UsageException($"{file}: 'mcpServers' is not an object: fix it and launch again; Baton will not overwrite it.");
            if (!JsonNode.DeepEquals(document.Value["mcpServers"]?["baton"], entry)) document = document.Set(["mcpServers", "baton"], entry);
            return WithoutRedactionAllowance(document);
        });
    }

    private static JsoncText WithoutRedactionAllowance(JsoncText document)
    {
        string[] path = ["security", "environmentVariableRedaction", "allowed"];
        if (document.Value["security"] is not JsonObject security || security["environmentVariableRedaction"] is not JsonObject redaction ||
            redaction["allowed"] is not JsonArray allowed)
            return document;
        var ours = Enumerable.Range(0, allowed.Count).Where(i => ChildEnvironment.BatonVariables.Any(v => IsString(v)(allowed[i]))).ToList();
        if (ours.Count == 0) return document;
        foreach (var index in Enumerable.Reverse(ours)) document = document.RemoveItem(path, index);
        // Baton made the containers when it first wrote the list: an empty one goes with it.
        for (var depth = path.Length; depth > 0; depth--)
        {
            JsonNode? node = document.Value;
            foreach (var name in path[..depth]) node = node?[name];
            if (node is not (JsonArray { Count: 0 } or JsonObject { Count: 0 })) break;
            document = document.Remove(path[..depth]);
        }
        return document;
    }

    private static Func<JsonNode?, bool> IsString(string value) => node => node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == value;

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

    /// <summary>Edits a JSON-with-comments file in place (<see cref="JsoncText"/>); the file is written only when its text changes.</summary>
    private static RegistrationOutcome EditJsonc(string file, bool checkOnly, Func<JsoncText, JsoncText> edit)
    {
        JsoncText document;
        try
        {
            document = JsoncText.Parse(File.Exists(file) ? File.ReadAllText(file) : "");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{file} is not valid JSON (line {ex.LineNumber + 1}): fix it (or move it away) and launch again; Baton will not overwrite it.");
        }
        catch (InvalidDataException)
        {
            throw new UsageException($"{file} is not a JSON object: fix it (or move it away) and launch again; Baton will not overwrite it.");
        }
        var edited = edit(document);
        if (edited.Text == document.Text) return new RegistrationOutcome(file, false);
        if (!checkOnly) Write(file, edited.Text);
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
