using System.ComponentModel;
using System.Text;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Local.Git;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tools;

/// <summary>The repo state a tool reports: where git says we are.</summary>
public sealed record RepoState(string? Root, string? Repo, string? Branch, bool Detached, string? CommitSha, bool LinkedWorktree, string? Problem)
{
    public static RepoState From(GitWorkspace w) => From(GitWorkingTreeReader.From(w));

    public static RepoState From(WorkingTree w) => new(w.Root, w.OrgRepo, w.Branch, w.Detached, w.CommitSha, w.LinkedWorktree, w.Problem);

    public string ToMarkdown() => Problem is not null && Root is null
        ? $"Repo: not a git working tree ({Problem})"
        : $"Repo: {Repo ?? "(no org/repo: " + Problem + ")"} at `{Root}` — " +
          (Detached ? $"detached HEAD at {Short(CommitSha)}" : $"branch `{Branch}` at {Short(CommitSha)}") +
          (LinkedWorktree ? " (linked worktree)" : "");

    private static string Short(string? sha) => sha is null ? "no commit yet" : $"`{sha[..Math.Min(12, sha.Length)]}`";
}

/// <summary>What <c>sod</c> answers: Baton's SOD answer and where git says we are.</summary>
public sealed record SodToolResult(SodResponse Sod, RepoState Repo);

public sealed record HandoffToolResult(string HandoffId, string Venture, string PayloadHash, int PayloadSizeBytes, bool SessionEnded, Session? Session);

public sealed record ContextToolResult(Session? Session, string? Venture, RepoState Repo, IReadOnlyList<Session> OtherActive, string OtherActiveCount);

/// <summary>The session lifecycle: start or resume, heartbeat, hand off (and end), and where things stand.</summary>
[McpServerToolType]
public sealed class SessionTools(ToolContext context)
{
    private const int ActiveSessionsShown = 50;

