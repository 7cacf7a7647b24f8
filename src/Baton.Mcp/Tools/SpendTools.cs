using System.ComponentModel;
using System.Globalization;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Spend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

/// <summary>Spend (docs/architecture.md §15 Spend): the same request and service as <c>baton spend</c>.</summary>
[McpServerToolType]
public sealed class SpendTools(ToolContext context)
{
    [McpServerTool(Name = "spend", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Tokens and cost agents spent — task results of headless runs, and interactive sessions' transcripts (tokens only) — summed exactly per venture, agent, session or UTC day. Default: the current venture, all time, by venture.")]
    public Task<CallToolResult> Spend(
        [Description("Venture code. Default: the current session's venture (or the repo's); \"all\" for every venture the key may see.")] string? venture = null,
        [Description("From when: a duration back from now (30m, 24h, 7d) or an ISO 8601 timestamp. Default: all time.")] string? since = null,
        [Description("Group by venture (default), agent, session, day (UTC), task, or venture_day (each venture's days).")] string? by = null,
        [Description("Most groups to list (1–500, default 100); the totals count every group.")] int? limit = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var spend = await context.SpendAsync(ct);
            var scope = venture?.Trim() == "all" ? null : (await context.CurrentVentureOrNullAsync(venture, ct))?.Code;
            var report = await spend.GetSpendAsync(new SpendRequest(scope, since, by, limit), ct);
            return ToolResults.Ok(Text(report, context.Memory.CurrentOrNull?.Session.Id), report);
        });

    private static string Text(SpendReport report, string? self)
    {
        var period = report.Since is { } from ? $"from {Timestamp.ToWire(from)}" : "all time";
        var text = new StringBuilder($"## Spend{(report.Venture is null ? "" : $" of {report.Venture}")} ({period}): {Totals(report.Totals)}\n");
        foreach (var g in report.Groups)
        {
            var key = g.Key ?? (report.By == SpendGrouping.Session ? "(no session)" : "(none)");
            text.Append($"- {key}{(g.Label is null ? "" : $" ({g.Label})")}{(g.Key is not null && g.Key == self ? " (this session)" : "")}: {Totals(g.Totals)}\n");
        }
        if (report.Totals.Reports == 0) text.Append("No usage reported in this period.\n");
        else text.Append($"{Count.Slice(report.Groups.Count, report.GroupCount)} groups by {report.By.ToString().ToLowerInvariant()}.\n");
        return text.ToString();
    }

    private static string Totals(SpendTotals t)
    {
        var text = $"{N(t.Tokens)} tokens ({N(t.InputTokens)} in, {N(t.OutputTokens)} out) · {N(t.Reports)} report{(t.Reports == 1 ? "" : "s")}";
        // Transcripts, Gemini and Codex report tokens only: a cost is shown only when some report had one.
        return t.ReportsWithCost == 0 ? text + " · no cost reported"
            : $"{text} · ${t.CostUsd.ToString("#,0.00####", CultureInfo.InvariantCulture)}{(t.ReportsWithCost < t.Reports ? $" ({N(t.ReportsWithCost)} with a cost)" : "")}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
