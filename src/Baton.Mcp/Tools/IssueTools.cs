using System.ComponentModel;
using Baton.Core.Ventures;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record CreatedIssue(string Repo, string Venture, string Url);

/// <summary>Filing GitHub issues, only inside the active venture's registered repos.</summary>
[McpServerToolType]
public sealed class IssueTools(ToolContext context)
{
    [McpServerTool(Name = "create_issue", ReadOnly = false, Idempotent = false, OpenWorld = true)]
    [Description("File a GitHub issue (via gh) in one of the active venture's registered repos. Any other repo is refused: record cross-venture work with `handoff` (target_venture) instead.")]
    public Task<CallToolResult> CreateIssue(
        [Description("Issue title.")] string title,
        [Description("Issue body, markdown.")] string? body = null,
        [Description("Repository as org/repo. Default: the current repo; must be one of the active venture's repos.")] string? repo = null,
        [Description("Labels to add, e.g. P1, status:ready.")] string[]? labels = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            if (string.IsNullOrWhiteSpace(title)) throw SessionTools.Invalid("title is required.");
            var workspace = await context.DetectWorkspaceAsync(ct);
            var target = ToolContext.RepoOrThrow(repo, workspace);
            var venture = context.Memory.CurrentOrNull?.Venture
                          ?? await context.VentureOrThrowAsync(null, ToolContext.RepoOrThrow(null, workspace), ct);

            // The boundary is checked before gh runs at all: an issue filed in the wrong venture's repo is the
            // mistake the briefing's directive exists to prevent.
            if (!VentureLookup.Owns(venture, target))
            {
                var owner = VentureLookup.FindForRepoOrNull(await (await context.BackendAsync(ct)).Ventures.ListVenturesAsync(ct), target);
                var allowed = string.Join(", ", VentureLookup.OrgRepos(venture));
                return ToolResults.Error(McpErrorCodes.VentureBoundaryViolation,
                    $"{target} is not a repo of the active venture {venture.Code} (its repos: {allowed}). Nothing was filed. " +
                    $"Record the work as a cross-venture handoff instead: call `handoff` with target_venture=\"{owner?.Code ?? "<the owning venture>"}\" " +
                    "and a summary of what needs doing, then continue in scope.",
                    new { target_repo = target, active_venture = venture.Code, allowed_repos = VentureLookup.OrgRepos(venture), owning_venture = owner?.Code });
            }

            var arguments = new List<string> { "issue", "create", "--repo", target, "--title", title.Trim(), "--body", body ?? "" };
            foreach (var label in labels ?? []) arguments.AddRange(["--label", label]);
            var gh = new GhCli(context.Options.GhCommand);
            var created = await gh.RunAsync(workspace.Root ?? context.Options.WorkingDirectory, ct, [.. arguments]);
            if (!created.Succeeded) throw GhCli.Failure(created, $"create an issue in {target}");
            var url = created.Stdout.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
            return ToolResults.Ok($"Created {url} in {target}.", new CreatedIssue(target, venture.Code, url));
        });
}
