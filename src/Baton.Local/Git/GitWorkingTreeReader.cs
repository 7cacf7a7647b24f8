using Baton.Core.Application;

namespace Baton.Local.Git;

/// <summary>Core's <see cref="IWorkingTreeReader"/> port over <see cref="GitWorkspace"/> (runs git in the directory).</summary>
public sealed class GitWorkingTreeReader : IWorkingTreeReader
{
    public static GitWorkingTreeReader Instance { get; } = new();

    public async Task<WorkingTree> ReadAsync(string directory, CancellationToken ct) =>
        From(await GitWorkspace.DetectAsync(directory, ct));

    public static WorkingTree From(GitWorkspace w) =>
        new(w.Root, w.OrgRepo, w.Branch, w.Detached, w.CommitSha, w.IsLinkedWorktree, w.Problem ?? w.RemoteProblem);
}
