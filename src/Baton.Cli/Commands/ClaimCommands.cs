using System.CommandLine;
using System.Globalization;
using Baton.Cli.Output;
using Baton.Core.Claims;
using Baton.Core.Common;

namespace Baton.Cli.Commands;

/// <summary><c>baton claim</c>, <c>release</c> and <c>claims</c> (docs/architecture.md §15 Claims).</summary>
public static class ClaimCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) => [BuildClaim(runtime), BuildRelease(runtime), BuildClaims(runtime)];

    private static Command BuildClaim(CliRuntime runtime)
    {
        var targets = new Argument<string[]>("target")
        {
            Description = "An issue (#15 or 15), or one or more file globs (git wildmatch, relative to the repository root: src/Claims/**, *.md, /README.md).",
            Arity = ArgumentArity.OneOrMore,
        };
        var shared = new Option<bool>("--shared") { Description = "Claim shared: other shared claims may overlap it; an exclusive one may not." };
        var session = new Option<string>("--session") { Description = "The session claiming. Default: the one `baton sod` remembered for this agent, repo and track." };
        var agent = CommonOptions.Agent();
        var repo = CommonOptions.Repo();
        var track = CommonOptions.Track();
        var json = CommonOptions.Json();
        var command = new Command("claim", "Claim an issue or files for this session. A conflicting claim is refused, naming who holds it and since when.");
        command.Arguments.Add(targets);
        foreach (Option option in new Option[] { shared, session, agent, repo, track, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var id = await CliTargets.SessionIdAsync(parse.GetValue(session), context.Agent(agent), parse.GetValue(repo), parse.GetValue(track),
                runtime, context.State, token);
            var (issue, files) = Targets(parse.GetValue(targets) ?? []);
            var answer = await context.Services.Claims.ClaimAsync(
                new CreateClaimRequest(id, issue, files, parse.GetValue(shared) ? ClaimMode.Shared : ClaimMode.Exclusive), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, answer);
                return ExitCodes.Ok;
            }
            var c = answer.Claim;
            context.Out.WriteLine($"{(answer.Created ? "Claimed" : "Already held:")} {c.Target} ({Text.Snake(c.Mode)}) as {c.Id} for session {c.SessionId} " +
                                  $"in {c.Repo}. Release with `baton release {c.Id}`; EOD releases it too.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>One argument <c>#15</c> or <c>15</c> is an issue; anything else is globs (<c>./15</c> claims a file named 15).</summary>
    internal static (int? Issue, IReadOnlyList<string>? Files) Targets(string[] values)
    {
        if (values.Length == 1)
        {
            var text = values[0].StartsWith('#') ? values[0][1..] : values[0];
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var issue)) return (issue, null);
        }
        return (null, values);
    }

    private static Command BuildRelease(CliRuntime runtime)
    {
        var id = new Argument<string?>("claim-id") { Description = "The claim to release (`baton claims` lists them).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Release every claim of this session." };
        var session = new Option<string>("--session") { Description = "With --all: the session. Default: the one `baton sod` remembered for this agent, repo and track." };
        var agent = CommonOptions.Agent();
        var repo = CommonOptions.Repo();
        var track = CommonOptions.Track();
        var json = CommonOptions.Json();
        var command = new Command("release", "Release a claim, or with --all every claim of this session (EOD does that too).");
        command.Arguments.Add(id);
        foreach (Option option in new Option[] { all, session, agent, repo, track, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var claimId = parse.GetValue(id);
            if ((claimId is null) == !parse.GetValue(all)) throw new UsageException("Name one claim id, or --all for every claim of this session.");
            var released = new List<Claim>();
            if (claimId is not null)
            {
                released.Add(await context.Services.Claims.ReleaseClaimAsync(claimId, token));
            }
            else
            {
                var sessionId = await CliTargets.SessionIdAsync(parse.GetValue(session), context.Agent(agent), parse.GetValue(repo), parse.GetValue(track),
                    runtime, context.State, token);
                // Releasing shrinks the list of held claims, so each round reads its first page again until none is left.
                while (true)
                {
                    var page = await context.Services.Claims.ListClaimsAsync(new ClaimListRequest(SessionId: sessionId, Limit: PageRequest.MaxLimit), token);
                    if (page.Items.Count == 0) break;
                    foreach (var claim in page.Items) released.Add(await context.Services.Claims.ReleaseClaimAsync(claim.Id, token));
                }
            }
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, new ListResult<Claim>(released, released.Count));
                return ExitCodes.Ok;
            }
            foreach (var c in released) context.Out.WriteLine($"Released {c.Id}: {c.Target} ({Text.Snake(c.Mode)}).");
            if (released.Count == 0) context.Out.WriteLine("This session holds no claims.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildClaims(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Venture code. Default: every venture the key may see.");
        var repo = new Option<string>("--repo") { Description = "Only this repo (org/name, or a bare name with --venture)." };
        var session = new Option<string>("--session") { Description = "Only this session's claims." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("claims", "List held claims (not released, their session live), newest first, with the exact total.");
        foreach (Option option in new Option[] { venture, repo, session, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Claims.ListClaimsAsync(new ClaimListRequest(
                parse.GetValue(venture), parse.GetValue(repo), parse.GetValue(session), parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            foreach (var c in page.Items)
            {
                context.Out.WriteLine($"{c.Id}  {Text.Snake(c.Mode),-9}  {c.Target}  {c.Repo}  {c.Agent}  {c.SessionId}  since {Text.Wire(c.CreatedAt)}");
            }
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "held claim", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
