using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Local.Diagnostics;
using Baton.Local.Git;

namespace Baton.Cli.Commands;

/// <summary><c>baton sod</c>, <c>heartbeat</c>, <c>update</c>, <c>eod</c> and <c>sessions</c>.</summary>
public static class SessionCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) =>
        [BuildSod(runtime), BuildHeartbeat(runtime), BuildUpdate(runtime), BuildEod(runtime), BuildSessions(runtime)];

    // ---- sod ----

    private static Command BuildSod(CliRuntime runtime)
    {
        var agent = CommonOptions.Agent();
        var venture = CommonOptions.Venture();
        var repo = CommonOptions.Repo();
        var track = CommonOptions.Track();
        var cli = CommonOptions.Cli();
        var branch = new Option<string>("--branch") { Description = "Current git branch. Default: the checked-out branch here." };
        var commit = new Option<string>("--commit") { Description = "Current commit SHA. Default: HEAD here." };
        var issue = CommonOptions.Issue("The issue this session works on.");
        var budget = new Option<int?>("--budget") { Description = "Briefing character budget (default 12,000)." };
        var noClaim = new Option<bool>("--no-claim") { Description = "With --issue: do not claim the issue (SOD claims it shared by default)." };
        var json = CommonOptions.Json();

        var command = new Command("sod", "Start of day: resume this agent's session for the repo and track, or start one, and print the briefing.\n" +
                                         "The session id is remembered in <data-dir>/cli-sessions.json for heartbeat, update and eod.");
        foreach (Option option in new Option[] { agent, venture, repo, track, cli, branch, commit, issue, budget, noClaim, json }) command.Options.Add(option);

        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var arguments = new SodArguments(
                Agent: parse.GetValue(agent),
                Venture: parse.GetValue(venture),
                Repo: parse.GetValue(repo),
                Track: parse.GetValue(track),
                Branch: parse.GetValue(branch),
                CommitSha: parse.GetValue(commit),
                IssueNumber: parse.GetValue(issue),
                BudgetChars: parse.GetValue(budget),
                ClaimIssue: parse.GetValue(noClaim) ? false : null);
            var frontEnd = CliTargets.FrontEnd(parse.GetValue(cli), context.Settings.Agent, runtime);
            var sod = await new SodHandler(GitWorkingTreeReader.Instance).RunAsync(arguments, frontEnd, runtime.WorkingDirectory,
                context.Services.Sessions, context.Services.Ventures, token);
            StartupTrace.Mark("sod answered");
            WriteSod(sod, context.State, parse.GetValue(json), context.Out);
            StartupTrace.Mark("sod written");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Remembers the session for later verbs, and prints the briefing (or the whole answer as JSON).</summary>
    public static void WriteSod(SodResult sod, SessionStateFile state, bool json, TextWriter output)
    {
        var answer = sod.Answer;
        state.Remember(sod.Agent, answer.Session.Repo, answer.Session.Track, answer.Session.Id);
        if (json)
        {
            Verb.WriteJson(output, answer);
            return;
        }
        output.WriteLine(answer.Briefing.TrimEnd());
        output.WriteLine();
        output.WriteLine($"Session {answer.Session.Id} {(answer.Resumed ? "resumed" : "started")}. " +
                         $"Heartbeat every ~{answer.Heartbeat.HeartbeatIntervalSeconds / 60} min (next by {Text.When(answer.Heartbeat.NextHeartbeatAt)}): `baton heartbeat`.");
        if (answer.IssueClaim is { } claim)
        {
            output.WriteLine(claim.ClaimId is not null
                ? $"Issue #{claim.IssueNumber} claimed (shared) as {claim.ClaimId}; EOD releases it."
                : $"Issue #{claim.IssueNumber} not claimed: {claim.Refused}");
        }
    }

    // ---- heartbeat ----

    private static Command BuildHeartbeat(CliRuntime runtime)
    {
        var target = new SessionTargetOptions();
        var command = new Command("heartbeat", "Tell Baton this session is alive. Follow the next_heartbeat_at it answers.");
        target.AddTo(command);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var id = await target.SessionIdAsync(context, token);
            await HeartbeatAsync(context.Services.Sessions, id, parse.GetValue(target.Json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<HeartbeatResponse> HeartbeatAsync(ISessionService sessions, string sessionId, bool json, TextWriter output, CancellationToken ct)
    {
        var answer = await sessions.HeartbeatAsync(sessionId, ct);
        WriteHeartbeat(answer, json, output);
        return answer;
    }

    // ---- update ----

    private static Command BuildUpdate(CliRuntime runtime)
    {
        var target = new SessionTargetOptions();
        var branch = new Option<string>("--branch") { Description = "New git branch." };
        var commit = new Option<string>("--commit") { Description = "New commit SHA." };
        var issue = CommonOptions.Issue("The issue the session now works on.");
        var command = new Command("update", "Record the session's branch, commit or issue. Counts as a heartbeat.");
        foreach (Option option in new Option[] { branch, commit, issue }) command.Options.Add(option);
        target.AddTo(command);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var id = await target.SessionIdAsync(context, token);
            var request = new UpdateSessionRequest(parse.GetValue(branch), parse.GetValue(commit), parse.GetValue(issue));
            await UpdateAsync(context.Services.Sessions, id, request, parse.GetValue(target.Json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<HeartbeatResponse> UpdateAsync(ISessionService sessions, string sessionId, UpdateSessionRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var answer = await sessions.UpdateAsync(sessionId, request, ct);
        WriteHeartbeat(answer, json, output);
        return answer;
    }

    private static void WriteHeartbeat(HeartbeatResponse answer, bool json, TextWriter output)
    {
        if (json)
        {
            Verb.WriteJson(output, answer);
            return;
        }
        var s = answer.Session;
        output.WriteLine($"Session {s.Id} {Text.Snake(s.Status)} ({s.Agent} on {s.Venture} {s.Repo} [{s.Track}]" +
                         $"{(s.Branch is null ? "" : $", branch {s.Branch}")}{(s.IssueNumber is null ? "" : $", issue #{s.IssueNumber}")}).");
        output.WriteLine($"Next heartbeat by {Text.When(answer.Heartbeat.NextHeartbeatAt)} (in {answer.Heartbeat.HeartbeatIntervalSeconds} s).");
    }

    // ---- eod ----

    private static Command BuildEod(CliRuntime runtime)
    {
        var target = new SessionTargetOptions();
        var handoff = new HandoffOptions();
        var git = new Option<bool>("--git") { Description = "Also write the handoff to docs/handoffs/<agent>.md, show it, and commit it after one yes/no." };
        var push = new Option<bool>("--push") { Description = "With --git: push the commit too." };
        var yes = new Option<bool>("--yes") { Description = "With --git: commit without asking." };
        var command = new Command("eod", "End of day: end the session with a structured handoff. Repeating it unchanged changes nothing; for more work after it, use `baton handoff`.");
        handoff.AddTo(command);
        target.AddTo(command);
        foreach (Option option in new Option[] { git, push, yes }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var gitHandoff = parse.GetValue(git) ? await Project.GitHandoff.PrepareAsync(runtime, token) : null;
            var id = await target.SessionIdAsync(context, token);
            var answer = await HandoffHandler.EodAsync(id, handoff.Read(parse), ArgumentNames.CommandLine, context.Services.Sessions, token);
            WriteEod(answer, parse.GetValue(target.Json), context.Out);
            if (gitHandoff is null) return ExitCodes.Ok;
            try
            {
                return await gitHandoff.WriteAndCommitAsync(context.Services.Handoffs, answer, parse.GetValue(yes), parse.GetValue(push), token);
            }
            catch (Project.GitFailedException ex)
            {
                runtime.Error.WriteLine("baton: " + ex.Message);
                return ExitCodes.Failed;
            }
        }, ct));
        return command;
    }

    public static void WriteEod(EodResponse answer, bool json, TextWriter output)
    {
        if (json)
        {
            Verb.WriteJson(output, answer);
            return;
        }
        output.WriteLine($"Session {answer.Session.Id} {Text.Snake(answer.Session.Status)}.");
        output.WriteLine($"Handoff {answer.Handoff.Id} saved for {answer.Handoff.Venture} ({answer.Handoff.PayloadSizeBytes} bytes, sha256 {answer.Handoff.PayloadHash[..12]}…). " +
                         "The next `baton sod` here shows it.");
    }

    // ---- sessions ----

    private static Command BuildSessions(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's sessions.");
        var status = new Option<string>("--status") { Description = "active, ended or abandoned (as judged now)." }
            .AcceptOnlyFromAmong("active", "ended", "abandoned");
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("sessions", "List sessions, newest first, with the exact total.");
        foreach (Option option in new Option[] { venture, status, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var request = new SessionListRequest(parse.GetValue(venture), ParseSessionStatus(parse.GetValue(status)), parse.GetValue(limit), parse.GetValue(cursor));
            await ListSessionsAsync(context.Services.Sessions, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Page<Session>> ListSessionsAsync(ISessionService sessions, SessionListRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var page = await sessions.ListSessionsAsync(request, ct);
        if (json)
        {
            Verb.WriteJson(output, page);
            return page;
        }
        var table = new TextTable("ID", "AGENT", "VENTURE", "REPO", "TRACK", "STATUS", "LAST HEARTBEAT", "BRANCH");
        foreach (var s in page.Items)
        {
            var status = s.EndReason is { } reason && s.Status != SessionStatus.Active ? $"{Text.Snake(s.Status)} ({Text.Snake(reason)})" : Text.Snake(s.Status);
            table.Add(s.Id, s.Agent, s.Venture, s.Repo, s.Track, status, Text.When(s.LastHeartbeatAt), s.Branch);
        }
        table.WriteTo(output);
        output.WriteLine(Text.CountLine(page.Items.Count, page.Total, "session", page.NextCursor));
        return page;
    }

    private static SessionStatus? ParseSessionStatus(string? status) => status switch
    {
        null => null,
        "active" => SessionStatus.Active,
        "ended" => SessionStatus.Ended,
        "abandoned" => SessionStatus.Abandoned,
        _ => throw new UsageException($"--status '{status}' is not allowed: use active, ended or abandoned."),
    };
}
