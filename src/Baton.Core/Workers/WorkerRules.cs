using System.Text;
using System.Text.Json.Nodes;
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
    public static string Prompt(BatonTask task, string branch, string briefing)
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
            .AppendLine(", made for this task from the freshly fetched default branch. Commit your work on this branch; do not switch branches.")
            .AppendLine("End with a short summary of what you did and anything left open: it becomes the task's result and its handoff.");
        if (!string.IsNullOrWhiteSpace(briefing))
            text.AppendLine().AppendLine("## Briefing from Baton").AppendLine(briefing.Trim());
        return text.ToString();
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
        return text.Length <= max ? text : text[..(max - 1)] + "…";
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
