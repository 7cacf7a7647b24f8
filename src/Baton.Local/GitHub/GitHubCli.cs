using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Workflows;
using Baton.Local.Git;

namespace Baton.Local.GitHub;

/// <summary>
/// GitHub for the workflow engine and sprints, through the GitHub CLI run as a program (never a shell, so nothing in
/// a title or body is interpreted). Every failure is a <see cref="GitHubException"/> carrying gh's own words, worded as
/// the MCP tools word them (Baton.Mcp.GhCli): how to install gh, or to run <c>gh auth login</c>.
/// </summary>
/// <param name="command">The gh program: a name looked up on PATH, or a path.</param>
/// <param name="workingDirectory">Where gh runs. Every call names its repo or PR URL, so any existing directory does;
/// the default (the temp directory) is outside any checkout, so <c>gh pr merge</c> never touches a local branch.</param>
/// <param name="timeout">How long one gh call may take before it is stopped (default <see cref="DefaultTimeout"/>).</param>
public sealed partial class GitHubCli(string command = "gh", string? workingDirectory = null, TimeSpan? timeout = null) : IGitHub
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The description a label Baton creates carries.</summary>
    public const string LabelDescription = "Baton workflow state";

    public string Command { get; } = command;

    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;

    public async Task<GitHubIssue> GetIssueAsync(string repo, int number, CancellationToken ct)
    {
        var output = await RunCheckedAsync($"read issue {repo}#{number}", null, ct,
            "issue", "view", Number(number), "--repo", Repo(repo), "--json", IssueFields);
        return Parse(output.Stdout, $"issue {repo}#{number}", json => ReadIssue(repo, json));
    }

    public async Task<IReadOnlyList<GitHubIssue>> ListIssuesAsync(string repo, string label, CancellationToken ct)
    {
        var output = await RunCheckedAsync($"list the issues of {repo} labelled '{label}'", null, ct,
            "issue", "list", "--repo", Repo(repo), "--label", label, "--state", "open", "--limit", "200", "--json", IssueFields);
        // gh lists newest first; a sprint plans oldest first.
        return Parse(output.Stdout, $"the issues of {repo}", json => json.EnumerateArray().Select(i => ReadIssue(repo, i)).OrderBy(i => i.Number).ToList());
    }

    public async Task CommentAsync(string repo, int number, string body, CancellationToken ct) =>
        // The body goes through stdin: a plan or a report can be longer than an argument may be.
        await RunCheckedAsync($"comment on issue {repo}#{number}", body, ct,
            "issue", "comment", Number(number), "--repo", Repo(repo), "--body-file", "-");

    public async Task EditLabelsAsync(string repo, int number, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct)
    {
        // gh refuses to remove a label the repo does not have at all ("'status:qa' not found"), and the engine removes
        // every other status:* label: so remove only those the issue carries (which the repo therefore has).
        var removeNow = remove;
        if (remove.Count > 0)
        {
            var present = (await GetIssueAsync(repo, number, ct)).Labels;
            removeNow = remove.Where(r => present.Contains(r, StringComparer.OrdinalIgnoreCase) && !add.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        }
        if (add.Count == 0 && removeNow.Count == 0) return;

        string[] arguments = ["issue", "edit", Number(number), "--repo", Repo(repo),
            .. add.Count > 0 ? new[] { "--add-label", string.Join(',', add) } : [],
            .. removeNow.Count > 0 ? new[] { "--remove-label", string.Join(',', removeNow) } : []];
        await RunCreatingLabelsAsync($"label issue {repo}#{number}", repo, add, null, ct, arguments);
    }

    public async Task<string> CreateIssueAsync(string repo, string title, string body, IReadOnlyList<string> labels, CancellationToken ct)
    {
        string[] arguments = ["issue", "create", "--repo", Repo(repo), "--title", title, "--body-file", "-",
            .. labels.SelectMany(l => new[] { "--label", l })];
        var output = await RunCreatingLabelsAsync($"create an issue in {repo}", repo, labels, body, ct, arguments);
        // gh prints the new issue's URL last ("Creating issue in …" goes to stderr).
        var url = output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return url is not null && Uri.TryCreate(url, UriKind.Absolute, out _)
            ? url
            : throw new GitHubException($"gh created an issue in {repo} but printed no URL: {FirstLines(output.Stdout)}");
    }

    public async Task CloseIssueAsync(string repo, int number, string comment, CancellationToken ct) =>
        await RunCheckedAsync($"close issue {repo}#{number}", null, ct,
            "issue", "close", Number(number), "--repo", Repo(repo), "--comment", comment);

    public async Task<PullRequestState> GetPullRequestStateAsync(string prUrl, CancellationToken ct)
    {
        var output = await RunCheckedAsync($"read pull request {prUrl}", null, ct, "pr", "view", PrUrl(prUrl), "--json", "state");
        var state = Parse(output.Stdout, $"pull request {prUrl}", json => json.GetProperty("state").GetString());
        return state switch
        {
            "OPEN" => PullRequestState.Open,
            "MERGED" => PullRequestState.Merged,
            "CLOSED" => PullRequestState.Closed,
            _ => throw new GitHubException($"gh gave pull request {prUrl} a state Baton does not know: '{state}'."),
        };
    }

    public async Task MergePullRequestAsync(string prUrl, CancellationToken ct)
    {
        var output = await RunAsync($"merge pull request {prUrl}", null, ct, "pr", "merge", PrUrl(prUrl), "--merge");
        if (output.Succeeded) return;
        // A PR merged already is what was asked for — gh versions differ on whether that is an error — and so is a
        // merge that succeeded on GitHub before gh failed locally. The state decides; otherwise gh's own error stands.
        if (await GetPullRequestStateAsync(prUrl, ct) == PullRequestState.Merged) return;
        throw Failure(output, $"merge pull request {prUrl}");
    }

    private const string IssueFields = "number,title,body,state,labels,url";

    /// <summary>
    /// Runs a call that adds labels: when gh says a label is not found (real gh fails instead of creating it), creates
    /// each of <paramref name="labels"/> in the repo and runs the call once more.
    /// </summary>
    private async Task<CommandOutput> RunCreatingLabelsAsync(string what, string repo, IReadOnlyList<string> labels, string? stdin, CancellationToken ct, string[] arguments)
    {
        var output = await RunAsync(what, stdin, ct, arguments);
        if (output.Succeeded) return output;
        if (labels.Count == 0 || !LabelNotFound().IsMatch(Message(output))) throw Failure(output, what);
        foreach (var label in labels) await CreateLabelAsync(repo, label, ct);
        output = await RunAsync(what, stdin, ct, arguments);
        return output.Succeeded ? output : throw Failure(output, what);
    }

    /// <summary>
    /// Creates a label, leaving one that exists as it is: without <c>--force</c>, so a repo's own <c>bug</c> label keeps
    /// its color and description (gh then says it "already exists", which is what is wanted).
    /// </summary>
    private async Task CreateLabelAsync(string repo, string label, CancellationToken ct)
    {
        var what = $"create label '{label}' in {repo}";
        var output = await RunAsync(what, null, ct, "label", "create", label, "--repo", Repo(repo), "--color", LabelColor(label), "--description", LabelDescription);
        if (!output.Succeeded && !Message(output).Contains("already exists", StringComparison.OrdinalIgnoreCase)) throw Failure(output, what);
    }

    /// <summary>Blue for the workflow's <c>status:*</c> labels, red for the rest (a bug issue's <c>bug</c>).</summary>
    public static string LabelColor(string label) =>
        label.StartsWith("status:", StringComparison.OrdinalIgnoreCase) ? "1D76DB" : "D73A4A";

    private async Task<CommandOutput> RunCheckedAsync(string what, string? stdin, CancellationToken ct, params string[] arguments)
    {
        var output = await RunAsync(what, stdin, ct, arguments);
        return output.Succeeded ? output : throw Failure(output, what);
    }

    private async Task<CommandOutput> RunAsync(string what, string? stdin, CancellationToken ct, params string[] arguments)
    {
        var directory = workingDirectory is not null && Directory.Exists(workingDirectory) ? workingDirectory : Path.GetTempPath();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(_timeout);
        try
        {
            return await ExternalCommand.RunOrNullAsync(Command, arguments, directory, timer.Token, stdin)
                ?? throw new GitHubException(
                    $"The GitHub CLI (`{Command}`) is not installed or not on PATH: install it from https://cli.github.com, then run `gh auth login`.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new GitHubException($"gh did not answer within {_timeout.TotalSeconds:0.#} s when asked to {what}: it was stopped.");
        }
    }

    /// <summary>A failed gh run as an exception that says what to do (log in) and what gh said.</summary>
    private static GitHubException Failure(CommandOutput output, string what)
    {
        var message = Message(output);
        if (NotAuthenticated().IsMatch(message))
            return new GitHubException($"gh is not authenticated, so it cannot {what}: run `gh auth login` (or set GH_TOKEN for Baton). gh said: {FirstLines(message)}");
        return new GitHubException($"gh could not {what} (exit {output.ExitCode}): {FirstLines(message)}");
    }

    private static string Message(CommandOutput output) => output.Stderr.Trim() is { Length: > 0 } e ? e : output.Stdout.Trim();

    /// <summary>gh's first lines (at most three), joined: its error and the line that explains it.</summary>
    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3).ToList();
        return lines.Count > 0 ? string.Join(" ", lines) : "no message";
    }

    private static T Parse<T>(string json, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new GitHubException($"gh answered something that is not {what} as JSON: {FirstLines(json)}");
        }
    }

    private static GitHubIssue ReadIssue(string repo, JsonElement issue) => new(
        repo,
        issue.GetProperty("number").GetInt32(),
        issue.GetProperty("title").GetString() ?? "",
        issue.TryGetProperty("body", out var body) ? body.GetString() ?? "" : "",
        issue.TryGetProperty("state", out var state) ? state.GetString() ?? "" : "",
        issue.TryGetProperty("labels", out var labels) ? labels.EnumerateArray().Select(l => l.GetProperty("name").GetString() ?? "").ToList() : [],
        issue.TryGetProperty("url", out var url) ? url.GetString() ?? "" : $"https://github.com/{repo}/issues/{issue.GetProperty("number").GetInt32()}");

    private static string Number(int number) =>
        number > 0 ? number.ToString(CultureInfo.InvariantCulture) : throw new GitHubException($"An issue number is positive; {number} is not.");

    /// <summary>org/name, checked so nothing else reaches gh as its <c>--repo</c>.</summary>
    private static string Repo(string repo) =>
        RepoName().IsMatch(repo) ? repo : throw new GitHubException($"A GitHub repo is named org/name; '{repo}' is not.");

    /// <summary>An https URL, checked so a value starting with '-' never reaches gh as an option.</summary>
    private static string PrUrl(string prUrl) =>
        Uri.TryCreate(prUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? prUrl
            : throw new GitHubException($"A pull request is named by its https URL; '{prUrl}' is not one.");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")]
    private static partial Regex RepoName();

    [GeneratedRegex(@"'[^']+' not found", RegexOptions.IgnoreCase)]
    private static partial Regex LabelNotFound();

    [GeneratedRegex(@"auth login|not logged in|authentication|GH_TOKEN|HTTP 401", RegexOptions.IgnoreCase)]
    private static partial Regex NotAuthenticated();
}
