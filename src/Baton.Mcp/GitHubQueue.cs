using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Local.Git;

namespace Baton.Mcp;

/// <summary>An open issue as <c>gh issue list --json number,title,labels,url</c> gives it.</summary>
public sealed record QueueIssue(int Number, string Title, IReadOnlyList<string> Labels, string Url);

/// <summary>Issues under one label (a priority, or a <c>status:*</c> label); counts are of the issues shown.</summary>
public sealed record IssueGroup(string Label, IReadOnlyList<QueueIssue> Issues);

/// <summary>
/// The GitHub CLI, run as a program (never through a shell). Everything GitHub-shaped goes through here so the tools
/// report a missing or unauthenticated <c>gh</c> the same way.
/// </summary>
public sealed partial class GhCli(string command)
{
    public string Command { get; } = command;

    /// <summary>Runs gh; a problem saying how to install it when it is missing.</summary>
    public async Task<CommandOutput> RunAsync(string workingDirectory, CancellationToken ct, params string[] arguments) =>
        await ExternalCommand.RunOrNullAsync(Command, arguments, Directory.Exists(workingDirectory) ? workingDirectory : Path.GetTempPath(), ct)
        ?? throw new ToolProblem(McpErrorCodes.GhMissing,
            $"The GitHub CLI (`{Command}`) is not installed or not on PATH: install it from https://cli.github.com, then run `gh auth login`.");

    /// <summary>A failed gh run as a problem that says what to do (log in, check the repo name).</summary>
    public static ToolProblem Failure(CommandOutput output, string what)
    {
        var message = output.Stderr.Trim() is { Length: > 0 } e ? e : output.Stdout.Trim();
        if (NotAuthenticated().IsMatch(message))
            return new ToolProblem(McpErrorCodes.GhFailed, $"gh is not authenticated, so it cannot {what}: run `gh auth login` (or set GH_TOKEN for the agent). gh said: {FirstLine(message)}");
        return new ToolProblem(McpErrorCodes.GhFailed, $"gh could not {what} (exit {output.ExitCode}): {FirstLine(message)}");
    }

    public static IReadOnlyList<QueueIssue> ParseIssues(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(issue => new QueueIssue(
            issue.GetProperty("number").GetInt32(),
            issue.GetProperty("title").GetString() ?? "",
            issue.TryGetProperty("labels", out var labels) ? labels.EnumerateArray().Select(l => l.GetProperty("name").GetString() ?? "").ToList() : [],
            issue.TryGetProperty("url", out var url) ? url.GetString() ?? "" : "")).ToList();
    }

    /// <summary>The number gh printed (for <c>--jq .total_count</c>), or null when it printed something else.</summary>
    public static long? ParseCountOrNull(string text) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no message";

    [GeneratedRegex(@"auth login|not logged in|authentication|GH_TOKEN|HTTP 401", RegexOptions.IgnoreCase)]
    private static partial Regex NotAuthenticated();
}

/// <summary>Pure grouping of an issue list by priority (P0–P3, else unlabelled) and by <c>status:*</c> label.</summary>
public static partial class IssueQueue
{
    public const string Unprioritised = "unlabelled";
    public const string NoStatus = "no status";

    /// <summary>P0…P3 from labels such as <c>P1</c>, <c>p2</c>, <c>priority:P0</c> or <c>priority/p3</c>; the most urgent wins.</summary>
    public static string PriorityOf(QueueIssue issue) =>
        issue.Labels.Select(l => PriorityLabel().Match(l)).Where(m => m.Success).Select(m => "P" + m.Groups[1].Value).Order(StringComparer.Ordinal).FirstOrDefault()
        ?? Unprioritised;

    public static IReadOnlyList<IssueGroup> ByPriority(IReadOnlyList<QueueIssue> issues) =>
        new[] { "P0", "P1", "P2", "P3", Unprioritised }
            .Select(p => new IssueGroup(p, issues.Where(i => PriorityOf(i) == p).ToList()))
            .Where(g => g.Issues.Count > 0).ToList();

    /// <summary>Groups by every <c>status:*</c> label (an issue with two is in both); issues with none under <see cref="NoStatus"/>.</summary>
    public static IReadOnlyList<IssueGroup> ByStatus(IReadOnlyList<QueueIssue> issues)
    {
        static IEnumerable<string> StatusLabels(QueueIssue i) => i.Labels.Where(l => l.StartsWith("status:", StringComparison.OrdinalIgnoreCase));
        var groups = issues.SelectMany(StatusLabels).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)
            .Select(label => new IssueGroup(label, issues.Where(i => StatusLabels(i).Contains(label, StringComparer.OrdinalIgnoreCase)).ToList()))
            .ToList();
        var none = issues.Where(i => !StatusLabels(i).Any()).ToList();
        if (none.Count > 0) groups.Add(new IssueGroup(NoStatus, none));
        return groups;
    }

    [GeneratedRegex(@"^(?:priority[:/ _-]?\s*)?p([0-3])$", RegexOptions.IgnoreCase)]
    private static partial Regex PriorityLabel();
}
