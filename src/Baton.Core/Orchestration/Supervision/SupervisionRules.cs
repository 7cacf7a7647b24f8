using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Orchestration.Supervision;

/// <summary>What a succeeded completion adds (docs/architecture.md §14 Supervision): follow-up tasks with their creation events, events on the completed and reviewed tasks, and a report.</summary>
/// <param name="Created">Each follow-up as <see cref="TaskRules.Create"/> made it (the row and its creation event).</param>
/// <param name="Events">Events on tasks that do not change state: the completed task (each follow-up it caused) and the reviewed one (its report).</param>
public sealed record SupervisionChange(IReadOnlyList<TaskChange> Created, IReadOnlyList<TaskEvent> Events, TaskReview? Review)
{
    public static SupervisionChange None { get; } = new([], [], null);
}

/// <summary>
/// Agents supervising agents, as pure rules: the follow-up tasks a success creates (templates, payload, the loop
/// guard), and how a review task's result is read as a report. The service plans the follow-ups (it mints their ids);
/// the store applies <see cref="Succeeded"/> inside the completion's transaction, so a follow-up exists exactly when the
/// success does.
/// </summary>
public static partial class SupervisionRules
{
    /// <summary>The payload key naming the task a follow-up reviews (or follows).</summary>
    public const string ReviewsKey = "reviews";

    /// <summary>The payload key listing the rules that made this task and its ancestors: a rule in it does not fire again (the loop guard).</summary>
    public const string ChainKey = "follow_up_chain";

    /// <summary>The created_by of a follow-up: <c>follow-up:&lt;task id&gt;</c>.</summary>
    public const string CreatedByPrefix = "follow-up:";

    public const int MaxConcerns = 50;
    public const int MaxConcernLength = 2_000;
    public const int MaxSummaryLength = 4_000;
    /// <summary>A follow-up's timeout and attempts: the defaults of a task added by hand.</summary>
    public const int TimeoutSeconds = 3_600;
    public const int MaxAttempts = 3;
    private const int MaxTitle = 200;
    private const int MaxPrompt = 100_000;

    /// <summary>What a template gets for a value the attempt did not report (no branch, no PR).</summary>
    public const string Missing = "(none)";

