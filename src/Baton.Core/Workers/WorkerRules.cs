using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>
/// The worker's decisions that need no process, file or clock of their own (docs/architecture.md §16): the branch a
/// task works on, the prompt the agent is given, when to renew, how long a rate limit pauses an agent, and what a task's
/// payload asks of the worker.
/// </summary>
public static class WorkerRules
{
    /// <summary>A rate limit that states no reset time pauses the agent this long.</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromMinutes(15);

    /// <summary>After TERM, a process group that is still alive this long is killed.</summary>
    public static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(10);

    /// <summary>Payload field: <c>true</c> asks the worker to push the branch and open a pull request on success.</summary>
    public const string OpenPrField = "open_pr";

    /// <summary>Payload field: the acceptance criteria put into the prompt (a string or a list of strings).</summary>
    public const string AcceptanceField = "acceptance_criteria";

    /// <summary>The branch every attempt of a task works on, always started from the freshly fetched default branch.</summary>
    public static string BranchOf(string taskId) => "baton/" + taskId;

    /// <summary>A third of the lease the start granted (the server's ttl), never under one second.</summary>
    public static TimeSpan RenewEvery(BatonTask started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var ttl = started.LeaseExpiresAt is { } until && started.StartedAt is { } at ? until - at : TimeSpan.FromSeconds(60);
        var third = ttl / 3;
        return third < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : third;
    }

    /// <summary>Until when a rate-limited agent is paused: the reset the CLI stated when it is still ahead, else 15 minutes on.</summary>
    public static DateTimeOffset PauseUntil(DateTimeOffset? statedReset, DateTimeOffset now) =>
        statedReset is { } reset && reset > now ? reset : now + DefaultRateLimitPause;

    /// <summary>Whether the task's payload asks for a pushed branch and a pull request (<c>"open_pr": true</c>).</summary>
    public static bool WantsPullRequest(BatonTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Payload(task)?[OpenPrField] is JsonValue value && value.TryGetValue<bool>(out var wanted) && wanted;
    }

