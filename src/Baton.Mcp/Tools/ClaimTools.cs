using System.ComponentModel;
using System.Text;
using Baton.Core.Claims;
using Baton.Core.Common;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record ClaimsToolResult(IReadOnlyList<Claim> Items, long Total, string Count, string? NextCursor);

/// <summary>
/// Claims as an agent uses them (issue 15, docs/architecture.md §15 Claims): claim an issue or files for the current
/// session (a conflict comes back as an error naming the holder — refused, not advisory), release, and list the repo's
/// held claims. Thin adapters over <see cref="IClaimService"/>.
/// </summary>
[McpServerToolType]
public sealed class ClaimTools(ToolContext context)
{
    [McpServerTool(Name = "claim", ReadOnly = false, Idempotent = true, OpenWorld = false)]
    [Description("Claim files (git globs) or an issue for this session before working on them, so no other live session edits them at the same " +
                 "time. Exclusive by default; a conflict is refused with who holds it and since when — then work on something else or ask them. " +
                 "Ending the session releases every claim.")]
    public Task<CallToolResult> Claim(
        [Description("File globs relative to the repository root (git wildmatch: src/Claims/**, *.md, /README.md). Leave empty to claim an issue.")] string[]? files = null,
        [Description("The GitHub issue to claim instead of files.")] int? issue_number = null,
        [Description("true: shared (overlaps other shared claims); default false: exclusive.")] bool shared = false,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var claims = await context.ClaimsAsync(ct);
            var current = context.Memory.Require("claim files or an issue");
            var answer = await claims.ClaimAsync(new CreateClaimRequest(current.Session.Id, issue_number, files is { Length: > 0 } ? files : null,
                shared ? ClaimMode.Shared : ClaimMode.Exclusive), ct);
            var c = answer.Claim;
            var text = $"{(answer.Created ? "Claimed" : "Already held:")} {c.Target} ({Mode(c.Mode)}) as `{c.Id}` in {c.Repo}. " +
                       $"`release` with claim_id `{c.Id}` when done; ending the session releases it too.";
            return ToolResults.Ok(text, answer);
        });

    [McpServerTool(Name = "release", ReadOnly = false, Idempotent = true, OpenWorld = false)]
    [Description("Release a claim (claim_id), or every claim of this session (all=true), so others may work on it.")]
    public Task<CallToolResult> Release(
        [Description("The claim to release (claim_…).")] string? claim_id = null,
        [Description("true: release every claim of the current session.")] bool all = false,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var claims = await context.ClaimsAsync(ct);
            if (string.IsNullOrWhiteSpace(claim_id) == !all) throw SessionTools.Invalid("pass claim_id, or all=true for every claim of this session.");
            var released = new List<Claim>();
            if (!all)
            {
                released.Add(await claims.ReleaseClaimAsync(claim_id!.Trim(), ct));
            }
            else
            {
                var session = context.Memory.Require("release this session's claims").Session.Id;
                while ((await claims.ListClaimsAsync(new ClaimListRequest(SessionId: session, Limit: PageRequest.MaxLimit), ct)).Items is { Count: > 0 } page)
                {
                    foreach (var c in page) released.Add(await claims.ReleaseClaimAsync(c.Id, ct));
                }
            }
            var text = released.Count == 0
                ? "This session holds no claims."
                : string.Join("\n", released.Select(c => $"Released `{c.Id}`: {c.Target} ({Mode(c.Mode)})."));
            return ToolResults.Ok(text, new ListResult<Claim>(released, released.Count));
        });

    [McpServerTool(Name = "claims", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Held claims in this repo (or the given one), newest first, with the exact total: who holds which files or issues, exclusive or shared, since when.")]
    public Task<CallToolResult> Claims(
        [Description("Repository as org/repo. Default: the current session's repo.")] string? repo = null,
        [Description("Most claims to return (1–50, default 20).")] int limit = 20,
        [Description("Continue from the next_cursor of a previous answer.")] string? cursor = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var claims = await context.ClaimsAsync(ct);
            if (limit is < 1 or > 50) throw SessionTools.Invalid("limit must be between 1 and 50.");
            var current = context.Memory.CurrentOrNull;
            var page = await claims.ListClaimsAsync(new ClaimListRequest(current?.Venture.Code, repo ?? current?.Session.Repo, null, limit, cursor), ct);
            var count = page.Items.Count >= page.Total ? Count.All(page.Items.Count).ToString() : Count.Slice(page.Items.Count, page.Total).ToString();
            var text = new StringBuilder($"Held claims ({count}):\n");
            foreach (var c in page.Items)
                text.Append($"- {c.Agent} · {Mode(c.Mode)} · {c.Target} · since {Timestamp.ToWire(c.CreatedAt)} · `{c.Id}` · {c.SessionId}\n");
            if (page.NextCursor is not null) text.Append($"More: call `claims` with cursor `{page.NextCursor}`.\n");
            return ToolResults.Ok(text.ToString(), new ClaimsToolResult(page.Items, page.Total, count, page.NextCursor));
        });

    private static string Mode(ClaimMode mode) => mode == ClaimMode.Exclusive ? "exclusive" : "shared";
}
