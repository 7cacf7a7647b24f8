using System.ComponentModel;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Ventures;
using Baton.Local.Git;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One preflight check: PASS, WARN or FAIL, what was found, and how to fix it when it is not a pass.</summary>
public sealed record PreflightCheck(string Name, CheckStatus Status, string Detail, string? Fix);

public sealed record PreflightResult(IReadOnlyList<PreflightCheck> Checks, int Passed, int Warnings, int Failures);

public sealed record VentureClones(Venture Venture, IReadOnlyList<RepoClone> Repos);

public sealed record RepoClone(string Repo, string? LocalPath);

public sealed record VenturesToolResult(IReadOnlyList<VentureClones> Ventures, IReadOnlyList<string> RepoRoots);

/// <summary>Setting up and looking around: is everything in place, which ventures exist, what is this week's plan.</summary>
[McpServerToolType]
public sealed class SetupTools(ToolContext context)
{
    [McpServerTool(Name = "preflight", ReadOnly = true, Idempotent = true, OpenWorld = true)]
    [Description("Check that everything this agent needs is in place (Baton key and server or local store, git repo and remote, venture, gh CLI, weekly plan). Each check is PASS, WARN or FAIL with a fix.")]
    public Task<CallToolResult> Preflight(CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var checks = new List<PreflightCheck>();
            var backend = context.Backend;

            IReadOnlyList<Venture>? registry = null;
            if (backend.Mode == BackendMode.Server && !backend.KeyConfigured)
            {
                checks.Add(new("key", CheckStatus.Fail, "BATON_URL is set but BATON_KEY is not.",
                    "Set BATON_KEY in the env of this MCP server's config (an admin makes one with `baton keys create`), or start the agent with `baton launch <venture>`."));
            }
            try
            {
                registry = await (await backend.GetAsync(ct)).Ventures.ListVenturesAsync(ct);
                if (backend.Mode == BackendMode.Server)
                {
                    if (backend.KeyConfigured) checks.Add(new("key", CheckStatus.Pass, "BATON_KEY is set and the server accepted it.", null));
                    checks.Add(new("backend", CheckStatus.Pass, $"Server reachable at {backend.Label}.", null));
                }
                else
                {
                    checks.Add(new("key", CheckStatus.Pass, "Local mode: no key needed.", null));
                    checks.Add(new("backend", CheckStatus.Pass, $"Local store usable ({backend.Label}).", null));
                }
            }
            catch (BatonException ex) when (ex.Code == ErrorCodes.Unauthorized)
            {
                if (backend.KeyConfigured)
                    checks.Add(new("key", CheckStatus.Fail, "The server refused BATON_KEY (unknown or revoked).", "Set BATON_KEY to a valid key (`baton keys create` as an admin), or `baton launch <venture>`."));
                checks.Add(new("backend", CheckStatus.Pass, $"Server reachable at {backend.Label} (it answered 401).", null));
            }
            catch (BatonException ex)
            {
                checks.Add(new("backend", CheckStatus.Fail, ex.Detail,
                    backend.Mode == BackendMode.Server
                        ? "Start the server (`baton serve`) or fix BATON_URL; unset BATON_URL to work in local mode."
                        : "Check the data directory (BATON_DATA_DIR) is writable and not on a network share."));
            }
            catch (ToolProblem ex)
            {
                // The backend could not be opened at all (a malformed venture registry, …): the message names the fix.
                checks.Add(new("backend", CheckStatus.Fail, ex.Message, "Fix what it names, then call `preflight` again."));
            }

            var workspace = await context.DetectWorkspaceAsync(ct);
            if (!workspace.IsRepository)
                checks.Add(new("git", CheckStatus.Fail, workspace.Problem!, "Start the agent CLI inside the repository you work on."));
            else if (workspace.OrgRepo is null)
                checks.Add(new("git", CheckStatus.Fail, $"Inside {workspace.Root}, but {workspace.RemoteProblem}", "Add an origin remote pointing at the GitHub repo."));
            else
                checks.Add(new("git", CheckStatus.Pass, RepoState.From(workspace).ToMarkdown(), null));

            if (workspace.OrgRepo is null || registry is null)
                checks.Add(new("venture", CheckStatus.Warn, "Not checked: needs the registry and a repo with a recognisable remote.", "Fix the checks above first."));
            else if (VentureLookup.FindForRepoOrNull(registry, workspace.OrgRepo) is { } venture)
                checks.Add(new("venture", CheckStatus.Pass, $"{workspace.OrgRepo} belongs to {venture.Name} ({venture.Code}).", null));
            else
                checks.Add(new("venture", CheckStatus.Fail, $"No registered venture lists {workspace.OrgRepo} (known: {string.Join(", ", registry.Select(v => v.Code))}).",
                    "Add the repo to its venture's org/repos in ventures.json (or `baton ventures set`), or pass `venture` to `sod`."));

            checks.Add(await GhCheckAsync(workspace, ct));

            if (workspace.Root is null)
                checks.Add(new("weekly_plan", CheckStatus.Warn, "Not checked: not inside a repository.", "Fix the git check first."));
            else
            {
                var plan = await WeeklyPlan.ReadAsync(workspace.Root, context.Clock.GetUtcNow(), ct);
                checks.Add(!plan.Exists
                    ? new("weekly_plan", CheckStatus.Warn, $"{WeeklyPlan.RelativePath} does not exist.", $"Create {WeeklyPlan.RelativePath} with a '## Current priority' section.")
                    : plan.Stale
                        ? new("weekly_plan", CheckStatus.Warn, $"The weekly plan is {plan.AgeDays} days old (stale after {WeeklyPlan.StaleAfterDays}).", "Ask the team for this week's priorities and update the plan.")
                        : new("weekly_plan", CheckStatus.Pass, $"Weekly plan present, {plan.AgeDays} days old; current priority: {plan.CurrentPriority ?? "(none stated)"}.", null));
            }

            var result = new PreflightResult(checks, checks.Count(c => c.Status == CheckStatus.Pass),
                checks.Count(c => c.Status == CheckStatus.Warn), checks.Count(c => c.Status == CheckStatus.Fail));
            var text = new StringBuilder($"## Preflight: {result.Passed} passed, {result.Warnings} warnings, {result.Failures} failed\n");
            foreach (var check in checks)
            {
                text.Append($"- **{check.Status.ToString().ToUpperInvariant()}** {check.Name}: {check.Detail}");
                if (check.Fix is not null) text.Append($" Fix: {check.Fix}");
                text.Append('\n');
            }
            return ToolResults.Ok(text.ToString(), result);
        });

    [McpServerTool(Name = "ventures", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The venture registry: every venture with its org and repos, and whether each repo is cloned locally under the repo roots (BATON_REPO_ROOTS, default ~/dev).")]
    public Task<CallToolResult> Ventures(CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var registry = await (await context.BackendAsync(ct)).Ventures.ListVenturesAsync(ct);
            var roots = context.Options.RepoRoots;
            var ventures = registry.Select(v => new VentureClones(v, v.Repos.Select(r => new RepoClone($"{v.Org}/{r}", FindCloneOrNull(roots, v.Org, r))).ToList())).ToList();

            var text = new StringBuilder($"## Ventures ({registry.Count})\nRepo roots: {(roots.Count == 0 ? "none" : string.Join(", ", roots))}\n");
            foreach (var entry in ventures)
            {
                var v = entry.Venture;
                text.Append($"\n### {v.Name} (`{v.Code}`){(v.Platform ? " — platform" : "")}\n");
                if (v.Capabilities.Count > 0) text.Append($"Capabilities: {string.Join(", ", v.Capabilities)}\n");
                foreach (var repo in entry.Repos) text.Append($"- {repo.Repo}: {(repo.LocalPath is null ? "not cloned locally" : $"cloned at `{repo.LocalPath}`")}\n");
                if (entry.Repos.Count == 0) text.Append("- no repos registered\n");
            }
            return ToolResults.Ok(text.ToString(), new VenturesToolResult(ventures, roots));
        });

    [McpServerTool(Name = "plan", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("This week's plan from docs/planning/WEEKLY_PLAN.md in the current repo: the current priority, how old the plan is, and whether it is stale (older than 7 days).")]
    public Task<CallToolResult> Plan(CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var workspace = await context.DetectWorkspaceAsync(ct);
            if (workspace.Root is null) throw new ToolProblem(McpErrorCodes.NoRepository, $"No weekly plan to read: {workspace.Problem}");
            var plan = await WeeklyPlan.ReadAsync(workspace.Root, context.Clock.GetUtcNow(), ct);
            if (!plan.Exists)
                throw new ToolProblem(ErrorCodes.NotFound, $"{WeeklyPlan.RelativePath} does not exist in {workspace.Root}: ask the team for this week's priorities, or create it with a '## Current priority' section.");
            var text = new StringBuilder("## Weekly plan\n");
            text.Append($"Current priority: {plan.CurrentPriority ?? "(the plan states none: add a '## Current priority' section)"}\n");
            text.Append($"Last changed {Timestamp.ToWire(plan.LastChanged!.Value)} ({plan.LastChangedFrom}), {plan.AgeDays} days ago.\n");
            if (plan.Stale) text.Append($"**Stale**: older than {WeeklyPlan.StaleAfterDays} days. Confirm priorities with the team before relying on it.\n");
            text.Append($"\n---\n{await File.ReadAllTextAsync(plan.Path, ct)}");
            return ToolResults.Ok(text.ToString(), plan);
        });

    private async Task<PreflightCheck> GhCheckAsync(GitWorkspace workspace, CancellationToken ct)
    {
        var gh = new GhCli(context.Options.GhCommand);
        var cwd = workspace.Root ?? context.Options.WorkingDirectory;
        try
        {
            var auth = await gh.RunAsync(cwd, ct, "auth", "status");
            return auth.Succeeded
                ? new("gh", CheckStatus.Pass, "gh is installed and authenticated.", null)
                : new("gh", CheckStatus.Warn, "gh is installed but not authenticated (`gh auth status` failed).", "Run `gh auth login` (or set GH_TOKEN for the agent); `status` and `create_issue` need it.");
        }
        catch (ToolProblem problem) when (problem.Code == McpErrorCodes.GhMissing)
        {
            return new("gh", CheckStatus.Warn, "gh (the GitHub CLI) is not installed or not on PATH.", "Install it from https://cli.github.com and run `gh auth login`; `status` and `create_issue` need it.");
        }
    }

    private static string? FindCloneOrNull(IReadOnlyList<string> roots, string org, string repo)
    {
        foreach (var root in roots)
        {
            foreach (var candidate in new[] { Path.Combine(root, repo), Path.Combine(root, org, repo) })
            {
                // .git is a directory in a clone and a file in a linked worktree: either means "cloned here".
                var git = Path.Combine(candidate, ".git");
                if (Directory.Exists(git) || File.Exists(git)) return candidate;
            }
        }
        return null;
    }
}