    /// <summary>The acceptance criteria of the task's payload, in order (none when absent or not text).</summary>
    public static IReadOnlyList<string> AcceptanceCriteria(BatonTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Payload(task)?[AcceptanceField] switch
        {
            JsonValue one when one.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) => [text.Trim()],
            JsonArray many => [.. many.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var t) ? t.Trim() : "").Where(t => t.Length > 0)],
            _ => [],
        };
    }

    /// <summary>
    /// What the agent is told: the task (title, prompt, acceptance criteria), where it works, and the briefing SOD built
    /// for the task's session, so it starts warm.
    /// </summary>
    public static string Prompt(BatonTask task, string branch, string briefing, bool continuesBranch = false)
    {
        ArgumentNullException.ThrowIfNull(task);
        var text = new StringBuilder();
        text.Append("# Task ").Append(task.Id).Append(": ").AppendLine(task.Title);
        if (!string.IsNullOrWhiteSpace(task.Prompt)) text.AppendLine().AppendLine(task.Prompt.Trim());
        var criteria = AcceptanceCriteria(task);
        if (criteria.Count > 0)
        {
            text.AppendLine().AppendLine("## Acceptance criteria");
            foreach (var criterion in criteria) text.Append("- ").AppendLine(criterion);
        }
        text.AppendLine().AppendLine("## How to work")
            .Append("You are in a git worktree of ").Append(task.Repo ?? "the repository").Append(" on branch ").Append(branch)
            .AppendLine(continuesBranch
                ? ", which continues origin's branch of that name (earlier work on it is there). Commit your work on this branch; do not switch branches."
                : ", made for this task from the freshly fetched default branch. Commit your work on this branch; do not switch branches.")
            .AppendLine("End with a short summary of what you did and anything left open: it becomes the task's result and its handoff.");
        if (!string.IsNullOrWhiteSpace(briefing))
            text.AppendLine().AppendLine("## Briefing from Baton").AppendLine(briefing.Trim());
        return text.ToString();
    }


    /// <summary>Payload field: the branch to work on instead of <c>baton/&lt;task&gt;</c> (a workflow's branch).</summary>
    public const string BranchField = "branch";

    /// <summary>Payload field: <c>{"command": string, "reports": [glob…], "fail_on_exit": bool}</c> — run a command instead of the agent's CLI.</summary>
    public const string RunField = "run";

    /// <summary>Payload field: what the agent's final message must hold (<see cref="ExpectsPlanVerdict"/>, <see cref="ExpectsPlan"/>).</summary>
    public const string ExpectsField = "expects";

    /// <summary><c>expects</c>: a review's verdict <c>{approved, concerns, suggestions}</c> (<see cref="Workflows.PlanVerdicts"/>).</summary>
    public const string ExpectsPlanVerdict = "plan_verdict";

    /// <summary><c>expects</c>: a plan (markdown): any final message that is not empty.</summary>
    public const string ExpectsPlan = "plan";

    /// <summary>The most bytes of a command's output (stdout and stderr as they interleave) kept for its result.</summary>
    public const int OutputTailBytes = 8 * 1024;

    /// <summary>The branch a task works on: its payload's <c>branch</c>, else its own <c>baton/&lt;task&gt;</c>.</summary>
    public static string BranchOf(BatonTask task, TaskAsks asks)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(asks);
        return asks.Branch ?? BranchOf(task.Id);
    }

    /// <summary>
    /// Reads the payload's <c>branch</c>, <c>run</c> and <c>expects</c>; each absent one is null. A field present in a
    /// shape the worker cannot use is a problem naming the field (the attempt then fails as
    /// <see cref="RunErrors.BadPayload"/> without running anything) — never a guess.
    /// </summary>
    public static (TaskAsks? Asks, string? Problem) ReadAsks(BatonTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var payload = Payload(task);
        if (payload is null) return (TaskAsks.None, null);

        string? branch = null;
        if (payload[BranchField] is { } branchNode)
        {
            if (!(branchNode is JsonValue bv && bv.TryGetValue<string>(out var name))) return (null, "payload.branch must be a string (a branch name)");
            if (BranchNameProblem(name) is { } bad) return (null, $"payload.branch \"{name}\" {bad}");
            branch = name;
        }

        CommandRun? run = null;
        if (payload[RunField] is { } runNode)
        {
            var (read, problem) = ReadRun(runNode);
            if (problem is not null) return (null, problem);
            run = read;
        }

        string? expects = null;
        if (payload[ExpectsField] is { } expectsNode)
        {
            if (!(expectsNode is JsonValue ev && ev.TryGetValue<string>(out var what) && what is ExpectsPlanVerdict or ExpectsPlan))
                return (null, $"payload.expects must be \"{ExpectsPlanVerdict}\" or \"{ExpectsPlan}\"");
            if (run is not null) return (null, "payload.expects asks for an agent's answer, but payload.run runs a command instead of an agent");
            expects = what;
        }
        return (new TaskAsks(branch, run, expects), null);
    }

    private static (CommandRun? Run, string? Problem) ReadRun(JsonNode node)
    {
        if (node is not JsonObject run) return (null, "payload.run must be an object {\"command\": string, \"reports\": [glob…], \"fail_on_exit\": bool}");
        if (!(run["command"] is JsonValue cv && cv.TryGetValue<string>(out var command) && !string.IsNullOrWhiteSpace(command)))
            return (null, "payload.run.command must be a non-empty string (run with sh -c in the worktree)");

        IReadOnlyList<string> reports = Workflows.WorkflowSettings.DefaultTestReports;
        if (run["reports"] is { } reportsNode)
        {
            if (reportsNode is not JsonArray globs) return (null, "payload.run.reports must be a list of globs relative to the worktree");
            var list = new List<string>();
            foreach (var glob in globs)
            {
                if (!(glob is JsonValue gv && gv.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)))
                    return (null, "payload.run.reports must hold only non-empty strings");
                if (GlobProblem(text) is { } bad) return (null, $"payload.run.reports \"{text}\" {bad}");
                list.Add(text.Trim());
            }
            reports = list;
        }

        var failOnExit = false;
        if (run["fail_on_exit"] is { } failNode && !(failNode is JsonValue fv && fv.TryGetValue<bool>(out failOnExit)))
            return (null, "payload.run.fail_on_exit must be true or false");
        return (new CommandRun(command, reports, failOnExit), null);
    }

    /// <summary>Why <paramref name="name"/> is not a branch git would take (the rules of <c>git check-ref-format --branch</c> a name can break); null when it is fine.</summary>
    public static string? BranchNameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return "is empty";
        if (name.Length > 200) return "is longer than 200 characters";
        if (name.StartsWith('-')) return "starts with '-'";
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal)) return "has an empty path component";
        if (name.EndsWith('.') || name.EndsWith(".lock", StringComparison.Ordinal)) return "ends with '.' or '.lock'";
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) || name == "@") return "holds '..', '@{' or is '@'";
        if (name.Split('/').Any(part => part.StartsWith('.'))) return "has a component starting with '.'";
        foreach (var c in name)
        {
            if (c <= ' ' || c == '\u007f' || c is '~' or '^' or ':' or '?' or '*' or '[' or '\\') return $"holds '{(c <= ' ' ? "a space or control character" : c.ToString())}'";
        }
        return null;
    }

    private static string? GlobProblem(string glob)
    {
        var text = glob.Trim();
        if (text.StartsWith('/') || (text.Length > 1 && text[1] == ':')) return "must be relative to the worktree";
        if (text.Split('/').Any(part => part == "..")) return "must stay inside the worktree (no '..')";
        return null;
    }

    /// <summary>
    /// Whether <paramref name="relativePath"/> (separated by '/') matches <paramref name="glob"/>: <c>**</c> is any number
    /// of directories (none too), <c>*</c> any characters within one name, <c>?</c> one character; case-sensitive, as
    /// the file system of a Linux worker is.
    /// </summary>
    public static bool GlobMatches(string glob, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(glob);
        ArgumentNullException.ThrowIfNull(relativePath);
        var pattern = TrimDotSlash(glob.Trim()).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(pattern, 0, path, 0);
    }

    private static string TrimDotSlash(string glob) => glob.StartsWith("./", StringComparison.Ordinal) ? glob[2..] : glob;

    private static bool MatchSegments(string[] pattern, int p, string[] path, int s)
    {
        while (p < pattern.Length)
        {
            if (pattern[p] == "**")
            {
                // Any number of directories: try each split, shortest first.
                for (var skip = s; skip <= path.Length; skip++)
                {
                    if (MatchSegments(pattern, p + 1, path, skip)) return true;
                }
                return false;
            }
            if (s >= path.Length || !MatchName(pattern[p], 0, path[s], 0)) return false;
            p++;
            s++;
        }
        return s == path.Length;
    }

    private static bool MatchName(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    for (var rest = n; rest <= name.Length; rest++)
                    {
                        if (MatchName(pattern, p + 1, name, rest)) return true;
                    }
                    return false;
                case '?':
                    if (n >= name.Length) return false;
                    break;
                default:
                    if (n >= name.Length || name[n] != pattern[p]) return false;
                    break;
            }
            p++;
            n++;
        }
        return n == name.Length;
    }

    /// <summary>
    /// The URL of the pull request <c>gh pr create</c> says already exists for the branch
    /// (<c>a pull request for branch "b" into branch "main" already exists:\n&lt;url&gt;</c>); null for any other failure.
    /// </summary>
    public static string? ExistingPullRequestUrlOrNull(string? ghStderr)
    {
        if (string.IsNullOrEmpty(ghStderr)) return null;
        var at = ghStderr.IndexOf("already exists", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        foreach (var word in ghStderr[at..].Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Uri.TryCreate(word, UriKind.Absolute, out var url) && url.Scheme is "https" or "http") return word;
        }
        return null;
    }

    /// <summary>
    /// Whether an agent's final message holds what the payload's <c>expects</c> asks: a verdict (the attempt then
    /// carries it), a plan that is not empty, or anything when it asks nothing; otherwise the problem, for a
    /// <see cref="RunErrors.BadResult"/> failure (retried, never an approval).
    /// </summary>
    public static (Workflows.PlanVerdict? Verdict, string? Problem) CheckAnswer(string? expects, string? finalMessage)
    {
        switch (expects)
        {
            case ExpectsPlanVerdict:
                var (verdict, problem) = Workflows.PlanVerdicts.Read(finalMessage);
                return verdict is not null ? (verdict, null) : (null, "the review's answer holds no verdict: " + (problem ?? "no {approved, concerns, suggestions} object"));
            case ExpectsPlan when string.IsNullOrWhiteSpace(finalMessage):
                return (null, "the plan task ended with an empty final message: there is no plan");
            default:
                return (null, null);
        }
    }

    /// <summary>A failed deploy command's message: the command, its exit code, and the last lines of its output.</summary>
    public static string CommandFailedMessage(string command, int exitCode, string outputTail, int lines = 20)
    {
        ArgumentNullException.ThrowIfNull(command);
        var head = command.Split('\n')[0];
        if (head.Length > 120) head = head[..119] + "…";
        var last = LastLines(outputTail ?? "", lines);
        return $"`{head}` exited {exitCode}" + (last.Length == 0 ? " (no output)" : ":\n" + last);
    }

    /// <summary>The last <paramref name="count"/> lines of <paramref name="text"/> (trailing blank lines dropped).</summary>
    public static string LastLines(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - count))).TrimEnd();
    }

    /// <summary>The summary of the handoff a task's session ends with: what ran, how it went, bounded to <paramref name="max"/> characters.</summary>
    public static string HandoffSummary(BatonTask task, AgentRunResult run, string? prUrl, int max)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(run);
        var outcome = run.Success ? "succeeded" : $"failed ({run.ErrorType}: {run.ErrorMessage})";
        var text = $"Task {task.Id} \"{task.Title}\" attempt {task.Attempt} {outcome}." +
                   (prUrl is null ? "" : $" PR: {prUrl}.") +
                   (string.IsNullOrWhiteSpace(run.FinalMessage) ? "" : " " + run.FinalMessage.Trim());
        return DisplayText.Clip(text, max);
    }

    private static JsonObject? Payload(BatonTask task)
    {
        try
        {
            return JsonNode.Parse(task.Payload) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // the server stores canonical JSON; anything else means no asks
        }
    }
}
