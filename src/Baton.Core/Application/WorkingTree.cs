namespace Baton.Core.Application;

/// <summary>
/// Where a front end is running, as git sees it: the repository root, <c>org/repo</c> from the origin remote, the
/// branch and commit. Read machine-side (Baton.Local's <c>GitWorkingTreeReader</c>) and handed to the handlers here.
/// </summary>
/// <param name="Root">The working tree's root; null when the directory is not in a git working tree.</param>
/// <param name="OrgRepo"><c>org/repo</c> parsed from the origin remote; null when there is none or it names no org.</param>
/// <param name="Branch">The checked-out branch; null when HEAD is detached or there is no commit yet.</param>
/// <param name="Problem">Why something is missing, in words for a person (not a git repository, no origin remote, …).</param>
public sealed record WorkingTree(
    string? Root,
    string? OrgRepo,
    string? Branch,
    bool Detached,
    string? CommitSha,
    bool LinkedWorktree,
    string? Problem)
{
    /// <summary>Nothing known: for front ends that run outside any working tree.</summary>
    public static WorkingTree None(string problem) => new(null, null, null, false, null, false, problem);

    /// <summary>True when this working tree is a clone of <paramref name="orgRepo"/> (GitHub compares names case-insensitively).</summary>
    public bool Is(string orgRepo) => string.Equals(OrgRepo, orgRepo, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads the <see cref="WorkingTree"/> of a directory. A port: it runs git, which Core never does itself.</summary>
public interface IWorkingTreeReader
{
    /// <summary>Never throws for a directory outside git or without a remote: the answer's <see cref="WorkingTree.Problem"/> says so.</summary>
    Task<WorkingTree> ReadAsync(string directory, CancellationToken ct);

    /// <summary>
    /// The repo's recent git state at <paramref name="root"/> (branch, the commits of the last
    /// <see cref="RecentCommitDays"/> days newest first with their commit times, the uncommitted diff stat), which SOD
    /// sends so a handoff can be synthesized for an abandoned session (docs/architecture.md §15). Null when git cannot
    /// say; never throws for that.
    /// </summary>
    Task<Sessions.RepoGitState?> ReadGitStateAsync(string root, CancellationToken ct) => Task.FromResult<Sessions.RepoGitState?>(null);

    /// <summary>How far back the commits go: as long as hook events are kept, so no session Baton could still describe is cut short.</summary>
    public const int RecentCommitDays = 14;
}
