using System.Collections.Concurrent;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Workers;
using Baton.Local.Git;

namespace Baton.Cli.Worker;

/// <summary>A task's worktree: where it is, on which branch, made from which commit of which default branch.</summary>
/// <param name="BaseCommit">The commit the worktree started from: the fetched default branch's, or origin's commit of the branch when it had it.</param>
/// <param name="BranchExisted">The branch was on origin and the worktree continues it (a push is a fast-forward; a PR may already be open).</param>
public sealed record Worktree(string ClonePath, string Path, string Branch, string DefaultBranch, string BaseCommit, bool BranchExisted = false);

/// <summary>A worktree kept after a failed attempt (<c>&lt;data-dir&gt;/worktrees/&lt;task&gt;.json</c>), listed by <c>baton worker status</c>.</summary>
public sealed record KeptWorktree(string TaskId, int Attempt, string Path, string Branch, string? ErrorType, string? ErrorMessage, DateTimeOffset KeptAt);

/// <summary>Git failed for a task's worktree; the message says which command and what git said.</summary>
public sealed class WorkspaceException(string message) : Exception(message);

/// <summary>
/// The git side of a task (docs/architecture.md §16): fetch the clone, make a worktree on <c>baton/&lt;task&gt;</c> from the
/// freshly fetched <c>origin/&lt;default&gt;</c> ("always branch from origin/main, never local main") — or on the branch
/// the payload names, from origin's commit of it when origin has it — push and open the pull request, and remove the
/// worktree on success or keep it (with a note beside it) on failure. Git commands on one
/// clone run one at a time — two tasks fetching the same clone at once would fight over its ref locks, and a fetch
/// reading <c>.git/worktrees</c> while another task adds or removes a worktree fails — across processes too (two
/// workers on one machine share its clones): a lock file in the clone's <c>.git</c> held with an exclusive open (an
/// advisory lock between processes). A fetch of a branch that started after a task arrived is fresh enough for it:
/// tasks that queue behind one fetch share it instead of each fetching again.
/// </summary>
public sealed class TaskWorkspace(string dataDir)
{
    private sealed class CloneState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Branch → its last successful fetch (only read and written under <see cref="Gate"/>).</summary>
        public Dictionary<string, Fetched> Branches { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>When a fetch of one branch started (<see cref="System.Diagnostics.Stopwatch"/> ticks) and the commit it brought (null: origin has no such branch).</summary>
    private sealed record Fetched(long Started, string? Commit);

    private static readonly ConcurrentDictionary<string, CloneState> Clones = new(StringComparer.Ordinal);

    /// <summary><c>&lt;data-dir&gt;/worktrees</c>: every task's worktree, and the notes of kept ones.</summary>
    public string Root { get; } = System.IO.Path.Combine(dataDir, "worktrees");

    /// <summary>
    /// Fetches origin and makes the task's worktree: on <c>baton/&lt;task&gt;</c> from the default branch, or on
    /// <paramref name="onBranch"/> — from origin's commit of it when origin has it, else new from the default branch. A
    /// worktree kept from an earlier attempt here is detached from the branch first (and stays for reading).
    /// </summary>
    public async Task<Worktree> CreateAsync(string clone, string taskId, int attempt, string? knownDefaultBranch, string? onBranch, CancellationToken ct)
    {
        var branch = onBranch ?? WorkerRules.BranchOf(taskId);
        var path = System.IO.Path.Combine(Root, attempt <= 1 ? taskId : $"{taskId}-{attempt}");
        Directory.CreateDirectory(Root);
        var state = Clones.GetOrAdd(System.IO.Path.GetFullPath(clone), _ => new CloneState());
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        await state.Gate.WaitAsync(ct);
        try
        {
            using var machineWide = await LockCloneAsync(clone, ct);
            var defaultBranch = await DefaultBranchAsync(clone, knownDefaultBranch, ct);
            // Never the default branch itself: its worktree would take the clone's own checkout, and its push would land
            // on it without a review.
            if (onBranch == defaultBranch)
                throw new WorkspaceException($"a task may not work on the default branch {defaultBranch} itself: payload.branch must name a branch of its own");
            // A named branch continues origin's when it is there; a task's own branch always starts afresh from the default.
            var existing = onBranch is null ? null : await FetchAsync(clone, state, onBranch, arrived, mayBeAbsent: true, ct);
            var baseCommit = existing ?? await FetchAsync(clone, state, defaultBranch, arrived, mayBeAbsent: false, ct)
                ?? throw new WorkspaceException($"origin has no branch {defaultBranch}");
            if (Directory.Exists(path)) await GitAsync(clone, ct, "worktree", "remove", "--force", path);
            string[] add = ["worktree", "add", "--quiet", "--no-track", "-B", branch, path, baseCommit];
            if (!(await ExternalCommand.RunOrNullAsync("git", add, clone, ct) is { Succeeded: true }))
            {
                // The branch is checked out in a worktree kept from an earlier attempt: detach that one (it stays for
                // reading) so this attempt gets the branch, reset to the commit it starts from.
                foreach (var other in await WorktreesOnBranchAsync(clone, branch, ct))
                    await GitAsync(other, ct, "checkout", "--quiet", "--detach");
                await GitAsync(clone, ct, add);
            }
            return new Worktree(clone, path, branch, defaultBranch, baseCommit, BranchExisted: existing is not null);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Fetches exactly one branch of origin (held under the clone's gate) and answers its commit; a fetch of it that
    /// started after <paramref name="arrived"/> is shared instead. Only that ref: the remote then advertises one ref
    /// (protocol v2's ref prefixes), not every baton/* branch workers have pushed — a fetch that stays as fast with a
    /// thousand PRs as with none. Git's automatic maintenance after a fetch is a process of its own; it runs after the
    /// task instead (<see cref="RemoveAsync"/>), off the path to the agent's start. Null when
    /// <paramref name="mayBeAbsent"/> and origin has no such branch (asked with <c>ls-remote</c> only after the fetch
    /// failed, so the usual case costs one process).
    /// </summary>
    private static async Task<string?> FetchAsync(string clone, CloneState state, string branch, long arrived, bool mayBeAbsent, CancellationToken ct)
    {
        if (state.Branches.TryGetValue(branch, out var last) && last.Started >= arrived) return last.Commit;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        string[] fetch = ["-c", "maintenance.auto=false", "fetch", "--quiet", "--no-tags", "origin", $"+refs/heads/{branch}:refs/remotes/origin/{branch}"];
        var run = await ExternalCommand.RunOrNullAsync("git", fetch, clone, ct) ?? throw new WorkspaceException("git is not installed: the worker needs git on PATH.");
        string? commit;
        if (run.Succeeded)
        {
            commit = FetchedCommitOrNull(clone) ?? (await GitAsync(clone, ct, "rev-parse", $"refs/remotes/origin/{branch}")).Trim();
        }
        else if (mayBeAbsent && await ExternalCommand.RunOrNullAsync("git", ["ls-remote", "--exit-code", "origin", $"refs/heads/{branch}"], clone, ct) is { ExitCode: 2 })
        {
            commit = null; // `ls-remote --exit-code` answers 2 exactly when origin has no matching ref
        }
        else
        {
            throw new WorkspaceException($"`git {string.Join(' ', fetch)}` in {clone} exited {run.ExitCode}: {Tail(run.Stderr)}");
        }
        state.Branches[branch] = new Fetched(started, commit);
        return commit;
    }

    /// <summary>How many commits the task's branch has on top of the commit it started from.</summary>
    public async Task<int> CommitCountAsync(Worktree worktree, CancellationToken ct)
    {
        var count = await GitAsync(worktree.Path, ct, "rev-list", "--count", $"{worktree.BaseCommit}..HEAD");
        return int.TryParse(count.Trim(), out var n) ? n : 0;
    }

    /// <summary>Pushes the branch to origin.</summary>
    public Task PushAsync(Worktree worktree, CancellationToken ct) =>
        GitAsync(worktree.Path, ct, "push", "--quiet", "--set-upstream", "origin", $"{worktree.Branch}:{worktree.Branch}");

    /// <summary>
    /// Opens the pull request with <c>gh pr create</c> and answers its URL (the last line gh prints). When one is already
    /// open for the branch (a workflow's branch on its next round), gh refuses with its URL, and that PR is the answer:
    /// the commits just pushed are on it.
    /// </summary>
    public static async Task<string> OpenPullRequestAsync(Worktree worktree, string title, string body, CancellationToken ct)
    {
        var run = await ExternalCommand.RunOrNullAsync("gh",
            ["pr", "create", "--head", worktree.Branch, "--base", worktree.DefaultBranch, "--title", title, "--body", body], worktree.Path, ct)
            ?? throw new WorkspaceException("gh is not installed: install the GitHub CLI (https://cli.github.com) and run `gh auth login` on this machine, or create tasks without \"open_pr\".");
        if (!run.Succeeded && WorkerRules.ExistingPullRequestUrlOrNull(run.Stderr) is { } open) return open;
        if (!run.Succeeded) throw new WorkspaceException($"`gh pr create` exited {run.ExitCode}: {Tail(run.Stderr)}");
        var url = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return url is not null && Uri.TryCreate(url, UriKind.Absolute, out _)
            ? url
            : throw new WorkspaceException($"`gh pr create` printed no pull request URL: {Tail(run.Stdout)}");
    }

    /// <summary>Removes the worktree (the branch stays: it may have been pushed).</summary>
    public async Task RemoveAsync(Worktree worktree, CancellationToken ct)
    {
        var state = Clones.GetOrAdd(System.IO.Path.GetFullPath(worktree.ClonePath), _ => new CloneState());
        await state.Gate.WaitAsync(ct);
        try
        {
            using var machineWide = await LockCloneAsync(worktree.ClonePath, ct);
            await GitAsync(worktree.ClonePath, ct, "worktree", "remove", "--force", worktree.Path);
        }
        finally
        {
            state.Gate.Release();
        }
        // The maintenance fetch skipped (it decides by itself whether there is anything to do). Outside the clone's
        // lock: git's own maintenance is safe beside a fetch, and the next task's start should not wait for it.
        await GitAsync(worktree.ClonePath, ct, "maintenance", "run", "--auto", "--quiet");
        File.Delete(NoteOf(worktree.Path));
    }

    /// <summary>
    /// The clone's lock between processes: <c>.git/baton-worker.lock</c> opened with no sharing (.NET takes an advisory
    /// <c>flock</c> for that on Unix), retried every 10 ms. A clone whose <c>.git</c> is a file (itself a worktree) is
    /// locked in the data directory instead.
    /// </summary>
    private async Task<FileStream> LockCloneAsync(string clone, CancellationToken ct)
    {
        var git = System.IO.Path.Combine(clone, ".git");
        var path = Directory.Exists(git)
            ? System.IO.Path.Combine(git, "baton-worker.lock")
            : System.IO.Path.Combine(Root, $".lock-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(clone))))[..16]}");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                await Task.Delay(10, ct);
            }
        }
    }

    /// <summary>Keeps the worktree for a person to read, with a note of the attempt beside it.</summary>
    public void Keep(Worktree worktree, string taskId, int attempt, string? errorType, string? errorMessage, DateTimeOffset now)
    {
        var kept = new KeptWorktree(taskId, attempt, worktree.Path, worktree.Branch, errorType, errorMessage, now);
        File.WriteAllText(NoteOf(worktree.Path), JsonSerializer.Serialize(kept, BatonJson.Options));
    }

    /// <summary>The kept worktrees, newest first (a note whose worktree is gone is skipped).</summary>
    public IReadOnlyList<KeptWorktree> ListKept()
    {
        if (!Directory.Exists(Root)) return [];
        var kept = new List<KeptWorktree>();
        foreach (var note in Directory.GetFiles(Root, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<KeptWorktree>(File.ReadAllText(note), BatonJson.Options) is { } k && Directory.Exists(k.Path)) kept.Add(k);
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                // A half-written note (the worker was killed while writing it): not a kept worktree we can describe.
            }
        }
        return [.. kept.OrderByDescending(k => k.KeptAt)];
    }

    private static string NoteOf(string worktreePath) => worktreePath + ".json";

    /// <summary>
    /// The commit the fetch just wrote to <c>.git/FETCH_HEAD</c> (its first line starts with it): read instead of asking
    /// <c>git rev-parse</c> — one process less per task. Null when the file is not there or not as expected.
    /// </summary>
    private static string? FetchedCommitOrNull(string clone)
    {
        try
        {
            var line = File.ReadLines(System.IO.Path.Combine(clone, ".git", "FETCH_HEAD")).FirstOrDefault();
            var oid = line?.Split('\t')[0].Trim();
            return oid is { Length: 40 or 64 } && oid.All(Uri.IsHexDigit) ? oid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string> DefaultBranchAsync(string clone, string? known, CancellationToken ct)
    {
        // The worker read origin/HEAD when it registered the clone's context; asking git again per task costs a process.
        if (!string.IsNullOrWhiteSpace(known)) return known;
        return await OriginDefaultBranchOrNullAsync(clone, ct) ?? "main";
    }

    /// <summary>What origin calls its default branch (<c>refs/remotes/origin/HEAD</c>, which <c>git clone</c> sets); null when the clone has none.</summary>
    public static async Task<string?> OriginDefaultBranchOrNullAsync(string clone, CancellationToken ct)
    {
        var head = await ExternalCommand.RunOrNullAsync("git", ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], clone, ct);
        return head is { Succeeded: true } && head.Stdout.Trim() is { Length: > 7 } name && name.StartsWith("origin/", StringComparison.Ordinal)
            ? name["origin/".Length..]
            : null;
    }

    private static async Task<IReadOnlyList<string>> WorktreesOnBranchAsync(string clone, string branch, CancellationToken ct)
    {
        var list = await GitAsync(clone, ct, "worktree", "list", "--porcelain");
        var found = new List<string>();
        string? path = null;
        foreach (var line in list.Split('\n'))
        {
            if (line.StartsWith("worktree ", StringComparison.Ordinal)) path = line["worktree ".Length..];
            else if (line == $"branch refs/heads/{branch}" && path is not null) found.Add(path);
        }
        return found;
    }

    private static async Task<string> GitAsync(string directory, CancellationToken ct, params string[] args)
    {
        var run = await ExternalCommand.RunOrNullAsync("git", args, directory, ct)
            ?? throw new WorkspaceException("git is not installed: the worker needs git on PATH.");
        if (!run.Succeeded) throw new WorkspaceException($"`git {string.Join(' ', args)}` in {directory} exited {run.ExitCode}: {Tail(run.Stderr)}");
        return run.Stdout;
    }

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 500 ? trimmed : "…" + trimmed[^500..];
    }
}
