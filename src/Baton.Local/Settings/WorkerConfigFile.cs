using System.Globalization;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Workers;

namespace Baton.Local.Settings;

/// <summary>
/// Reads <c>&lt;data-dir&gt;/worker.json</c>, the agents this machine runs (format in docs/architecture.md §16, the worker). The
/// worker registers each agent with the server, so an agent the server would refuse is refused here, by the same
/// rules (<see cref="AgentRegistrationRules"/>), before anything starts — and, as for <c>ventures.json</c>, every
/// problem is reported with the file, the line and what to write instead.
/// </summary>
public static class WorkerConfigFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string DefaultFileName = "worker.json";

    /// <summary>A valid file, quoted in messages about a missing or malformed one.</summary>
    public const string Example = "{\"agents\": [" + AgentExample + "]}";

    private const string AgentExample = "{\"name\": \"claude-build-1\", \"cli\": \"claude\", \"capabilities\": [{\"name\": \"code\", \"weight\": 0.9}]}";

    private static readonly string[] TopFields = ["agents"];
    private static readonly string[] AgentFields = ["name", "cli", "capabilities", "max_concurrency", "health_checks", "command", "args", "price"];
    private static readonly string[] CapabilityFields = ["name", "weight", "preferred", "requirements"];
    private static readonly string[] HealthCheckFields = ["requirement", "command", "url"];
    private static readonly string[] PriceFields = ["input_per_million", "output_per_million"];

    /// <summary>The <c>cli</c> values, as written in the file.</summary>
    private static readonly string[] CliNames = ["claude", "gemini", "codex", "custom"];

    /// <summary>Reads and validates the file; throws <see cref="WorkerConfigException"/> listing every problem.</summary>
    public static WorkerConfig Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WorkerConfigException($"{path}: not found. `baton worker` runs the agents this file lists; write it, e.g. {Example}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkerConfigException($"{path}: cannot be read ({e.GetType().Name}). Check the path and its permissions.");
        }
        return Parse(path, bytes);
    }

    /// <summary>Parses worker.json; <paramref name="path"/> is only used in messages.</summary>
    public static WorkerConfig Parse(string path, ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), JsonLines.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new WorkerConfigException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}). {JsonLines.Fix(e)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("agents", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new WorkerConfigException($"{path}:1: expected an object with an \"agents\" array, like {Example}.");

            var file = new FileProblems(path, JsonLines.Of(utf8));
            file.Unknown("", root, TopFields);
            if (list.GetArrayLength() == 0) file.Add("agents", "lists no agent; a worker needs at least one, e.g. " + Example + ".");

            var agents = new List<WorkerAgentConfig>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var element = $"agents[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    file.Add(element, "must be an object, like " + AgentExample + ".");
                    continue;
                }
                var agent = ReadAgent(file, element, entry, out var name);
                if (name is not null && !names.Add(name))
                    file.Add($"{element}.name", $"\"{name}\" is already the name of an earlier agent; each agent needs its own name.");
                else if (agent is not null) agents.Add(agent);
            }

            if (file.Count > 0)
                throw new WorkerConfigException($"{path} has {file.Count} problem{(file.Count == 1 ? "" : "s")}:\n" + string.Join("\n", file.Lines));
            return new WorkerConfig(agents);
        }
    }

    /// <summary>One agent, or null when it has a problem (recorded in <paramref name="file"/>).</summary>
    private static WorkerAgentConfig? ReadAgent(FileProblems file, string element, JsonElement entry, out string? checkedName)
    {
        var before = file.Count;
        file.Unknown(element, entry, AgentFields);
        // Type problems are the file's own; the rest is what the server's registration would refuse. A field with a
        // type problem is read as absent, so the rules' "is required" about it would only repeat the problem.
        var typed = new HashSet<string>(StringComparer.Ordinal);
        var name = file.Text(element, entry, "name", typed);
        var cli = Cli(file, element, entry, typed);
        var capabilities = Capabilities(file, element, entry, typed);
        var checks = HealthChecks(file, element, entry, typed);
        int? maxConcurrency = null;
        if (entry.TryGetProperty("max_concurrency", out var max) && max.ValueKind != JsonValueKind.Null)
        {
            if (max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var m)) maxConcurrency = m;
            else file.Typed(typed, $"{element}.max_concurrency", $"must be a whole number from 1 to {AgentRules.MaxConcurrencyLimit} (default 1).");
        }

        var v = new Validator();
        var agent = AgentRegistrationRules.Check(v, name, cli, capabilities, checks, maxConcurrency);
        checkedName = agent.Name.Length > 0 ? agent.Name : null;
        foreach (var (field, messages) in v.Problems)
        {
            var full = $"{element}.{field}";
            if (typed.Any(t => full == t || full.StartsWith(t + ".", StringComparison.Ordinal) || full.StartsWith(t + "[", StringComparison.Ordinal))) continue;
            foreach (var message in messages) file.Add(full, message + Hint(field, message));
        }

        var command = file.Text(element, entry, "command", typed);
        if (command is not null && command.Length > 2_000) file.Add($"{element}.command", $"must be at most 2000 characters (got {command.Length}).");
        if (cli == AgentCli.Custom && command is null && !typed.Contains($"{element}.command"))
            file.Add($"{element}.command", "is required for cli \"custom\": the executable to run, e.g. \"command\": \"/usr/local/bin/my-agent\" (\"args\" are its arguments; {prompt} is replaced by the prompt).");
        var args = file.Strings(element, entry, "args", typed);
        var price = Price(file, element, entry);

        return file.Count > before ? null
            : new WorkerAgentConfig(agent.Name, agent.Cli, agent.Capabilities, agent.HealthChecks, agent.MaxConcurrency, command, args, price);
    }

    private static AgentCli? Cli(FileProblems file, string element, JsonElement entry, HashSet<string> typed)
    {
        if (!entry.TryGetProperty("cli", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var field = $"{element}.cli";
        var allowed = $"one of {string.Join(", ", CliNames.Select(c => $"\"{c}\""))}";
        if (value.ValueKind != JsonValueKind.String)
        {
            file.Typed(typed, field, $"must be {allowed}.");
            return null;
        }
        var text = value.GetString()!.Trim();
        var index = Array.IndexOf(CliNames, text);
        if (index >= 0) return (AgentCli)index;
        var near = ClosestName.FindOrNull(text, CliNames);
        file.Typed(typed, field, $"\"{text}\" is not a CLI Baton runs{(near is null ? "" : $"; did you mean \"{near}\"?")} It must be {allowed} (custom: your own \"command\").");
        return null;
    }

    private static List<CapabilityInput?>? Capabilities(FileProblems file, string element, JsonElement entry, HashSet<string> typed)
    {
        var items = file.Objects(element, entry, "capabilities", typed, "[{\"name\": \"code\", \"weight\": 0.9}]");
        if (items is null) return null;
        var inputs = new List<CapabilityInput?>();
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{element}.capabilities[{i}]";
            if (items[i] is not { } item)
            {
                inputs.Add(null);
                continue;
            }
            file.Unknown(at, item, CapabilityFields);
            double? weight = null;
            if (item.TryGetProperty("weight", out var w) && w.ValueKind != JsonValueKind.Null)
            {
                if (w.ValueKind == JsonValueKind.Number) weight = w.GetDouble();
                else file.Typed(typed, $"{at}.weight", "must be a number from 0 to 1, e.g. \"weight\": 0.8.");
            }
            bool? preferred = null;
            if (item.TryGetProperty("preferred", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind is JsonValueKind.True or JsonValueKind.False) preferred = p.GetBoolean();
                else file.Typed(typed, $"{at}.preferred", "must be true or false.");
            }
            var requirements = file.Strings(at, item, "requirements", typed);
            inputs.Add(new CapabilityInput(file.Text(at, item, "name", typed), weight, preferred, requirements.Cast<string?>().ToList()));
        }
        return inputs;
    }

    private static List<HealthCheckInput?>? HealthChecks(FileProblems file, string element, JsonElement entry, HashSet<string> typed)
    {
        var items = file.Objects(element, entry, "health_checks", typed, "[{\"requirement\": \"docker\", \"command\": \"docker info\"}]");
        if (items is null) return null;
        var inputs = new List<HealthCheckInput?>();
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{element}.health_checks[{i}]";
            if (items[i] is not { } item)
            {
                inputs.Add(null);
                continue;
            }
            file.Unknown(at, item, HealthCheckFields);
            inputs.Add(new HealthCheckInput(file.Text(at, item, "requirement", typed), file.Text(at, item, "url", typed), file.Text(at, item, "command", typed)));
        }
        return inputs;
    }

    private static TokenPrice? Price(FileProblems file, string element, JsonElement entry)
    {
        if (!entry.TryGetProperty("price", out var price) || price.ValueKind == JsonValueKind.Null) return null;
        var at = $"{element}.price";
        const string example = "{\"input_per_million\": 1.25, \"output_per_million\": 10}";
        if (price.ValueKind != JsonValueKind.Object)
        {
            file.Add(at, $"must be an object of US dollars per million tokens, e.g. \"price\": {example}.");
            return null;
        }
        file.Unknown(at, price, PriceFields);
        double? Rate(string name)
        {
            if (!price.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                file.Add($"{at}.{name}", $"is required: US dollars per million tokens, e.g. \"price\": {example}.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()) || value.GetDouble() < 0)
            {
                file.Add($"{at}.{name}", $"must be a number ≥ 0 (US dollars per million tokens; got {value.GetRawText()}).");
                return null;
            }
            return value.GetDouble();
        }
        var input = Rate("input_per_million");
        var output = Rate("output_per_million");
        return input is { } i && output is { } o ? new TokenPrice(i, o) : null;
    }

    /// <summary>What to write for a required field the rules found missing (their message says what, not how).</summary>
    private static string Hint(string field, string message)
    {
        if (message != "is required.") return "";
        if (field == "name") return " Write e.g. \"name\": \"claude-build-1\" (the agent's name in the registry).";
        if (field == "cli") return $" Write one of {string.Join(", ", CliNames.Select(c => $"\"cli\": \"{c}\""))}.";
        if (field.EndsWith(".name", StringComparison.Ordinal)) return " Write e.g. \"name\": \"code\" (the capability tasks ask for).";
        if (field.EndsWith(".requirement", StringComparison.Ordinal)) return " Write the requirement a capability names in its \"requirements\".";
        return "";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    /// <summary>The problems found so far, each at its line, and the readers that record a field's type problems.</summary>
    private sealed class FileProblems(string path, Dictionary<string, int> lines)
    {
        public List<string> Lines { get; } = [];

        public int Count => Lines.Count;

        public void Add(string field, string message) =>
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{JsonLines.LineOrEnclosing(lines, field)}: {field}: {message}"));

        /// <summary>A type problem: recorded, and <paramref name="field"/> marked so the rules' verdict on it is not repeated.</summary>
        public void Typed(HashSet<string> typed, string field, string message)
        {
            typed.Add(field);
            Add(field, message);
        }

        /// <summary>Members not in <paramref name="known"/>: a misspelt key would otherwise read as the field left out.</summary>
        public void Unknown(string at, JsonElement element, IReadOnlyList<string> known)
        {
            foreach (var member in element.EnumerateObject().Where(m => !known.Contains(m.Name)))
            {
                var field = at.Length == 0 ? member.Name : $"{at}.{member.Name}";
                Add(field, ClosestName.FindOrNull(member.Name, known) is { } near
                    ? $"unknown field \"{member.Name}\"; did you mean \"{near}\"?"
                    : $"unknown field \"{member.Name}\"; the fields here are {string.Join(", ", known)}.");
            }
        }

        /// <summary>A string member, trimmed; null when absent, JSON null, or not a string (then a problem).</summary>
        public string? Text(string at, JsonElement element, string name, HashSet<string> typed)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            Typed(typed, $"{at}.{name}", $"must be a string (got {value.ValueKind.ToString().ToLowerInvariant()} {Cut(value.GetRawText())}).");
            return null;
        }

        public List<string> Strings(string at, JsonElement element, string name, HashSet<string> typed)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                Typed(typed, $"{at}.{name}", $"must be an array of strings, e.g. \"{name}\": [\"{(name == "args" ? "--model" : "docker")}\"].");
                return [];
            }
            return value.EnumerateArray().Select(v => v.GetString()!).ToList();
        }

        /// <summary>An array of objects (a JSON null entry kept as null for the rules to name); null when absent or not an array.</summary>
        public List<JsonElement?>? Objects(string at, JsonElement element, string name, HashSet<string> typed, string example)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Array)
            {
                Typed(typed, $"{at}.{name}", $"must be an array of objects, e.g. \"{name}\": {example}.");
                return null;
            }
            var items = new List<JsonElement?>();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object) items.Add(item);
                else
                {
                    if (item.ValueKind != JsonValueKind.Null)
                        Typed(typed, $"{at}.{name}[{i}]", $"must be an object, e.g. {example[1..^1]}.");
                    items.Add(null);
                }
                i++;
            }
            return items;
        }

        private static string Cut(string raw) => raw.Length <= 40 ? raw : raw[..39] + "…";
    }
}

/// <summary>worker.json cannot be used; the message names the file, the line and each problem.</summary>
public sealed class WorkerConfigException(string message) : Exception(message);