    [McpServerTool(Name = "sod", ReadOnly = false, Idempotent = true, OpenWorld = false)]
    [Description("Start of day: start or resume this agent's Baton session for the current repo and return the briefing (last handoff, " +
                 "who else is active, notes, docs index and audit). Resolves venture, repo, branch and commit from git. Call it first; the " +
                 "session is remembered for the other tools. When the briefing's doc audit names missing or stale docs, `doc_audit` heals them.")]
    public Task<CallToolResult> Sod(
        McpServer server,
        [Description("Venture code. Default: the registered venture whose org/repos include this repo.")] string? venture = null,
        [Description("Repository as org/repo. Default: parsed from the git remote of the working directory.")] string? repo = null,
        [Description("Track within the repo for parallel lines of work. Default: BATON_TRACK, else \"main\".")] string? track = null,
        [Description("Agent name. Default: BATON_AGENT, else <client>-<hostname>.")] string? agent = null,
        [Description("GitHub issue this session works on, if any.")] int? issue_number = null,
        [Description("How docs appear in the briefing: index (default), full, or none.")] string? docs_format = null,
        [Description("Briefing character budget, 1,000 to 1,000,000 (default 12,000).")] int? budget_chars = null,
        [Description("With issue_number: claim the issue for this session, shared (default true); false leaves it unclaimed.")] bool? claim_issue = null,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var arguments = new SodArguments(agent, venture, repo, track ?? context.Options.Track, IssueNumber: issue_number, BudgetChars: budget_chars,
                DocsFormat: Arguments.DocsFormat(docs_format, "docs_format"), ClaimIssue: claim_issue,
                NativeSessionId: context.Options.ClaudeSessionId, NativeCli: context.Options.ClaudeSessionId is null ? null : "claude");
            var backend = await context.BackendAsync(ct);
            var result = await new SodHandler(GitWorkingTreeReader.Instance).RunAsync(arguments, context.FrontEnd(server),
                context.Options.WorkingDirectory, backend.Sessions, backend.Ventures, ct);
            var sod = result.Answer;
            context.Memory.Remember(new CurrentSession(sod.Session, result.Venture, result.Agent));

            var repoState = RepoState.From(result.Tree);
            var text = new StringBuilder(sod.Briefing.TrimEnd()).Append("\n\n---\n");
            text.Append(repoState.ToMarkdown()).Append('\n');
            text.Append($"\nSession `{sod.Session.Id}` ({(sod.Resumed ? "resumed" : "new")}) is remembered for `heartbeat`, `handoff` and `context`. ")
                .Append($"Send a heartbeat by {Timestamp.ToWire(sod.Heartbeat.NextHeartbeatAt)} (every {sod.Heartbeat.HeartbeatIntervalSeconds} s).\n");
            if (sod.IssueClaim is { } claim)
            {
                text.Append(claim.ClaimId is not null
                    ? $"Issue #{claim.IssueNumber} is claimed for this session (shared, `{claim.ClaimId}`); ending the session releases it.\n"
                    : $"Issue #{claim.IssueNumber} was not claimed: {claim.Refused}\n");
            }
            return ToolResults.Ok(text.ToString(), new SodToolResult(sod, repoState));
        });

    [McpServerTool(Name = "handoff", ReadOnly = false, Idempotent = false, OpenWorld = false)]
    [Description("Record a structured handoff for whoever picks this work up next; with end_session=true it also ends the session (end of day). " +
                 "For work that belongs to another venture, set target_venture: it shows in that venture's next briefing.")]
    public Task<CallToolResult> Handoff(
        [Description("One or two sentences: where things stand.")] string summary,
        [Description("done, in_progress or blocked.")] string status,
        [Description("What was finished.")] string[]? accomplished = null,
        [Description("What is under way and not finished.")] string[]? in_progress = null,
        [Description("What is blocked, and on what.")] string[]? blocked = null,
        [Description("Next steps for whoever continues.")] string[]? next_steps = null,
        [Description("How to verify the work is done (tests to run, behaviour to check).")] string[]? success_criteria = null,
        [Description("GitHub issue the handoff is about.")] int? issue_number = null,
        [Description("The agent this handoff is meant for, if a particular one.")] string? to_agent = null,
        [Description("Venture code to address this handoff to, for cross-venture work found here. Cannot be combined with end_session.")] string? target_venture = null,
        [Description("Also end the session (EOD). Default false.")] bool end_session = false,
        CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var fields = new HandoffArguments(summary, status, accomplished, in_progress, blocked, next_steps, success_criteria, to_agent, issue_number);
            // A bad call is said before "no session": the model fixes its arguments first.
            HandoffHandler.Validate(fields, ArgumentNames.Tool);
            if (end_session && !string.IsNullOrWhiteSpace(target_venture))
                throw Invalid("a cross-venture handoff (target_venture) cannot also end the session: record it first, then call `handoff` again with end_session=true for this session's own handoff.");
            var current = context.Memory.Require("hand off");

            if (end_session)
            {
                var eod = await HandoffHandler.EodAsync(current.Session.Id, fields, ArgumentNames.Tool, (await context.BackendAsync(ct)).Sessions, ct);
                context.Memory.Forget();
                return ToolResults.Ok(
                    $"Session `{eod.Session.Id}` ended ({eod.Session.Status.ToString().ToLowerInvariant()}) with handoff `{eod.Handoff.Id}` " +
                    $"({eod.Handoff.PayloadSizeBytes:N0} bytes, sha256 `{eod.Handoff.PayloadHash[..12]}…`). The next `sod` for this repo shows it.",
                    new HandoffToolResult(eod.Handoff.Id, eod.Handoff.Venture, eod.Handoff.PayloadHash, eod.Handoff.PayloadSizeBytes, true, eod.Session));
            }

            var session = current.Session;
            var receipt = await HandoffHandler.CreateAsync(
                new HandoffTarget(session.Venture, session.Repo, session.Track, current.Agent, session.Id, target_venture),
                fields, ArgumentNames.Tool, (await context.BackendAsync(ct)).Handoffs, ct);
            var where = receipt.Venture == session.Venture
                ? "It shows in the next `sod` for this repo and track."
                : $"It is addressed to venture {receipt.Venture} and shows in that venture's next briefing.";
            return ToolResults.Ok($"Handoff `{receipt.Id}` recorded ({receipt.PayloadSizeBytes:N0} bytes). {where} The session stays open.",
                new HandoffToolResult(receipt.Id, receipt.Venture, receipt.PayloadHash, receipt.PayloadSizeBytes, false, null));
        });

    [McpServerTool(Name = "heartbeat", ReadOnly = false, Idempotent = true, OpenWorld = false)]
    [Description("Tell Baton this session is still alive (a session without a heartbeat for 45 minutes is abandoned). Answers when the next one is due.")]
    public Task<CallToolResult> Heartbeat(CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var current = context.Memory.Require("send a heartbeat for");
            var answer = await (await context.BackendAsync(ct)).Sessions.HeartbeatAsync(current.Session.Id, ct);
            context.Memory.Refresh(answer.Session);
            return ToolResults.Ok(
                $"Heartbeat recorded for session `{answer.Session.Id}`. Next one due by {Timestamp.ToWire(answer.Heartbeat.NextHeartbeatAt)} " +
                $"(every {answer.Heartbeat.HeartbeatIntervalSeconds} s).", answer);
        });

    [McpServerTool(Name = "context", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Where things stand now: the current session, the repo state (branch, commit, worktree), and who else is active in this venture.")]
    public Task<CallToolResult> Context(CancellationToken ct = default) =>
        ToolResults.GuardAsync(context.Backend, async () =>
        {
            var workspace = await context.DetectWorkspaceAsync(ct);
            var repoState = RepoState.From(workspace);
            var current = context.Memory.CurrentOrNull;
            var session = current is null ? null : await (await context.BackendAsync(ct)).Sessions.GetSessionAsync(current.Session.Id, ct);
            var venture = current?.Venture ?? await context.CurrentVentureOrNullAsync(null, ct);

            var text = new StringBuilder("## Context\n");
            text.Append(session is null
                ? "Session: none in this process yet — call `sod` to start or resume one.\n"
                : $"Session: `{session.Id}` — {session.Agent}, {session.Venture} {session.Repo} (track {session.Track}), {session.Status.ToString().ToLowerInvariant()}, last heartbeat {Timestamp.ToWire(session.LastHeartbeatAt)}.\n");
            text.Append(repoState.ToMarkdown()).Append('\n');

            IReadOnlyList<Session> others = [];
            var othersCount = "unknown (no venture resolved)";
            if (venture is not null)
            {
                var page = await (await context.BackendAsync(ct)).Sessions.ListSessionsAsync(new SessionListRequest(venture.Code, SessionStatus.Active, ActiveSessionsShown), ct);
                var selfListed = session is not null && page.Items.Any(s => s.Id == session.Id);
                others = page.Items.Where(s => s.Id != session?.Id).ToList();
                // The total counts the caller too when it is active; the honest count of others leaves it out.
                var otherTotal = page.Total - (session is not null && (selfListed || session.Status == SessionStatus.Active) ? 1 : 0);
                othersCount = Count.Slice(others.Count, Math.Max(otherTotal, others.Count)).ToString();
                text.Append($"\n### Other active sessions in {venture.Code} ({othersCount})\n");
                foreach (var s in others)
                    text.Append($"- {s.Agent} on {s.Repo} (track {s.Track}{(s.Branch is null ? "" : ", branch " + s.Branch)}), last heartbeat {Timestamp.ToWire(s.LastHeartbeatAt)}\n");
                if (others.Count == 0) text.Append("None.\n");
            }
            return ToolResults.Ok(text.ToString(), new ContextToolResult(session, venture?.Code, repoState, others, othersCount));
        });

    internal static ToolProblem Invalid(string message) => new(McpErrorCodes.InvalidArgument, message);
}
