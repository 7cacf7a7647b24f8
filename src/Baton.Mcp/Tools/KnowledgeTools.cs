using System.ComponentModel;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record NotesToolResult(IReadOnlyList<NoteHit> Items, long Total, string Count, string? NextCursor);

/// <summary>Reading knowledge: one doc, and note search. Both read-only.</summary>
[McpServerToolType]
public sealed class KnowledgeTools(ToolContext context)
{
    [McpServerTool(Name = "doc", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Fetch one operational doc in full by scope and name (the briefing's docs index lists them).")]
    public Task<CallToolResult> Doc(
        [Description("\"global\" or a venture code, as the docs index shows it.")] string scope,
        [Description("The doc name, e.g. alpha-project-instructions.md.")] string name,
        [Description("An earlier version number; default the current one.")] int? version = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            if (string.IsNullOrWhiteSpace(scope) || string.IsNullOrWhiteSpace(name))
                throw SessionTools.Invalid("scope and name are required: the docs index in the `sod` briefing lists both for every doc.");
            if (version is <= 0) throw SessionTools.Invalid("version must be a positive number.");
            var doc = await (await context.DocsAsync(ct)).GetDocAsync(scope.Trim(), name.Trim(), version, ct);
            var header = $"<!-- {doc.Scope}/{doc.Name} v{doc.Version}, {doc.SizeBytes:N0} bytes, updated {Timestamp.ToWire(doc.UpdatedAt)}" +
                         $"{(doc.Generated ? ", generated" : "")} -->\n";
            return ToolResults.Ok(header + doc.Content, doc);
        });

    [McpServerTool(Name = "notes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Search the knowledge store's notes (full text, ranked), within the current venture plus global notes unless told otherwise.")]
    public Task<CallToolResult> Notes(
        [Description("Words to search for; empty lists the newest notes.")] string? query = null,
        [Description("Only notes with this tag.")] string? tag = null,
        [Description("Venture code to search in. Default: the current session's venture (or the repo's).")] string? venture = null,
        [Description("Also search global notes. Default true.")] bool include_global = true,
        [Description("Most notes to return (1–50, default 10).")] int limit = 10,
        [Description("Continue from the next_cursor of a previous answer.")] string? cursor = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            if (limit is < 1 or > 50) throw SessionTools.Invalid("limit must be between 1 and 50.");
            var scope = (await context.CurrentVentureOrNullAsync(venture, ct))?.Code;
            var page = await (await context.NotesAsync(ct)).SearchNotesAsync(new NoteSearchRequest(query, tag, scope, include_global, null, limit, cursor), ct);
            var count = Count.Slice(page.Items.Count, page.Total).ToString();

            var text = new StringBuilder($"## Notes{(string.IsNullOrWhiteSpace(query) ? "" : $" matching \"{query.Trim()}\"")} ({count})\n");
            foreach (var hit in page.Items)
            {
                text.Append($"- **{hit.Note.Title}** (`{hit.Note.Id}`, {hit.Note.Venture}{(hit.Note.Tags.Count > 0 ? ", tags: " + string.Join(", ", hit.Note.Tags) : "")}, " +
                            $"updated {Timestamp.ToWire(hit.Note.UpdatedAt)}): {hit.Snippet}\n");
            }
            if (page.Items.Count == 0) text.Append("No notes match.\n");
            if (page.NextCursor is not null) text.Append($"\nMore: call `notes` again with cursor `{page.NextCursor}`.\n");
            return ToolResults.Ok(text.ToString(), new NotesToolResult(page.Items, page.Total, count, page.NextCursor));
        });
}
