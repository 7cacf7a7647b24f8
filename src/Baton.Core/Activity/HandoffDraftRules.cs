using System.Globalization;
using System.Text.Json.Nodes;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Core.Activity;

/// <summary>
/// The handoffs Baton writes for a session nobody handed off (docs/architecture.md §15, decisions/0023-drafted-handoffs.md):
/// a <b>draft</b> at compaction or session end, built from the session's stored hook events, and a <b>synthesized</b>
/// one when the next SOD finds the session abandoned, from its events plus the repo's git state the front end read.
/// Pure: every input is passed in. Everything it uses is already bounded, cleaned and secret-scanned (the events'
/// summaries, paths, commands and messages by <see cref="HookEventRules"/>; the git state by <see cref="CleanGit"/>),
/// and the lists are capped, so a draft always fits the handoff limits.
/// </summary>
public static class HandoffDraftRules
{
    /// <summary>The most files, commands and commits a draft lists.</summary>
    public const int MaxFiles = 50;
    public const int MaxCommands = 30;
    public const int MaxCommits = 50;

    /// <summary>The most characters of the diff stat a synthesized handoff keeps.</summary>
    public const int MaxDiffStatChars = 4_000;

    /// <summary>The trigger of the one synthesized handoff of an abandoned session (<see cref="Handoff.DraftedFrom"/>).</summary>
    public const string AbandonedTrigger = "abandoned";

    /// <summary>The hook events that make Baton draft a handoff: the CLI is about to compact its context, or the session ends.</summary>
    public static HandoffDraft? TriggerOf(HookEventKind kind, string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (kind == HookEventKind.SessionEnd) return HandoffDraft.SessionEnd;
        // Before compaction only: after it (PostCompact) the context the draft stands in for is already gone, and one
        // draft per compaction is enough.
        if (kind == HookEventKind.Compaction
            && (eventName.Equals("PreCompact", StringComparison.OrdinalIgnoreCase) || eventName.Equals("PreCompress", StringComparison.OrdinalIgnoreCase)))
            return HandoffDraft.Compaction;
        return null;
    }

    /// <summary>
    /// The draft's fields from <paramref name="events"/> (any order; only those up to and including the trigger, by
    /// id, are used — a draft describes the session as it was when its trigger fired). <paramref name="trigger"/> is the
    /// trigger event's id, or null for an abandoned session (every event counts). <paramref name="git"/> is the cleaned
    /// git state, only for an abandoned session.
    /// </summary>
    public static DraftFields Build(Session session, IReadOnlyList<HookEvent> events, HandoffDraft drafted, string? trigger, CleanGitState? git)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        var used = events
            .Where(e => trigger is null || string.CompareOrdinal(e.Id, trigger) <= 0)
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .ToList();

        // Newest first, each once: what the session touched last is what the next agent needs first.
        var files = Distinct(used.Select(e => e.FilePath), MaxFiles);
        var commands = Distinct(used.Select(e => e.Command), MaxCommands);
        var lastMessage = used.LastOrDefault(e => e.Message is not null)?.Message;

        var why = drafted switch
        {
            HandoffDraft.Compaction => "before the CLI compacted its context",
            HandoffDraft.SessionEnd => "when the CLI session ended",
            _ => "for an abandoned session (stale, no EOD)",
        };
        var verb = drafted == HandoffDraft.Abandoned ? "Synthesized" : "Drafted";
        var parts = new List<string>
        {
            $"{verb} by Baton {why}, from {Count(used.Count, "hook event")} of session {session.Id} ({session.Agent}); not written by the agent.",
            $"{Count(files.Count, "file")} touched, {Count(commands.Count, "command")} run.",
        };
        if (git is not null)
        {
            var since = git.Commits.Count(c => c.CommittedAt >= session.CreatedAt);
            parts.Add($"Git: {Count(since, "commit")} since the session started" +
                (git.Branch is null ? "" : $" on {git.Branch}") + (git.DiffStat is null ? ", nothing uncommitted." : ", uncommitted changes."));
        }
        if (lastMessage is not null) parts.Add("Last assistant message: " + lastMessage);

        var commits = git is null ? [] : git.Commits.Where(c => c.CommittedAt >= session.CreatedAt).Take(MaxCommits).ToList();
        var accomplished = commits.Select(c => $"commit {Short(c.Sha)} {c.Subject}".TrimEnd()).ToList();
        var inProgress = files.Select(f => "touched " + f).ToList();
        if (git?.DiffStat is { } stat) inProgress.Add("uncommitted: " + stat);
        var next = new List<string>
        {
            drafted == HandoffDraft.Compaction
                ? "Carry on from the last assistant message; check the files touched against the working tree."
                : "Read the files touched and the repo's state before going on: this handoff was built from hook events, not written by the agent.",
        };

