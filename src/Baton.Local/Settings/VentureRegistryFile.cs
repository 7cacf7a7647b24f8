using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;
using Baton.Core.Workflows;

namespace Baton.Local.Settings;

/// <summary>
/// Reads the venture registry file, <c>ventures.json</c> (format in docs/architecture.md §3). A team may keep it in git, so a
/// mistake in it must be easy to find: every problem is reported with the file, the line and what to change.
/// </summary>
public static class VentureRegistryFile
{
    /// <summary>The file name looked for in the data directory when no path is configured.</summary>
    public const string DefaultFileName = "ventures.json";

    /// <summary>
    /// Parses and validates the file. Throws <see cref="VentureFileException"/> naming the file, the line and the
    /// problem (malformed JSON, missing field, bad code, duplicate code) — every problem found, not just the first.
    /// </summary>
    public static IReadOnlyList<Venture> Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VentureFileException($"{path}: cannot be read ({e.GetType().Name}). Check the path and its permissions.");
        }
        return Parse(path, bytes);
    }

    /// <summary>Parses registry JSON; <paramref name="path"/> is only used in messages.</summary>
    public static IReadOnlyList<Venture> Parse(string path, ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), JsonLines.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new VentureFileException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}). {JsonLines.Fix(e)}");
        }

        using (document)
        {
            var problems = new List<string>();
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("ventures", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new VentureFileException($"{path}:1: expected an object with a \"ventures\" array, like {{\"ventures\": [{{\"code\": \"alpha\", \"name\": \"Project Alpha\", \"org\": \"example-org\", \"repos\": [\"alpha-console\"]}}]}}.");
            }

            var lines = JsonLines.Of(utf8);
            foreach (var member in document.RootElement.EnumerateObject().Where(m => m.Name != "ventures"))
                problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, member.Name)}: {Unknown(member.Name, ["ventures"])}");

            var ventures = new List<Venture>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var element = $"ventures[{index}]";
                var where = $"{path}:{JsonLines.LineOrEnclosing(lines, element)}: {element}";
                index++;
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{where}: must be an object.");
                    continue;
                }

                // A misspelt key ("repo" for "repos") would otherwise be read as the field left out.
                foreach (var member in entry.EnumerateObject().Where(m => !Fields.Contains(m.Name)))
                    problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, $"{element}.{member.Name}")}: {element}: {Unknown(member.Name, Fields)}");

                var code = Text(entry, "code");
                var name = Text(entry, "name");
                var org = Text(entry, "org");
                if (code is null) problems.Add($"{where}: \"code\" is required (2–12 lowercase letters or digits).");
                else if (!Validator.VentureCodePattern().IsMatch(code) || code == Venture.Global)
                    problems.Add($"{where}: code \"{code}\" must be 2–12 lowercase letters or digits and not \"{Venture.Global}\".");
                else if (!seen.Add(code)) problems.Add($"{where}: code \"{code}\" appears more than once; each venture needs its own code.");
                if (name is null) problems.Add($"{where}: \"name\" is required.");
                if (org is null) problems.Add($"{where}: \"org\" is required (the GitHub organisation owning its repos).");

                var repos = Strings(entry, "repos", where, problems);
                var capabilities = Strings(entry, "capabilities", where, problems);
                var noteTags = Strings(entry, "note_tags", where, problems);
                var platform = false;
                if (entry.TryGetProperty("platform", out var p))
                {
                    if (p.ValueKind is JsonValueKind.True or JsonValueKind.False) platform = p.GetBoolean();
                    else problems.Add($"{where}: \"platform\" must be true or false.");
                }

                double? budget = null;
                if (entry.TryGetProperty("daily_budget_usd", out var b) && b.ValueKind != JsonValueKind.Null)
                {
                    var budgetWhere = $"{path}:{JsonLines.LineOrEnclosing(lines, $"{element}.daily_budget_usd")}: {element}";
                    if (b.ValueKind != JsonValueKind.Number || !b.TryGetDouble(out var dollars))
                        problems.Add($"{budgetWhere}: \"daily_budget_usd\" must be a number of dollars.");
                    else if (BudgetRule.BudgetProblem(dollars) is { } problem) problems.Add($"{budgetWhere}: \"daily_budget_usd\" {problem}");
                    else budget = dollars;
                }

                var followUps = FollowUps(entry, element, path, lines, problems);
                var workflow = Workflow(entry, element, path, lines, problems);

                if (code is not null && name is not null && org is not null)
                    ventures.Add(new Venture(code, name, org, repos, capabilities, Text(entry, "secrets_path"), Text(entry, "design_spec"), platform, noteTags, budget, followUps, workflow));
            }

            if (problems.Count > 0)
                throw new VentureFileException($"{path} has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:\n" + string.Join("\n", problems));
            return ventures;
        }
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;

    private static IReadOnlyList<string> Strings(JsonElement entry, string name, string where, List<string> problems)
    {
        if (!entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            problems.Add($"{where}: \"{name}\" must be an array of strings.");
            return [];
        }
        return value.EnumerateArray().Select(v => v.GetString()!.Trim()).Where(v => v.Length > 0).ToList();
    }

    /// <summary>
    /// <c>follow_ups</c>: an array of <c>{after, create, title?, prompt?, priority?}</c> (docs/architecture.md §3, §14
    /// Supervision). Each problem names the rule's own line; the templates' placeholders are checked here, so a typo
    /// (<c>{branh}</c>) is found at load rather than in a task's prompt.
    /// </summary>
    private static IReadOnlyList<FollowUpRule> FollowUps(JsonElement entry, string element, string path, Dictionary<string, int> lines, List<string> problems)
    {
        if (!entry.TryGetProperty("follow_ups", out var value) || value.ValueKind == JsonValueKind.Null) return [];
        var field = $"{element}.follow_ups";
        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, field)}: {field}: must be an array of {{\"after\": \"code\", \"create\": \"review\"}} objects.");
            return [];
        }
        var rules = new List<FollowUpRule>();
        var wheres = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"{field}[{index}]";
            var where = $"{path}:{JsonLines.LineOrEnclosing(lines, at)}: {at}";
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{where}: must be an object like {{\"after\": \"code\", \"create\": \"review\"}}.");
                continue;
            }
            foreach (var member in item.EnumerateObject().Where(m => !FollowUpFields.Contains(m.Name)))
                problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, $"{at}.{member.Name}")}: {at}: {Unknown(member.Name, FollowUpFields)}");
            int? priority = null;
            if (item.TryGetProperty("priority", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n)) priority = n;
                else problems.Add($"{where}: \"priority\" must be a whole number 0–10.");
            }
            foreach (var name in new[] { "title", "prompt" })
            {
                if (item.TryGetProperty(name, out var t) && t.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    problems.Add($"{where}: \"{name}\" must be a string.");
            }
            rules.Add(new FollowUpRule(Text(item, "after") ?? "", Text(item, "create") ?? "", RawText(item, "title"), RawText(item, "prompt"), priority));
            wheres.Add(where);
        }
        foreach (var (i, problem) in FollowUpTemplates.Problems(rules))
            problems.Add($"{(i < wheres.Count ? wheres[i] : $"{path}:{JsonLines.LineOrEnclosing(lines, field)}: {field}")}: {problem}");
        return rules;
    }

    /// <summary>
    /// <c>workflow</c>: a venture's project workflow settings (docs/architecture.md §3, §17), every key optional. Types
    /// are checked here, field by field at its own line; what the values may be is <see cref="WorkflowSettingsRules"/>,
    /// which <c>PUT /v1/ventures</c> applies too.
    /// </summary>
    private static WorkflowSettings? Workflow(JsonElement entry, string element, string path, Dictionary<string, int> lines, List<string> problems)
    {
        if (!entry.TryGetProperty("workflow", out var block) || block.ValueKind == JsonValueKind.Null) return null;
        var field = $"{element}.workflow";
        var before = problems.Count;
        var refused = new HashSet<string>(StringComparer.Ordinal);
        // A problem of the key (max_bounces, endpoints[1].url; "" for the block), at that key's line.
        void Add(string key, string problem)
        {
            var at = key.Length == 0 ? field : $"{field}.{key}";
            refused.Add(key);
            problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, at)}: {at}: {problem}");
        }

        if (block.ValueKind != JsonValueKind.Object)
        {
            Add("", "must be an object like {\"test_command\": \"npm test\", \"base_url\": \"https://alpha.example.com\"}.");
            return null;
        }
        foreach (var member in block.EnumerateObject().Where(m => !WorkflowFields.Contains(m.Name)))
            problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, $"{field}.{member.Name}")}: {field}: {Unknown(member.Name, WorkflowFields)}");

        string? Str(string key)
        {
            if (!block.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            Add(key, "must be a string.");
            return null;
        }

        bool? Flag(JsonElement container, string key, string at)
        {
            if (!container.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            Add(at, "must be true or false.");
            return null;
        }

        IReadOnlyList<string>? reports = null;
        if (block.TryGetProperty("test_reports", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.Array || r.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                Add("test_reports", "must be an array of globs, like [\"**/TEST-*.xml\"].");
            else reports = r.EnumerateArray().Select(v => v.GetString()!).ToList();
        }

        List<SmokeEndpoint>? endpoints = null;
        if (block.TryGetProperty("endpoints", out var e) && e.ValueKind != JsonValueKind.Null)
        {
            if (e.ValueKind != JsonValueKind.Array)
                Add("endpoints", "must be an array of {\"url\": \"/api/health\", \"critical\": true} objects.");
            else
            {
                endpoints = [];
                var index = 0;
                foreach (var item in e.EnumerateArray())
                {
                    var at = $"endpoints[{index}]";
                    index++;
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        Add(at, "must be an object like {\"url\": \"/api/health\", \"critical\": true}.");
                        endpoints.Add(new SmokeEndpoint(""));
                        continue;
                    }
                    foreach (var member in item.EnumerateObject().Where(m => !EndpointFields.Contains(m.Name)))
                        problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, $"{field}.{at}.{member.Name}")}: {field}.{at}: {Unknown(member.Name, EndpointFields)}");
                    var url = "";
                    if (item.TryGetProperty("url", out var u) && u.ValueKind != JsonValueKind.Null)
                    {
                        if (u.ValueKind == JsonValueKind.String) url = u.GetString()!.Trim();
                        else Add($"{at}.url", "must be a string: an absolute http(s) URL or a path starting with '/'.");
                    }
                    endpoints.Add(new SmokeEndpoint(url, Flag(item, "critical", $"{at}.critical") ?? true));
                }
            }
        }

        int? maxBounces = null;
        if (block.TryGetProperty("max_bounces", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var n)) maxBounces = n;
            else Add("max_bounces", $"must be a whole number 0–{WorkflowSettingsRules.MaxMaxBounces}.");
        }

        List<WorkflowState>? gates = null;
        if (block.TryGetProperty("human_gates", out var g) && g.ValueKind != JsonValueKind.Null)
        {
            if (g.ValueKind != JsonValueKind.Array)
                Add("human_gates", $"must be an array of gates ({WorkflowSettingsRules.GateList}).");
            else
            {
                gates = [];
                var index = 0;
                foreach (var item in g.EnumerateArray())
                {
                    var at = $"human_gates[{index}]";
                    index++;
                    var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                    if (WorkflowSettingsRules.GateOrNull(name) is { } gate)
                    {
                        if (!gates.Contains(gate)) gates.Add(gate);
                    }
                    else Add(at, $"{(name is null ? "must be a string" : $"\"{name}\" is not a gate")}; the gates are {WorkflowSettingsRules.GateList}.");
                }
            }
        }

        var defaults = WorkflowSettings.Default;
        var settings = new WorkflowSettings(
            TestCommand: Str("test_command"),
            TestReports: reports,
            DeployCommand: Str("deploy_command"),
            BaseUrl: Str("base_url")?.Trim(),
            Endpoints: endpoints,
            MaxBounces: maxBounces,
            HumanGates: gates,
            MergeOnAccept: Flag(block, "merge_on_accept", "merge_on_accept") ?? defaults.MergeOnAccept,
            PlanCapability: Str("plan_capability") ?? defaults.PlanCapability,
            ReviewCapability: Str("review_capability") ?? defaults.ReviewCapability,
            CodeCapability: Str("code_capability") ?? defaults.CodeCapability,
            QaCapability: Str("qa_capability") ?? defaults.QaCapability,
            DeployCapability: Str("deploy_capability") ?? defaults.DeployCapability,
            DeployCommandCapability: Str("deploy_command_capability") ?? defaults.DeployCommandCapability);
        // What the types above already refused (an endpoint that is not an object) is not judged again.
        foreach (var (key, problem) in WorkflowSettingsRules.Problems(settings).ToList())
        {
            if (!refused.Any(k => key == k || key.StartsWith(k + ".", StringComparison.Ordinal))) Add(key, problem);
        }
        return problems.Count == before ? settings : null;
    }

    /// <summary>A template as written (not trimmed: a prompt's lines are the author's); null when absent or not a string.</summary>
    private static string? RawText(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The fields a venture entry may have (docs/architecture.md §3).</summary>
    private static readonly string[] Fields = ["code", "name", "org", "repos", "capabilities", "secrets_path", "design_spec", "platform", "note_tags", "daily_budget_usd", "follow_ups", "workflow"];

    /// <summary>The keys of a venture's <c>workflow</c> block (docs/architecture.md §3).</summary>
    private static readonly string[] WorkflowFields =
    [
        "test_command", "test_reports", "deploy_command", "base_url", "endpoints", "max_bounces", "human_gates", "merge_on_accept",
        "plan_capability", "review_capability", "code_capability", "qa_capability", "deploy_capability", "deploy_command_capability",
    ];

    private static readonly string[] EndpointFields = ["url", "critical"];

    private static readonly string[] FollowUpFields = ["after", "create", "title", "prompt", "priority"];

    private static string Unknown(string name, IReadOnlyList<string> known) =>
        ClosestName.FindOrNull(name, known) is { } near
            ? $"unknown field \"{name}\"; did you mean \"{near}\"?"
            : $"unknown field \"{name}\"; the fields are {string.Join(", ", known)}.";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}

/// <summary>The registry file cannot be used; the message names the file, line and problem.</summary>
public sealed class VentureFileException(string message) : Exception(message);
