using System.Globalization;

namespace Baton.Core.Alerts;

/// <summary>
/// What a signal does to the open alert of its identity. A closed set: each store reads the open alert, asks
/// <see cref="AlertRules.Decide"/>, and persists only what it says, so the rule cannot drift between stores.
/// </summary>
public abstract record AlertDecision
{
    private AlertDecision()
    {
    }

    /// <summary>A success with no alert open: nothing changes.</summary>
    public sealed record Nothing : AlertDecision;

    /// <summary>A failure with no alert open: <paramref name="Alert"/>, new, to insert (its last run is the signal's).</summary>
    public sealed record Open(Alert Alert) : AlertDecision;

    /// <summary>A failure with an alert open: one more occurrence, and these values (each never moves backwards).</summary>
    public sealed record AddOccurrence(AlertSeverity Severity, DateTimeOffset LastSeen, string? Url, RunOrder? LastRun) : AlertDecision;

    /// <summary>A success at least as new as the alert's last run: the alert is resolved by the signal's event.</summary>
    public sealed record Resolve : AlertDecision;

    /// <summary>
    /// A success from a run older than the one that opened or last added to the alert (a late delivery, or an old run
    /// re-run green): the alert stays open, unchanged — the newer run's failure still stands.
    /// </summary>
    public sealed record KeepOpen : AlertDecision;
}

/// <summary>Alert rules that both the webhook and the API path follow, and both stores apply.</summary>
public static class AlertRules
{
    /// <summary>Open alerts with no occurrence for this long may be stale: their resolver may not be receiving green events.</summary>
    public static readonly TimeSpan PossiblyStaleAfter = TimeSpan.FromDays(14);

    /// <summary>The resolution reason recorded when a green run closes an alert (the event itself is in resolved_by).</summary>
    public const string ResolvedByCiReason = "CI passed again on the same workflow and branch.";

    /// <summary>
    /// Whether an alert on <paramref name="branch"/> is on its repo's default branch. The default branch is the one the
    /// repo's last webhook named; before any delivery it is taken to be <c>main</c> or <c>master</c>.
    /// </summary>
    public static bool IsDefaultBranch(string branch, string? rememberedDefault) =>
        rememberedDefault is not null
            ? string.Equals(branch, rememberedDefault, StringComparison.Ordinal)
            : branch is "main" or "master";

    /// <summary>
    /// The same for a CI run, judged by where its head is too: a run whose head repository is not <paramref name="repo"/>
    /// (a fork's pull request) is never on our default branch, whatever its branch is called.
    /// </summary>
    public static bool IsDefaultBranch(string repo, string? headRepo, string branch, string? rememberedDefault) =>
        !IsFromOtherRepo(repo, headRepo) && IsDefaultBranch(branch, rememberedDefault);

    /// <summary>True when a run's head repository (<c>workflow_run.head_repository.full_name</c>) is another repo than the one it ran for: a fork.</summary>
    public static bool IsFromOtherRepo(string repo, string? headRepo) =>
        headRepo is not null && !string.Equals(headRepo, repo, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The branch an alert is kept under. A fork's branch is named <c>owner:branch</c> — GitHub's own label for a
    /// pull request's head — so a fork's <c>main</c> is a different alert from ours: its red never adds to our main
    /// alert and its green never resolves it.
    /// </summary>
    public static string AlertBranch(string repo, string? headRepo, string headBranch)
    {
        if (!IsFromOtherRepo(repo, headRepo)) return headBranch;
        var slash = headRepo!.IndexOf('/', StringComparison.Ordinal);
        return (slash > 0 ? headRepo[..slash] : headRepo) + ":" + headBranch;
    }

    /// <summary>
    /// Which of two runs is newer: by <c>created_at</c> when both have one and they differ, else by number when both have
    /// one; 0 for the same run (a re-run keeps both). Null when they cannot be compared (either is unknown, or they share
    /// nothing to compare by).
    /// </summary>
    public static int? CompareRuns(RunOrder? a, RunOrder? b)
    {
        if (a is null || b is null) return null;
        // created_at first: it orders runs even when two workflows share a name (their numbers are separate sequences).
        if (a.CreatedAt is { } createdA && b.CreatedAt is { } createdB && createdA != createdB) return createdA.CompareTo(createdB);
        if (a.Number is { } numberA && b.Number is { } numberB) return numberA.CompareTo(numberB);
        return a.CreatedAt is not null && b.CreatedAt is not null ? 0 : null;
    }

    /// <summary>
    /// What <paramref name="signal"/> does to <paramref name="open"/>, the open alert of its identity (null when none).
    /// A success resolves only when its run is at least as new as the alert's <see cref="Alert.LastRun"/>; when the two
    /// cannot be compared (an alert raised by hand, a payload without run data) it resolves, as every success did before
    /// runs were recorded. A failure adds an occurrence keeping the worse severity, the later last_seen, and the newer
    /// run (with its url); an older run's failure still counts, but moves neither.
    /// </summary>
    public static AlertDecision Decide(Alert? open, AlertSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.Kind == AlertSignalKind.Success)
        {
            if (open is null) return new AlertDecision.Nothing();
            return CompareRuns(signal.Run, open.LastRun) < 0 ? new AlertDecision.KeepOpen() : new AlertDecision.Resolve();
        }

        if (open is null)
        {
            return new AlertDecision.Open(new Alert(signal.NewId, signal.Venture, signal.Repo, signal.Workflow, signal.Branch, signal.Source,
                signal.Severity, AlertStatus.Open, signal.OnDefaultBranch, signal.At, signal.At, 1, signal.Url, null, null, null, signal.Run));
        }
        var older = CompareRuns(signal.Run, open.LastRun) < 0;
        var severity = (AlertSeverity)Math.Min((int)open.Severity, (int)signal.Severity);
        var lastSeen = signal.At > open.LastSeen ? signal.At : open.LastSeen;
        var lastRun = older ? open.LastRun : signal.Run ?? open.LastRun;
        var url = older ? open.Url : signal.Url ?? open.Url;
        return new AlertDecision.AddOccurrence(severity, lastSeen, url, lastRun);
    }

    /// <summary>A readable reference to the event that resolved an alert: event, delivery and run.</summary>
    public static string EventRef(string source, string deliveryId, long? runId) =>
        $"github:{source}:{deliveryId}" + (runId is { } run ? ":" + run.ToString(CultureInfo.InvariantCulture) : "");
}