        var payload = new JsonObject
        {
            ["drafted_by"] = drafted switch { HandoffDraft.Compaction => "compaction", HandoffDraft.SessionEnd => "session_end", _ => "abandoned" },
            ["events"] = used.Count,
            ["files_touched"] = new JsonArray([.. files.Select(f => (JsonNode?)f)]),
            ["commands_run"] = new JsonArray([.. commands.Select(c => (JsonNode?)c)]),
        };
        if (lastMessage is not null) payload["last_assistant_message"] = lastMessage;
        if (used.Count > 0) payload["last_event_at"] = used[^1].OccurredAt.ToString("O", CultureInfo.InvariantCulture);
        if (git is not null)
        {
            payload["git"] = new JsonObject
            {
                ["branch"] = git.Branch,
                ["commits_since_start"] = new JsonArray([.. commits.Select(c => (JsonNode?)new JsonObject
                {
                    ["sha"] = c.Sha,
                    ["committed_at"] = c.CommittedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["subject"] = c.Subject,
                })]),
                ["diff_stat"] = git.DiffStat,
            };
        }

        var summary = string.Join("\n", parts);
        if (summary.Length > 2_000) summary = summary[..1_999] + "…";
        return new DraftFields(summary, HandoffStatus.InProgress, accomplished, inProgress, next, session.IssueNumber, payload);
    }

    /// <summary>
    /// The git state a front end sent, made safe to store: branch and subjects one cleaned, secret-scanned line; shas
    /// hex only; commits without a sha or time dropped, newest first, at most <see cref="MaxCommits"/>; the diff stat's
    /// lines cleaned and cut to <see cref="MaxDiffStatChars"/>. Null when nothing is left.
    /// </summary>
    public static CleanGitState? CleanGit(RepoGitState? git)
    {
        if (git is null) return null;
        var branch = string.IsNullOrWhiteSpace(git.Branch) ? null : HookEventRules.Bounded(git.Branch);
        var commits = (git.Commits ?? [])
            .Where(c => c is { Sha.Length: >= 7 and <= 64, CommittedAt: not null } && c.Sha.All(Uri.IsHexDigit))
            .Select(c => new CleanCommit(c!.Sha!.ToLowerInvariant(), c.CommittedAt!.Value.ToUniversalTime(),
                string.IsNullOrWhiteSpace(c.Subject) ? "" : HookEventRules.Bounded(c.Subject)))
            .OrderByDescending(c => c.CommittedAt)
            .Take(MaxCommits)
            .ToList();
        string? stat = null;
        if (!string.IsNullOrWhiteSpace(git.DiffStat))
        {
            var lines = git.DiffStat.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => HookEventRules.Bounded(l));
            stat = string.Join("; ", lines);
            if (stat.Length > MaxDiffStatChars) stat = stat[..(MaxDiffStatChars - 1)] + "…";
            if (stat.Length == 0) stat = null;
        }
        return branch is null && commits.Count == 0 && stat is null ? null : new CleanGitState(branch, commits, stat);
    }

    private static List<string> Distinct(IEnumerable<string?> newestLast, int max)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var value in newestLast.Reverse())
        {
            if (value is null || !seen.Add(value)) continue;
            list.Add(value);
            if (list.Count == max) break;
        }
        return list;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}

/// <summary>The structured fields of a drafted or synthesized handoff (what <c>HandoffFactory</c> turns into its stored form).</summary>
public sealed record DraftFields(
    string Summary,
    HandoffStatus Status,
    IReadOnlyList<string> Accomplished,
    IReadOnlyList<string> InProgress,
    IReadOnlyList<string> NextSteps,
    int? IssueNumber,
    JsonObject Payload) : IHandoffFields
{
    HandoffStatus? IHandoffFields.Status => Status;
    IReadOnlyList<string>? IHandoffFields.Accomplished => Accomplished;
    IReadOnlyList<string>? IHandoffFields.InProgress => InProgress;
    IReadOnlyList<string>? IHandoffFields.Blocked => null;
    IReadOnlyList<string>? IHandoffFields.NextSteps => NextSteps;
    IReadOnlyList<string>? IHandoffFields.SuccessCriteria => null;
    string? IHandoffFields.ToAgent => null;
    JsonObject? IHandoffFields.Payload => Payload;
}

/// <summary>The git state after <see cref="HandoffDraftRules.CleanGit"/>: safe to store.</summary>
public sealed record CleanGitState(string? Branch, IReadOnlyList<CleanCommit> Commits, string? DiffStat);

public sealed record CleanCommit(string Sha, DateTimeOffset CommittedAt, string Subject);
