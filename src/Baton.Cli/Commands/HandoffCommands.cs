using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Handoffs;

namespace Baton.Cli.Commands;

/// <summary><c>baton handoff</c> (write one without ending the session) and <c>baton handoffs</c> (list).</summary>
public static class HandoffCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) => [BuildHandoff(runtime), BuildHandoffs(runtime)];

    private static Command BuildHandoff(CliRuntime runtime)
    {
        var handoff = new HandoffOptions();
        var agent = CommonOptions.Agent();
        var venture = CommonOptions.Venture();
        var repo = CommonOptions.Repo();
        var track = CommonOptions.Track();
        var toVenture = new Option<string>("--to-venture")
        {
            Description = "Address the handoff to another venture (cross-venture work found here); it shows in that venture's next briefing.",
        };
        var session = new Option<string>("--session")
        {
            Description = "The session this handoff belongs to. Default: the one the last `baton sod` remembered, if any.",
        };
        var json = CommonOptions.Json();
        var command = new Command("handoff", "Write a handoff without ending the session (optionally to another venture).");
        handoff.AddTo(command);
        foreach (Option option in new Option[] { toVenture, agent, venture, repo, track, session, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var agentName = context.Agent(agent);
            var repoName = await CliTargets.RepoAsync(parse.GetValue(repo), runtime, token);
            var ventureCode = await CliTargets.VentureAsync(parse.GetValue(venture), repoName, context.Services.Ventures, token);
            var trackName = Targets.Track(parse.GetValue(track));
            var target = new HandoffTarget(ventureCode, repoName, trackName, agentName,
                parse.GetValue(session) ?? context.State.FindSessionIdOrNull(agentName, repoName, trackName), parse.GetValue(toVenture));
            var receipt = await HandoffHandler.CreateAsync(target, handoff.Read(parse), ArgumentNames.CommandLine, context.Services.Handoffs, token);
            WriteReceipt(receipt, ventureCode, parse.GetValue(json), context.Out);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>What <c>baton handoff</c> prints: the receipt, and where a cross-venture handoff will show.</summary>
    public static void WriteReceipt(HandoffReceipt receipt, string fromVenture, bool json, TextWriter output)
    {
        if (json)
        {
            Verb.WriteJson(output, receipt);
            return;
        }
        var crossVenture = receipt.Venture != fromVenture;
        output.WriteLine($"Handoff {receipt.Id} {(crossVenture ? "addressed to" : "saved for")} {receipt.Venture} " +
                         $"({receipt.PayloadSizeBytes} bytes, sha256 {receipt.PayloadHash[..12]}…)." +
                         (crossVenture ? $" It shows in {receipt.Venture}'s next briefing." : ""));
    }

    private static Command BuildHandoffs(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's handoffs.");
        var repo = new Option<string>("--repo") { Description = "Only this repo (org/repo)." };
        var track = new Option<string>("--track") { Description = "Only this track." };
        var issue = CommonOptions.Issue("Only handoffs about this issue.");
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("handoffs", "List handoffs, newest first, with the exact total.");
        foreach (Option option in new Option[] { venture, repo, track, issue, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var request = new HandoffListRequest(parse.GetValue(venture), parse.GetValue(repo), parse.GetValue(track), parse.GetValue(issue), parse.GetValue(limit), parse.GetValue(cursor));
            await ListHandoffsAsync(context.Services.Handoffs, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Page<Handoff>> ListHandoffsAsync(IHandoffService handoffs, HandoffListRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var page = await handoffs.ListHandoffsAsync(request, ct);
        if (json)
        {
            Verb.WriteJson(output, page);
            return page;
        }
        var table = new TextTable("CREATED", "ID", "VENTURE", "REPO", "TRACK", "STATUS", "FROM", "SUMMARY");
        foreach (var h in page.Items)
        {
            var venture = h.SourceVenture is null ? h.Venture : $"{h.Venture} (from {h.SourceVenture})";
            table.Add(Text.When(h.CreatedAt), h.Id, venture, h.Repo, h.Track, Text.Snake(h.Status), h.FromAgent, Text.Shorten(h.Summary, 60));
        }
        table.WriteTo(output);
        output.WriteLine(Text.CountLine(page.Items.Count, page.Total, "handoff", page.NextCursor));
        return page;
    }
}
