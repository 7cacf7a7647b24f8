namespace Baton.Core.Workflows;

// What the workflow engine needs from outside the store: GitHub (through `gh`: Baton.Local.GitHub.GitHubCli) and HTTP smoke
// checks (Baton.Local.GitHub.HttpSmokeChecker). Both are ports so the engine's rules are tested without either.

/// <summary>An issue as <c>gh issue view --json number,title,body,state,labels,url</c> gives it.</summary>
public sealed record GitHubIssue(string Repo, int Number, string Title, string Body, string State, IReadOnlyList<string> Labels, string Url);

/// <summary>A pull request's state as <c>gh pr view --json state</c> gives it.</summary>
public enum PullRequestState { Open, Merged, Closed }

/// <summary>
/// GitHub as the workflow engine and sprints use it. Every method throws <see cref="GitHubException"/> with <c>gh</c>'s
/// own message when it fails (not installed, not authenticated, not found).
/// </summary>
public interface IGitHub
{
    Task<GitHubIssue> GetIssueAsync(string repo, int number, CancellationToken ct);
    /// <summary>Open issues with the label, oldest first (at most 200).</summary>
    Task<IReadOnlyList<GitHubIssue>> ListIssuesAsync(string repo, string label, CancellationToken ct);
    Task CommentAsync(string repo, int number, string body, CancellationToken ct);
    /// <summary>Adds <paramref name="add"/> (creating the label in the repo when it is missing) and removes <paramref name="remove"/> where present.</summary>
    Task EditLabelsAsync(string repo, int number, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct);
    /// <summary>Creates an issue; answers its URL.</summary>
    Task<string> CreateIssueAsync(string repo, string title, string body, IReadOnlyList<string> labels, CancellationToken ct);
    Task CloseIssueAsync(string repo, int number, string comment, CancellationToken ct);
    Task<PullRequestState> GetPullRequestStateAsync(string prUrl, CancellationToken ct);
    Task MergePullRequestAsync(string prUrl, CancellationToken ct);
}

/// <summary><c>gh</c> failed: its stderr (or why it could not run), for the effect's last error and the caller's message.</summary>
public sealed class GitHubException(string message) : Exception(message);

/// <summary>HTTP smoke checks (VALIDATE): a <c>GET</c> of each URL at once, each within the timeout given; 2xx passes.</summary>
public interface ISmokeChecker
{
    Task<IReadOnlyList<SmokeResult>> CheckAsync(IReadOnlyList<SmokeEndpoint> endpoints, TimeSpan timeout, CancellationToken ct);
}