    /// <summary>
    /// The follow-up tasks of <paramref name="completed"/>'s success under <paramref name="rules"/>: one per rule whose
    /// <c>after</c> is its capability, unless the rule already made this task or one of its ancestors (its key is in
    /// the payload's <see cref="ChainKey"/>). Each draft: same venture and repo, capability <c>create</c>, title and
    /// prompt from the templates, payload <c>{reviews, branch, pr_url, follow_up_chain}</c>, created_by
    /// <c>follow-up:&lt;id&gt;</c>, the rule's priority or the completed task's.
    /// </summary>
    public static IReadOnlyList<BatonTask> FollowUps(BatonTask completed, IReadOnlyList<FollowUpRule> rules, string? branch, string? prUrl,
        DateTimeOffset now, Func<string> newTaskId, string? actorKeyId)
    {
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(newTaskId);
        var firing = rules.Where(r => string.Equals(r.After, completed.Capability, StringComparison.Ordinal)).ToList();
        if (firing.Count == 0) return [];
        var chain = Chain(completed.Payload);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = completed.Title,
            ["task_id"] = completed.Id,
            ["branch"] = branch ?? Missing,
            ["pr_url"] = prUrl ?? Missing,
        };
        var drafts = new List<BatonTask>();
        foreach (var rule in firing.Where(r => !chain.Contains(r.Key, StringComparer.Ordinal)))
        {
            var payload = new JsonObject
            {
                [ReviewsKey] = completed.Id,
                ["branch"] = branch,
                ["pr_url"] = prUrl,
                [ChainKey] = new JsonArray([.. chain.Append(rule.Key).Select(k => (JsonNode?)JsonValue.Create(k))]),
            };
            var title = DisplayText.Clip(Render(rule.Title ?? DefaultTitle(rule.Create), values), MaxTitle);
            var prompt = DisplayText.Clip(Render(rule.Prompt ?? DefaultPrompt, values), MaxPrompt);
            drafts.Add(new BatonTask(newTaskId(), completed.Venture, completed.Repo, rule.Create, title, prompt, CanonicalJson.Serialize(payload),
                rule.Priority ?? completed.Priority, TimeoutSeconds, MaxAttempts, [], null, null,
                CreatedByPrefix + completed.Id, now, now, TaskState.Queued, 0, 0, null, null, null, null, null, false, null, false, null, null, null,
                actorKeyId));
        }
        return drafts;
    }

    /// <summary>
    /// What the success of <paramref name="succeeded"/> records besides the transition: each follow-up created
    /// (<see cref="TaskRules.Create"/>, no dependencies, its creation event naming the rule) with an event on the
    /// completed task; and when its payload names a reviewed task, the report read from its result, with an event on
    /// the reviewed task. <paramref name="reviewed"/> is that task as stored (null: missing); a task of another venture
    /// gets no report.
    /// </summary>
    public static SupervisionChange Succeeded(BatonTask succeeded, IReadOnlyList<BatonTask> followUps, BatonTask? reviewed, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(succeeded);
        ArgumentNullException.ThrowIfNull(followUps);
        if (succeeded.State != TaskState.Succeeded) return SupervisionChange.None;
        var created = new List<TaskChange>();
        var events = new List<TaskEvent>();
        foreach (var draft in followUps)
        {
            var rule = $"{succeeded.Capability}->{draft.Capability}";
            var change = TaskRules.Create(draft, [], now, actor);
            created.Add(change with { Event = change.Event! with { Reason = $"created by follow-up rule {rule} after {succeeded.Id} succeeded" } });
            events.Add(Note(succeeded, now, actor, $"follow-up {draft.Id} ({draft.Capability}) created by rule {rule}"));
        }

        TaskReview? review = null;
        if (ReviewedTaskId(succeeded.Payload) is { } reviewedId)
        {
            if (reviewed is null || reviewed.Id != reviewedId || reviewed.Venture != succeeded.Venture)
            {
                events.Add(Note(succeeded, now, actor, $"payload.reviews names {reviewedId}, which is not a task of venture {succeeded.Venture}; no report stored"));
            }
            else
            {
                var report = ReadReport(succeeded.Result);
                review = new TaskReview(reviewed.Id, succeeded.Id, succeeded.AssignedAgent, report.Verdict, report.Concerns, report.Summary, report.Problem, now);
                var concerns = report.Concerns.Count == 1 ? "1 concern" : $"{report.Concerns.Count} concerns";
                events.Add(Note(reviewed, now, actor, $"reviewed by {succeeded.Id}: {Text(report.Verdict)}, {concerns}{(report.Problem is null ? "" : $" ({report.Problem})")}"));
            }
        }
        return new SupervisionChange(created, events, review);
    }

    /// <summary>The reviewed task's id in a payload (<c>reviews</c>, a task id), or null.</summary>
    public static string? ReviewedTaskId(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        // Cheap refusal first: almost every completion's payload names no review.
        if (!payload.Contains("\"reviews\"", StringComparison.Ordinal)) return null;
        return AnswerJson.ParseObjectOrNull(payload)?[ReviewsKey] is JsonValue value && value.TryGetValue<string>(out var id) && IdGenerator.IsId(id, IdGenerator.Task) ? id : null;
    }

    /// <summary>The rule keys in a payload's <see cref="ChainKey"/> (none when absent or malformed).</summary>
    public static IReadOnlyList<string> Chain(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!payload.Contains(ChainKey, StringComparison.Ordinal)) return [];
        return AnswerJson.ParseObjectOrNull(payload)?[ChainKey] is JsonArray list
            ? list.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
            : [];
    }

    /// <summary>
    /// Reads a review's result object: <c>{verdict: approve | request_changes | reject, concerns: [string], summary?}</c>.
    /// When the object has no verdict but a <c>final_message</c> string (what a worker reports from the agent's last
    /// message), a JSON object in that message is read instead (a fenced block, or from the first '{' to the last '}').
    /// Anything else is verdict <see cref="ReviewVerdict.None"/> with the problem named; concerns that are not strings
    /// are dropped and named, and at most <see cref="MaxConcerns"/> of <see cref="MaxConcernLength"/> characters are kept.
    /// </summary>
    public static ReviewReport ReadReport(string? result)
    {
        var root = result is null ? null : AnswerJson.ParseObjectOrNull(result);
        if (root is null) return new ReviewReport(ReviewVerdict.None, [], null, "the result is not an object with a verdict");
        if (!root.ContainsKey("verdict") && root["final_message"] is JsonValue message && message.TryGetValue<string>(out var text) && AnswerJson.FindObjectWith(text, "verdict") is { } inner)
            root = inner;

        var problems = new List<string>();
        var verdict = ReviewVerdict.None;
        switch (root["verdict"])
        {
            case null:
                problems.Add("the result has no \"verdict\" (approve, request_changes or reject)");
                break;
            case JsonValue v when v.TryGetValue<string>(out var word) && Verdict(word) is { } parsed:
                verdict = parsed;
                break;
            case var other:
                problems.Add($"verdict {DisplayText.Clip(other.ToJsonString(), 60)} is not approve, request_changes or reject");
                break;
        }

        var concerns = new List<string>();
        switch (root["concerns"])
        {
            case null:
                break;
            case JsonArray list:
                var dropped = 0;
                foreach (var item in list)
                {
                    if (item is JsonValue s && s.TryGetValue<string>(out var concern))
                    {
                        if (concern.Trim().Length > 0) concerns.Add(DisplayText.Clip(concern.Trim(), MaxConcernLength));
                    }
                    else dropped++;
                }
                if (dropped > 0) problems.Add($"{dropped} {(dropped == 1 ? "concern is" : "concerns are")} not a string");
                if (concerns.Count > MaxConcerns)
                {
                    problems.Add($"kept the first {MaxConcerns} of {concerns.Count} concerns");
                    concerns = concerns.Take(MaxConcerns).ToList();
                }
                break;
            default:
                problems.Add("\"concerns\" is not an array of strings");
                break;
        }

        string? summary = null;
        switch (root["summary"])
        {
            case null:
                break;
            case JsonValue s when s.TryGetValue<string>(out var words):
                summary = words.Trim().Length == 0 ? null : DisplayText.Clip(words.Trim(), MaxSummaryLength);
                break;
            default:
                problems.Add("\"summary\" is not a string");
                break;
        }
        return new ReviewReport(verdict, concerns, summary, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>A verdict as the wire writes it.</summary>
    public static string Text(ReviewVerdict verdict) => JsonNamingPolicy.SnakeCaseLower.ConvertName(verdict.ToString());

    /// <summary>Replaces each known <c>{placeholder}</c>; the templates were checked at load (<see cref="FollowUpTemplates"/>).</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        return PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
    }

    public static string DefaultTitle(string capability)
    {
        ArgumentNullException.ThrowIfNull(capability);
        return capability.Length == 0 ? "{title}" : $"{char.ToUpperInvariant(capability[0])}{capability[1..]}: {{title}}";
    }

    /// <summary>The prompt of a follow-up without one of its own: the task, branch and PR, and the answer a review gives.</summary>
    public const string DefaultPrompt =
        "Review the work of task {task_id} (\"{title}\"): branch {branch}, pull request {pr_url}.\n" +
        "Read the change and judge it. Finish with a result object: {\"verdict\": \"approve\" | \"request_changes\" | \"reject\", " +
        "\"concerns\": [\"one concern per entry\"], \"summary\": \"a few sentences\"}.";

    private static ReviewVerdict? Verdict(string word) => word.Trim().ToLowerInvariant() switch
    {
        "approve" => ReviewVerdict.Approve,
        "request_changes" => ReviewVerdict.RequestChanges,
        "reject" => ReviewVerdict.Reject,
        _ => null,
    };


    private static TaskEvent Note(BatonTask task, DateTimeOffset now, string actor, string reason) =>
        new(task.Id, now, task.State, task.State, actor, reason, task.Attempt, task.Epoch, task.AssignedAgent, task.Probe, null);

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PlaceholderPattern();

}
