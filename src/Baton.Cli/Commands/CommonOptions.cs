using System.CommandLine;
using Baton.Core.Application;
using Baton.Core.Sessions;

namespace Baton.Cli.Commands;

/// <summary>Options several verbs share. New instances per command: a command line is parsed against its own tree.</summary>
internal static class CommonOptions
{
    public static Option<string> Agent() => new("--agent")
    {
        Description = "Agent name. Default: BATON_AGENT, else <cli>-<hostname>-<terminal> (the tmux pane or tty, when there is one).",
    };

    public static Option<string> Cli() => new("--cli")
    {
        Description = "The agent CLI running this session (claude, gemini, codex, …). Default \"cli\".",
    };

    public static Option<string> Repo() => new("--repo")
    {
        Description = "Repository as org/repo. Default: parsed from `git remote get-url origin` here.",
    };

    public static Option<string> Venture(string description = "Venture code. Default: the registered venture that owns the repo.") =>
        new("--venture") { Description = description };

    public static Option<string> Track() => new("--track")
    {
        Description = $"Track within the repo, for parallel lines of work. Default \"{Session.DefaultTrack}\".",
    };

    public static Option<int?> Issue(string description = "GitHub issue number.") => new("--issue") { Description = description };

    public static Option<bool> Json() => new("--json") { Description = "Print the whole answer as JSON (for scripts)." };

    public static Option<int?> Limit() => new("--limit") { Description = "Items per page (default 20, max 200)." };

    public static Option<string> Cursor() => new("--cursor") { Description = "Continue a list from the cursor a previous page printed." };

    public static Argument<string?> SessionId() => new("session-id")
    {
        Arity = ArgumentArity.ZeroOrOne,
        Description = "The session. Default: the one the last `baton sod` of this agent started for this repo and track " +
                      "(remembered in <data-dir>/cli-sessions.json).",
    };
}

/// <summary>The handoff options EOD and <c>baton handoff</c> share.</summary>
internal sealed class HandoffOptions
{
    public Option<string> Summary { get; } = new("--summary") { Description = "One or two sentences: where things stand.", Required = true };

    // Parsed by the application layer (Arguments.Status), one rule with MCP: in-progress is accepted as well.
    public Option<string> Status { get; } = new("--status")
    {
        Description = "done, in_progress (or in-progress) or blocked.",
        Required = true,
    };

    public Option<string[]> Accomplished { get; } = new("--accomplished") { Description = "Something finished (repeatable)." };
    public Option<string[]> InProgress { get; } = new("--in-progress") { Description = "Something under way (repeatable)." };
    public Option<string[]> Blocked { get; } = new("--blocked") { Description = "Something blocked, and on what (repeatable)." };
    public Option<string[]> Next { get; } = new("--next") { Description = "A next step for whoever picks this up (repeatable)." };
    public Option<string[]> Criteria { get; } = new("--criteria") { Description = "A success criterion (repeatable)." };
    public Option<string> ToAgent { get; } = new("--to-agent") { Description = "The agent this handoff is meant for." };
    public Option<int?> Issue { get; } = CommonOptions.Issue();

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Summary, Status, Accomplished, InProgress, Blocked, Next, Criteria, ToAgent, Issue })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The handoff fields as given, for EOD and <c>baton handoff</c> to put into their requests.</summary>
    public HandoffArguments Read(ParseResult parse) => new(
        parse.GetValue(Summary),
        parse.GetValue(Status),
        ListOrNull(parse.GetValue(Accomplished)),
        ListOrNull(parse.GetValue(InProgress)),
        ListOrNull(parse.GetValue(Blocked)),
        ListOrNull(parse.GetValue(Next)),
        ListOrNull(parse.GetValue(Criteria)),
        parse.GetValue(ToAgent),
        parse.GetValue(Issue));

    private static IReadOnlyList<string>? ListOrNull(string[]? values) => values is { Length: > 0 } ? values : null;
}

/// <summary>
/// How heartbeat, update and eod find their session: an explicit id, else the one remembered by the last
/// <c>baton sod</c> of this agent for this repo and track.
/// </summary>
internal sealed class SessionTargetOptions
{
    public Argument<string?> SessionId { get; } = CommonOptions.SessionId();
    public Option<string> Agent { get; } = CommonOptions.Agent();
    public Option<string> Repo { get; } = CommonOptions.Repo();
    public Option<string> Track { get; } = CommonOptions.Track();
    public Option<bool> Json { get; } = CommonOptions.Json();

    public void AddTo(Command command)
    {
        command.Arguments.Add(SessionId);
        foreach (Option option in new Option[] { Agent, Repo, Track, Json }) command.Options.Add(option);
    }

    public Task<string> SessionIdAsync(VerbContext context, CancellationToken ct) =>
        CliTargets.SessionIdAsync(context.Parse.GetValue(SessionId), context.Agent(Agent), context.Parse.GetValue(Repo),
            context.Parse.GetValue(Track), context.Runtime, context.State, ct);
}
