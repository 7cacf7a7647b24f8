
namespace Baton.Local.Git;

/// <summary>
/// Where a directory sits in git, as an agent session needs it: the working tree's root, the <c>org/repo</c> of its
/// remote, the branch (or a detached HEAD), the commit, and whether it is a linked worktree. Found by running the real
/// <c>git</c>, so it agrees with what the agent sees in its terminal.
/// </summary>
/// <param name="Directory">The directory that was asked about.</param>
/// <param name="Problem">Why this is not a usable git working tree (not a repo, git missing); null when it is one.</param>
/// <param name="Root">The top of the working tree (<c>git rev-parse --show-toplevel</c>).</param>
/// <param name="RemoteName">The remote <see cref="OrgRepo"/> came from: <c>origin</c>, else the only remote there is.</param>
/// <param name="OrgRepo"><c>org/repo</c> from the remote URL; null with <see cref="RemoteProblem"/> saying why.</param>
/// <param name="Branch">The checked-out branch; null on a detached HEAD (<see cref="Detached"/>).</param>
/// <param name="CommitSha">The full sha of HEAD; null in a repository with no commit yet.</param>
/// <param name="IsLinkedWorktree">True in a worktree made by <c>git worktree add</c> (its git dir differs from the common one).</param>
public sealed record GitWorkspace(
    string Directory,
    string? Problem,
    string? Root,
    string? RemoteName,
    string? RemoteUrl,
    string? OrgRepo,
    string? RemoteProblem,
    string? Branch,
    bool Detached,
    string? CommitSha,
    bool IsLinkedWorktree)
{
    public bool IsRepository => Problem is null;

    /// <summary>Inspects <paramref name="directory"/> with <c>git</c>. Never throws for "not a repo" or "no git": it says so in <see cref="Problem"/>.</summary>
    public static async Task<GitWorkspace> DetectAsync(string directory, CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(directory)) return NotARepository(directory, $"the directory {directory} does not exist.");

        // Every question is asked at once (each is a git process, and `baton sod` waits on them): the answers are only used
        // once the first says this is a working tree. origin's URL is asked for before knowing there is an origin, as
        // there almost always is.
        // One call answers "is this a repo" and gives the three paths; absolute paths make the worktree test a plain compare.
        var pathsTask = GitAsync(directory, ct, "rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir");
        // symbolic-ref fails (exit 1) exactly when HEAD is detached; rev-parse --verify fails only before the first commit.
        var branchTask = GitAsync(directory, ct, "symbolic-ref", "--quiet", "--short", "HEAD");
        var commitTask = GitAsync(directory, ct, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
        var remotesTask = GitAsync(directory, ct, "remote");
        var originTask = GitAsync(directory, ct, "remote", "get-url", "origin");
        await Task.WhenAll(pathsTask, branchTask, commitTask, remotesTask, originTask);
        var paths = pathsTask.Result;
        if (paths is null) return NotARepository(directory, "git is not installed (or not on PATH): install git.");
        if (!paths.Succeeded)
        {
            return NotARepository(directory, paths.Stderr.Contains("not a git repository", StringComparison.OrdinalIgnoreCase)
                ? $"{directory} is not inside a git repository: cd into the repository you work on (or `git clone` it first)."
                : $"git could not read {directory}: {FirstLine(paths.Stderr)}");
        }
        var lines = Lines(paths.Stdout);
        if (lines.Length < 3) return NotARepository(directory, $"{directory} is inside a git directory but not a working tree: cd into the working tree.");
        var (root, gitDir, commonDir) = (lines[0], lines[1], lines[2]);

        var branch = branchTask.Result is { Succeeded: true } b ? b.Stdout.Trim() : null;
        var commit = commitTask.Result is { Succeeded: true } c ? c.Stdout.Trim() : null;
        var remotes = remotesTask.Result is { Succeeded: true } r ? Lines(r.Stdout) : [];

        string? remoteName = remotes.Contains("origin") ? "origin" : remotes.Length == 1 ? remotes[0] : null;
        string? remoteUrl = null, orgRepo = null, remoteProblem;
        if (remoteName is null)
        {
            remoteProblem = remotes.Length == 0
                ? $"the repository at {root} has no remote, so it names no org/repo: add one (`git remote add origin git@github.com:<org>/<repo>.git`) or pass the repo explicitly."
                : $"the repository at {root} has several remotes ({string.Join(", ", remotes)}) and none is called origin: pass the repo explicitly, or name the main remote origin.";
        }
        else
        {
            var url = remoteName == "origin" ? originTask.Result : await GitAsync(directory, ct, "remote", "get-url", remoteName);
            remoteUrl = url is { Succeeded: true } ? url.Stdout.Trim() : null;
            orgRepo = GitRemote.ParseOrgRepoOrNull(remoteUrl);
            remoteProblem = orgRepo is null
                ? $"the {remoteName} remote '{remoteUrl}' does not name an org and a repo (expected e.g. git@github.com:org/repo.git or https://github.com/org/repo): pass the repo explicitly."
                : null;
        }

        return new GitWorkspace(directory, null, root, remoteName, remoteUrl, orgRepo, remoteProblem,
            branch, Detached: branch is null && commit is not null, commit, IsLinkedWorktree: !SamePath(gitDir, commonDir));
    }

    private static GitWorkspace NotARepository(string directory, string problem) =>
        new(directory, problem, null, null, null, null, null, null, false, null, false);

    private static Task<CommandOutput?> GitAsync(string directory, CancellationToken ct, params string[] arguments) =>
        ExternalCommand.RunOrNullAsync("git", arguments, directory, ct);

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FirstLine(string text) => Lines(text).FirstOrDefault() ?? "no message";

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
}
