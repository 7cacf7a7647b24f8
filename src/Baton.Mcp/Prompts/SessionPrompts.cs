using System.ComponentModel;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Prompts;

/// <summary>
/// The two workflows every agent CLI should follow, as MCP prompts, so Gemini and Codex users get the same start and
/// end of session as Claude Code users (who may also have them as slash commands).
/// </summary>
[McpServerPromptType]
public sealed class SessionPrompts
{
    [McpServerPrompt(Name = "start-session")]
    [Description("Start a working session with Baton: SOD, read the briefing, confirm scope.")]
    public static string StartSession(
        [Description("Venture code, when the repo alone does not say it.")] string? venture = null,
        [Description("GitHub issue you are about to work on, if any.")] string? issue = null) =>
        $"""
        Start this working session with Baton.

        1. Call the `sod` tool{(venture is null ? "" : $" with venture=\"{venture}\"")}{(issue is null ? "" : $" and issue_number={issue}")}. If it fails, follow the fix in its message (or call `preflight` to see every check) and call `sod` again.
        2. Read the briefing in full. Note the directive: every GitHub issue this session files targets the repo it names. Work for another venture is recorded as a handoff to that venture (`handoff` with target_venture), never filed in its repo.
        3. Summarise for me in a few lines: the last handoff (what was done, what is in progress, what is blocked, the next steps), handoffs addressed to this venture, and who else is active on this repo or track — avoid their files.
        4. If the docs index lists something relevant to the task, fetch it with the `doc` tool rather than guessing. Search notes with `notes` when business context matters.
        5. Call `status` to see the work queue if I have not said what to work on, and propose the most urgent item.
        6. While working, call `heartbeat` when the briefing says the next one is due (about every 10 minutes).
        """;

    [McpServerPrompt(Name = "end-session")]
    [Description("End the session with a good handoff: what was done, what is in progress, what blocks, next steps, how to verify.")]
    public static string EndSession() =>
        """
        End this working session with a handoff the next agent can act on without asking anyone.

        1. Check the repo state with `context` (branch, commit, uncommitted work). Commit or note anything unfinished.
        2. Call `handoff` with end_session=true and:
           - summary: one or two sentences on where things stand;
           - status: done, in_progress or blocked;
           - accomplished: what was finished, concretely (files, behaviours, issue numbers);
           - in_progress: what is started and not finished, and where it stands;
           - blocked: what blocks, on whom or what, and what was tried;
           - next_steps: the first things the next agent should do, in order;
           - success_criteria: how to verify the work (tests to run, commands, behaviour to check);
           - issue_number when the work belongs to an issue; to_agent when it is meant for a particular agent.
        3. If you found work that belongs to another venture, first record it with `handoff` and target_venture (without end_session), then end this session.
        4. Tell me the handoff id and the one-line summary.
        """;
}
