using System.CommandLine;
using System.Globalization;
using Baton.Cli.Output;
using Baton.Core.Spend;

namespace Baton.Cli.Commands;

/// <summary><c>baton spend</c> (docs/architecture.md §15 Spend): tokens and cost reported with task results and read from transcripts, summed exactly.</summary>
public static class SpendCommands
{
    public static Command Build(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Venture code. Default: every venture the key may see.");
        var since = new Option<string>("--since") { Description = "From when: a duration back from now (30m, 24h, 7d) or a timestamp (2026-05-01T09:00:00Z). Default: all time." };
        var by = new Option<string>("--by") { Description = "Group by venture (default), agent, session, day (UTC), task, or venture_day (each venture's days)." };
        by.AcceptOnlyFromAmong([.. SpendRules.GroupingNames]);
        var limit = new Option<int?>("--limit") { Description = "Groups listed (default 100, max 500); the totals count every one." };
        var json = CommonOptions.Json();
        var command = new Command("spend", "Tokens and cost agents reported (task results, Claude Code transcripts), per session, agent, venture or day.");
        foreach (Option option in new Option[] { venture, since, by, limit, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var report = await context.Services.Spend.GetSpendAsync(
                new SpendRequest(parse.GetValue(venture), parse.GetValue(since), parse.GetValue(by), parse.GetValue(limit)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, report);
                return ExitCodes.Ok;
            }
            Write(context.Out, report);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    internal static void Write(TextWriter output, SpendReport report)
    {
        var period = report.Since is { } from ? $"from {Text.Wire(from)} to {Text.Wire(report.Until)}" : $"until {Text.Wire(report.Until)} (all time)";
        output.WriteLine($"Spend {(report.Venture is null ? "" : $"of {report.Venture} ")}{period}: {Totals(report.Totals)}.");
        foreach (var g in report.Groups)
        {
            var key = g.Key ?? (report.By == SpendGrouping.Session ? "(no session)" : "(none)");
            var label = g.Label is null ? "" : $" ({g.Label})";
            output.WriteLine($"  {key}{label}  {Totals(g.Totals)}  {Text.Wire(g.FirstAt)} … {Text.Wire(g.LastAt)}");
        }
        if (report.Totals.Reports == 0)
            output.WriteLine("No usage reported in this period. Spend counts what workers report with their task results (`usage`) and Claude Code sessions' transcripts (with `baton hooks install`).");
        else
            output.WriteLine(Text.CountLine(report.Groups.Count, report.GroupCount, Text.Snake(report.By), null));
    }

    private static string Totals(SpendTotals t)
    {
        var text = $"{N(t.Tokens)} tokens ({N(t.InputTokens)} in, {N(t.OutputTokens)} out) · {N(t.Reports)} report{(t.Reports == 1 ? "" : "s")}";
        // Gemini and Codex report tokens only: a cost is shown only when some report had one, and says how many.
        return t.ReportsWithCost == 0 ? text + " · no cost reported"
            : $"{text} · ${t.CostUsd.ToString("#,0.00####", CultureInfo.InvariantCulture)}{(t.ReportsWithCost < t.Reports ? $" ({N(t.ReportsWithCost)} with a cost)" : "")}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
