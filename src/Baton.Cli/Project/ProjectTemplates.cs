using Baton.Core.Ventures;


namespace Baton.Cli.Project;

/// <summary>
/// The canonical files <c>baton init</c> puts in a repo so a new agent can resume in minutes. Written only where
/// missing: once in the repo they belong to the team.
/// </summary>
public static class ProjectTemplates
{
    public const string StatusFile = "STATUS.md";
    public const string DecisionsFile = "DECISIONS.md";
    public const string AgentsFile = "AGENTS.md";

    /// <summary>The sections <c>baton status refresh</c> owns, in the order STATUS.md shows them.</summary>
    public static readonly IReadOnlyList<string> GeneratedSections = ["sessions", "handoffs", "open-work"];

    public static string Status(Venture venture) => $"""
        # Status — {venture.Name} ({venture.Code})

        <!-- Hand-written parts are yours. `baton status refresh` rewrites only the blocks between
             `baton:begin <name>` and `baton:end <name>` markers, from Baton; keep the markers. -->

        ## Current phase

        _The phase the project is in (e.g. "MVP build", "beta hardening"), and what ends it._

        ## Current deliverable

        _The one thing being delivered now, with its issue or milestone and its definition of done._

        ## TODO

        ### P0 — blocks the deliverable; do next

        - _…_

        ### P1 — needed for the deliverable

        - _…_

        ### P2 — later

        - _…_

        ## Active sessions

        {Markers("sessions")}

        ## Latest handoffs

        {Markers("handoffs")}

        ## Open work

        {Markers("open-work")}

        ## Resume checklist

        1. `baton sod` in this repo and read the briefing: last handoff, other sessions, alerts.
        2. Read this file's P0 items and the newest entries of {DecisionsFile}.
        3. `git status` and `git log -5`: check the working tree matches the last handoff.
        4. Take the top P0 item (or the last handoff's next step) and say so: `baton update --issue <n>`.
        5. Stop by the rules in {AgentsFile}; end with `baton eod --summary … --status …` (`--git` also commits the
           handoff to docs/handoffs/).

        """.Replace("\r\n", "\n");

    public static string Decisions(Venture venture) => $"""
        # Decisions — {venture.Name} ({venture.Code})

        Append-only, newest first. Never edit an old entry: record a new one that supersedes it.
        Each entry: context, decision, alternatives, consequences, status, supersedes.
        Add one with `baton decision add --title … --context … --decision … [--alternatives …] [--consequences …] [--supersedes …]`.

        {DecisionLog.Anchor}

        """.Replace("\r\n", "\n");

    public static string Agents(Venture venture) => $"""
        # How agents work here — {venture.Name} ({venture.Code})

        ## Start

        1. Run `baton sod` (or the `sod` MCP tool) first, in this repo. Read the whole briefing before touching code.
        2. Read {StatusFile} (current deliverable, P0 items) and the newest entries of {DecisionsFile}.
        3. Work only in this venture's repos ({string.Join(", ", venture.Repos.Select(r => $"{venture.Org}/{r}"))}). Work that belongs
           elsewhere is recorded as a handoff to that venture, not done here.

        ## While working

        - `baton heartbeat` when the last answer says; `baton update --issue <n> --branch <b>` when the target changes.
        - A choice a newcomer would ask "why?" about goes into {DecisionsFile} with `baton decision add`.

        ## Stop rules

        Stop and escalate (do not guess) when:
        - the same approach has failed twice;
        - the work would touch another venture's repo, production data, secrets or billing;
        - the task is ambiguous enough that two readings lead to different code;
        - tests you did not write start failing and you cannot tell why.

        ## Escalation format

        ```
        BLOCKED: <what cannot proceed, in one line>
        TRIED: <what was attempted, and what happened each time>
        NEED: <the decision, access or information that unblocks it, and from whom>
        ```

        Put it in the handoff (`--status blocked --blocked "…"`) and in the conversation.

        ## End

        End every session with a handoff: `baton eod --summary … --status done|in_progress|blocked --accomplished … --next …`
        (the `handoff` MCP tool does the same). `--git` also writes it to docs/handoffs/<agent>.md and commits it.

        """.Replace("\r\n", "\n");

    public static string Markers(string section) =>
        $"{StatusSections.Begin(section)}\n_Not filled in yet: run `baton status refresh`._\n{StatusSections.End(section)}";
}
