using System.ComponentModel;
using System.Globalization;
using System.Text;
using Baton.Core.Common;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record StatusToolResult(
    string Repo,
    int Shown,
    long? Total,
    string Count,
    string TotalSource,
    IReadOnlyList<IssueGroup> ByPriority,
    IReadOnlyList<IssueGroup> ByStatus);

/// <summary>The GitHub work queue of the current repo, through the <c>gh</c> CLI.</summary>
[McpServerToolType]
public sealed class WorkQueueTools(ToolContext context)
{
    [McpServerTool(Name = "status", ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description("The GitHub work queue of the current repo (open issues via the gh CLI), grouped by priority label (P0–P3, unlabelled) and by status:* label, with honest counts.")]
    public Task<CallToolResult> Status(
        [Description("Repository as org/repo. Default: the current repo from git.")] string? repo = null,
        [Description("Most issues to list (1–200, default 20).")] int? limit = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var max = limit ?? context.Options.DefaultIssueLimit;
            if (max is < 1 or > 200) throw SessionTools.Invalid("limit must be between 1 and 200.");
            var workspace = await context.DetectWorkspaceAsync(ct);
            var orgRepo = ToolContext.RepoOrThrow(repo, workspace);
            var gh = new GhCli(context.Options.GhCommand);
            var cwd = workspace.Root ?? context.Options.WorkingDirectory;

            var list = await gh.RunAsync(cwd, ct, "issue", "list", "--repo", orgRepo, "--state", "open",
                "--json", "number,title,labels,url", "--limit", max.ToString(CultureInfo.InvariantCulture));
            if (!list.Succeeded) throw GhCli.Failure(list, $"list the issues of {orgRepo}");
            var issues = GhCli.ParseIssues(list.Stdout);

            // gh issue list stops at --limit and says nothing of the rest, so the total comes from GitHub's search
            // API; if that fails the count says "total unknown" rather than pretending the page is the whole.
            long? total = issues.Count < max ? issues.Count : null;
            var source = "the list itself (fewer issues than the limit)";
            if (total is null)
            {
                var search = await gh.RunAsync(cwd, ct, "api", "-X", "GET", "search/issues",
                    "-f", $"q=repo:{orgRepo} is:issue is:open", "-f", "per_page=1", "--jq", ".total_count");
                total = search.Succeeded ? GhCli.ParseCountOrNull(search.Stdout) : null;
                source = total is null ? "unknown: the GitHub search API (gh api search/issues) did not answer" : "the GitHub search API (gh api search/issues, total_count)";
                if (total < issues.Count) total = issues.Count; // the search index can lag the list by a few seconds
            }
            var count = (total is null ? Count.Unknown(issues.Count) : Count.Slice(issues.Count, total.Value)).ToString();
            var byPriority = IssueQueue.ByPriority(issues);
            var byStatus = IssueQueue.ByStatus(issues);

            var text = new StringBuilder($"## Open issues in {orgRepo} ({count})\n");
            text.Append($"Total from {source}.");
            if (total != issues.Count) text.Append($" The groups below count only the {issues.Count} issues shown; call `status` with a larger limit (up to 200) for more.");
            text.Append('\n');
            foreach (var group in byPriority)
            {
                text.Append($"\n### {group.Label} ({group.Issues.Count})\n");
                foreach (var issue in group.Issues)
                {
                    var status = issue.Labels.FirstOrDefault(l => l.StartsWith("status:", StringComparison.OrdinalIgnoreCase));
                    text.Append($"- #{issue.Number} {issue.Title}{(status is null ? "" : $" [{status}]")} {issue.Url}\n");
                }
            }
            if (issues.Count == 0) text.Append("\nNo open issues.\n");
            else text.Append("\n### By status\n").Append(string.Join("\n", byStatus.Select(g => $"- {g.Label}: {g.Issues.Count}"))).Append('\n');
            return ToolResults.Ok(text.ToString(), new StatusToolResult(orgRepo, issues.Count, total, count, source, byPriority, byStatus));
        });
}
