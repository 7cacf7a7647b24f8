using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>
/// What a venture's <see cref="WorkflowSettings"/> may hold (docs/architecture.md §3, §17). One list of problems for
/// both ways in: <c>ventures.json</c> (each problem at its field's line) and <c>PUT /v1/ventures/{code}</c>.
/// </summary>
public static partial class WorkflowSettingsRules
{
    public const int MaxCommand = 2_000;
    public const int MaxMaxBounces = 10;
    public const int MaxEndpoints = 50;
    public const int MaxTestReports = 50;
    public const int MaxUrl = 2_000;
    public const int MaxGlob = 500;

    /// <summary>The JSON key of each capability field, with its value.</summary>
    private static IEnumerable<(string Field, string? Value)> Capabilities(WorkflowSettings s) =>
    [
        ("plan_capability", s.PlanCapability), ("review_capability", s.ReviewCapability), ("code_capability", s.CodeCapability),
        ("qa_capability", s.QaCapability), ("deploy_capability", s.DeployCapability), ("deploy_command_capability", s.DeployCommandCapability),
    ];

    /// <summary>
    /// Every problem, each with the field it is about as the JSON writes it (<c>max_bounces</c>, <c>endpoints[1].url</c>,
    /// <c>human_gates[0]</c>) and what to change.
    /// </summary>
    public static IReadOnlyList<(string Field, string Problem)> Problems(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<(string, string)>();
        Command(problems, "test_command", settings.TestCommand);
        Command(problems, "deploy_command", settings.DeployCommand);

        var reports = settings.TestReports ?? [];
        if (reports.Count > MaxTestReports) problems.Add(("test_reports", $"at most {MaxTestReports} globs (got {reports.Count})."));
        for (var i = 0; i < reports.Count; i++)
        {
            var glob = reports[i];
            if (string.IsNullOrWhiteSpace(glob)) problems.Add(($"test_reports[{i}]", "must be a glob like \"**/*.trx\", not empty."));
            else if (glob.Length > MaxGlob) problems.Add(($"test_reports[{i}]", $"is {glob.Length:N0} characters; at most {MaxGlob}."));
            else if (glob.StartsWith('/') || glob.Contains("..", StringComparison.Ordinal))
                problems.Add(($"test_reports[{i}]", $"\"{glob}\" must be relative to the worktree (no leading '/', no '..'), like \"**/TEST-*.xml\"."));
        }

        if (settings.BaseUrl is { } baseUrl && !IsHttpUrl(baseUrl))
            problems.Add(("base_url", $"\"{Clip(baseUrl)}\" must be an absolute http(s) URL, like \"https://alpha.example.com\"."));

        var endpoints = settings.Endpoints ?? [];
        if (endpoints.Count > MaxEndpoints) problems.Add(("endpoints", $"at most {MaxEndpoints} endpoints (got {endpoints.Count})."));
        for (var i = 0; i < endpoints.Count; i++)
        {
            var field = $"endpoints[{i}]";
            if (endpoints[i] is not { } endpoint)
            {
                problems.Add((field, "must be an object like {\"url\": \"/api/health\", \"critical\": true}."));
                continue;
            }
            var url = endpoint.Url;
            if (string.IsNullOrWhiteSpace(url)) problems.Add(($"{field}.url", "is required: an absolute http(s) URL or a path starting with '/'."));
            else if (url.Length > MaxUrl) problems.Add(($"{field}.url", $"is {url.Length:N0} characters; at most {MaxUrl:N0}."));
            else if (url.StartsWith('/'))
            {
                if (url.StartsWith("//", StringComparison.Ordinal))
                    problems.Add(($"{field}.url", $"\"{Clip(url)}\" must be a path starting with a single '/', or an absolute http(s) URL."));
                else if (settings.BaseUrl is null)
                    problems.Add(($"{field}.url", $"\"{Clip(url)}\" is a path: give \"base_url\" too, or write the absolute URL."));
            }
            else if (!IsHttpUrl(url)) problems.Add(($"{field}.url", $"\"{Clip(url)}\" must be an absolute http(s) URL or a path starting with '/'."));
        }

        if (settings.MaxBounces is < 0 or > MaxMaxBounces)
            problems.Add(("max_bounces", $"must be 0–{MaxMaxBounces} (got {settings.MaxBounces})."));

        var gates = settings.HumanGates ?? [];
        for (var i = 0; i < gates.Count; i++)
        {
            if (!WorkflowMachine.Gates.Contains(gates[i]))
                problems.Add(($"human_gates[{i}]", $"\"{GateName(gates[i])}\" is not a gate; the gates are {GateList}."));
        }

        foreach (var (field, value) in Capabilities(settings))
        {
            if (value is null || !CapabilityPattern().IsMatch(value))
                problems.Add((field, $"must be a capability name (letters, digits, '.', '_' or '-', starting with a letter or digit; up to 100), like \"code\"."));
        }
        return problems;
    }

    /// <summary>A gate as <c>ventures.json</c> and the API write it: <c>review</c>, <c>qa</c>, <c>validate</c>.</summary>
    public static string GateName(WorkflowState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>The gate a name means (<c>review</c>, <c>qa</c>, <c>validate</c>), or null.</summary>
    public static WorkflowState? GateOrNull(string? name) =>
        WorkflowMachine.Gates.Where(g => GateName(g) == name).Select(g => (WorkflowState?)g).FirstOrDefault();

    public static string GateList => string.Join(", ", WorkflowMachine.Gates.Select(GateName));

    /// <summary>Two settings that say the same (null and null alike): compared as the JSON they are stored as.</summary>
    public static bool Same(WorkflowSettings? a, WorkflowSettings? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && JsonSerializer.Serialize(a, BatonJson.Options) == JsonSerializer.Serialize(b, BatonJson.Options));

    private static void Command(List<(string, string)> problems, string field, string? command)
    {
        if (command is null) return;
        if (command.Trim().Length == 0) problems.Add((field, "is empty; leave it out instead."));
        else if (command.Length > MaxCommand) problems.Add((field, $"is {command.Length:N0} characters; at most {MaxCommand:N0} (put a longer one in a script in the repo)."));
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex CapabilityPattern();
}
