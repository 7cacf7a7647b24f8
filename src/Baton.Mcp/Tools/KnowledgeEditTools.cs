using System.ComponentModel;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;
using Baton.Local.Docs;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

/// <summary>Writing knowledge: a note when someone asks for one, and the doc audit with healing.</summary>
[McpServerToolType]
public sealed class KnowledgeEditTools(ToolContext context)
{
    [McpServerTool(Name = "note", ReadOnly = false, Idempotent = false, OpenWorld = false)]
    [Description("Create a note in the knowledge store, or update one by id. Only when the user asks to save something: never save notes on your own. " +
                 "Content that looks like a secret is refused.")]
    public Task<CallToolResult> Note(
        [Description("The note's title (required to create).")] string? title = null,
        [Description("The note's content, markdown (required to create).")] string? content = null,
        [Description("Tags, e.g. executive-summary.")] string[]? tags = null,
        [Description("Venture code, or \"global\". Default: the current session's venture. Ignored when updating.")] string? venture = null,
        [Description("The id of a note to update; leave empty to create a new note.")] string? id = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            if (!string.IsNullOrWhiteSpace(id))
            {
                if (title is null && content is null && tags is null) throw SessionTools.Invalid("to update a note give at least one of title, content or tags.");
                var updated = await (await context.NotesAsync(ct)).UpdateNoteAsync(id.Trim(), new UpdateNoteRequest(title, content, tags), ct);
                return ToolResults.Ok($"Note `{updated.Id}` ({updated.Title}) updated.", updated);
            }
            if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(content))
                throw SessionTools.Invalid("to create a note give both title and content (or give id to update an existing note).");
            var scope = venture?.Trim() is { Length: > 0 } given ? given
                : (await context.CurrentVentureOrNullAsync(null, ct))?.Code
                  ?? throw SessionTools.Invalid("no venture is known here: pass venture (a venture code, or \"global\"), or call `sod` first.");
            var note = await (await context.NotesAsync(ct)).CreateNoteAsync(new CreateNoteRequest(scope, title, content, tags, Source: "mcp"), ct);
            return ToolResults.Ok($"Note `{note.Id}` ({note.Title}) saved in {note.Venture}.", note);
        });

    [McpServerTool(Name = "doc_audit", ReadOnly = false, Idempotent = true, OpenWorld = false)]
    [Description("Audit a venture's required docs (complete, warning when stale, incomplete when missing) and heal what can be generated from this repo.")]
    public Task<CallToolResult> DocAudit(
        [Description("Venture code. Default: the current session's venture (or the repo's).")] string? venture = null,
        [Description("Generate and upload missing or stale docs that can be generated. Default true.")] bool heal = true,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var docs = await context.DocsAsync(ct);
            var v = await context.CurrentVentureOrNullAsync(venture, ct)
                    ?? throw SessionTools.Invalid("no venture is known here: pass venture, or call `sod` first.");
            var workspace = await context.DetectWorkspaceAsync(ct);
            // Only a clone of one of the venture's own repos may feed its docs.
            var repoRoot = workspace.OrgRepo is not null && VentureLookup.Owns(v, workspace.OrgRepo) ? workspace.Root : null;
            var report = await DocHealer.AuditAndHealAsync(docs, RepoDocGenerator.Instance, v, repoRoot, workspace.OrgRepo ?? v.PrimaryRepo, heal, context.Clock.GetUtcNow(), ct);
            return ToolResults.Ok("## Doc audit\n" + report.ToMarkdown(), report);
        });
}
