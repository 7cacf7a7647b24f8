using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Activity;
using Baton.Core.Common;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton events &lt;session&gt;</c> and <c>baton waiting [--venture]</c>: what the agent CLIs' hooks reported
/// (docs/architecture.md §15) — one session's events, and the sessions waiting for a human across machines.
/// </summary>
public static class ActivityCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime)
    {
        yield return BuildEvents(runtime);
        yield return BuildWaiting(runtime);
    }

    private static Command BuildEvents(CliRuntime runtime)
    {
        var session = new Argument<string>("session-id") { Description = "The session (sess_…), as `baton sessions` shows it." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("events", "A session's hook events, newest first, with the exact total (kept 14 days): tool calls, prompts, waits, compactions.");
        command.Arguments.Add(session);
        foreach (Option option in new Option[] { limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Activity.ListSessionEventsAsync(parse.GetValue(session)!,
                new EventListRequest(parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var table = new TextTable("TIME", "CLI", "EVENT", "KIND", "SUMMARY");
            foreach (var e in page.Items)
                table.Add(Timestamp.ToWire(e.OccurredAt), Text(e.Cli), e.Event, Text(e.Kind), e.Summary ?? e.Tool ?? "");
            table.WriteTo(context.Out);
            context.Out.WriteLine(Output.Text.CountLine(page.Items.Count, page.Total, "event", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildWaiting(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's sessions. Default: every venture the key may see.");
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("waiting",
            "Sessions waiting for a human now (a permission prompt, an idle or input notification, a turn that ended with a question), " +
            "longest wait first, across machines, with how long each has waited and its message.");
        foreach (Option option in new Option[] { venture, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Activity.ListWaitingAsync(
                new WaitingListRequest(parse.GetValue(venture), parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var table = new TextTable("SESSION", "VENTURE", "AGENT", "WHERE", "WAITING", "REASON", "MESSAGE");
            foreach (var w in page.Items)
                table.Add(w.SessionId, w.Venture, w.Agent, $"{w.Repo ?? "-"} on {w.MachineHost ?? "?"}", Waited(w.WaitedSeconds), w.Reason, w.Message ?? "");
            table.WriteTo(context.Out);
            context.Out.WriteLine(Output.Text.CountLine(page.Items.Count, page.Total, "waiting session", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>"12 s", "5 min", "3 h", "2 d": how long a session has waited, rounded down.</summary>
    public static string Waited(long seconds) => seconds switch
    {
        < 60 => $"{seconds} s",
        < 3_600 => $"{seconds / 60} min",
        < 86_400 => $"{seconds / 3_600} h",
        _ => $"{seconds / 86_400} d",
    };

    private static string Text<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
