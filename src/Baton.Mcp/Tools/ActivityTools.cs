using System.ComponentModel;
using System.Text;
using Baton.Core.Activity;
using Baton.Core.Common;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

public sealed record WaitingToolResult(string? Venture, IReadOnlyList<WaitingSession> Items, long Total, string Count, string? NextCursor);

/// <summary>The waiting queue (docs/architecture.md §15): sessions whose agent waits for a human, across machines.</summary>
[McpServerToolType]
public sealed class ActivityTools(ToolContext context)
{
    [McpServerTool(Name = "waiting", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Sessions waiting for a human right now (permission prompt, idle/input notification, a turn that ended with a question), longest wait first, with how long each has waited and its message. Default: the current venture.")]
    public Task<CallToolResult> Waiting(
        [Description("Venture code. Default: the current session's venture (or the repo's); \"all\" for every venture the key may see.")] string? venture = null,
        [Description("Most sessions to return (1–50, default 20).")] int limit = 20,
        [Description("Continue from the next_cursor of a previous answer.")] string? cursor = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var activity = await context.ActivityAsync(ct);
            if (limit is < 1 or > 50) throw SessionTools.Invalid("limit must be between 1 and 50.");
            var scope = venture?.Trim() == "all" ? null : (await context.CurrentVentureOrNullAsync(venture, ct))?.Code;
            var page = await activity.ListWaitingAsync(new WaitingListRequest(scope, limit, cursor), ct);
            var count = Count.Slice(page.Items.Count, page.Total).ToString();
            var self = context.Memory.CurrentOrNull?.Session.Id;

            var text = new StringBuilder($"## Waiting for a human{(scope is null ? "" : $" in {scope}")} ({count})\n");
            foreach (var w in page.Items)
            {
                text.Append($"- {w.Agent}{(w.SessionId == self ? " (this session)" : "")} · waiting {Waited(w.WaitedSeconds)} ({w.Reason}) · ")
                    .Append($"{w.Repo ?? "?"} on {w.MachineHost ?? "?"} · {w.SessionId}");
                if (!string.IsNullOrWhiteSpace(w.Message)) text.Append($" — {w.Message}");
                text.Append('\n');
            }
            if (page.Items.Count == 0) text.Append("Nobody is waiting.\n");
            if (page.NextCursor is not null) text.Append($"\nMore: call `waiting` again with cursor `{page.NextCursor}`.\n");
            return ToolResults.Ok(text.ToString(), new WaitingToolResult(scope, page.Items, page.Total, count, page.NextCursor));
        });

    private static string Waited(long seconds) => seconds switch
    {
        < 60 => $"{seconds} s",
        < 3_600 => $"{seconds / 60} min",
        < 86_400 => $"{seconds / 3_600} h",
        _ => $"{seconds / 86_400} d",
    };
}
