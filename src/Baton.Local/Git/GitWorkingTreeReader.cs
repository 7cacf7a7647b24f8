using System.Globalization;
using Baton.Core.Application;
using Baton.Core.Sessions;

namespace Baton.Local.Git;

/// <summary>Core's <see cref="IWorkingTreeReader"/> port over <see cref="GitWorkspace"/> (runs git in the directory).</summary>
public sealed class GitWorkingTreeReader : IWorkingTreeReader
{
    public static GitWorkingTreeReader Instance { get; } = new();

    public async Task<WorkingTree> ReadAsync(string directory, CancellationToken ct) =>
        From(await GitWorkspace.DetectAsync(directory, ct));

    /// <summary>
    /// Three git questions at once: the branch, <c>git log --since=14.days</c> (at most 50, with commit times, so the
    /// server keeps those since an abandoned session started) and <c>git diff --stat HEAD</c> (staged and unstaged).
    /// </summary>
    public async Task<RepoGitState?> ReadGitStateAsync(string root, CancellationToken ct)
    {
        var branchTask = ExternalCommand.RunOrNullAsync("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], root, ct);
        var logTask = ExternalCommand.RunOrNullAsync("git",
            ["log", $"--since={IWorkingTreeReader.RecentCommitDays}.days", "-n", "50", "--no-color", "--format=%H%x1f%cI%x1f%s"], root, ct);
        var diffTask = ExternalCommand.RunOrNullAsync("git", ["diff", "--stat=120", "--no-color", "HEAD"], root, ct);
        await Task.WhenAll(branchTask, logTask, diffTask);
        if (logTask.Result is not { Succeeded: true } && diffTask.Result is not { Succeeded: true }) return null;

        var commits = new List<GitCommitInput?>();
        foreach (var line in (logTask.Result is { Succeeded: true } log ? log.Stdout : "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\x1f');
            if (parts.Length >= 3 && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                commits.Add(new GitCommitInput(parts[0].Trim(), at, parts[2].Trim()));
        }
        var branch = branchTask.Result is { Succeeded: true } b ? b.Stdout.Trim() : null;
        var diff = diffTask.Result is { Succeeded: true } d && !string.IsNullOrWhiteSpace(d.Stdout) ? d.Stdout.TrimEnd() : null;
        return new RepoGitState(string.IsNullOrEmpty(branch) ? null : branch, commits, diff);
    }

    public static WorkingTree From(GitWorkspace w) =>
        new(w.Root, w.OrgRepo, w.Branch, w.Detached, w.CommitSha, w.IsLinkedWorktree, w.Problem ?? w.RemoteProblem);
}
