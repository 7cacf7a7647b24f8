using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Cli.Orchestration;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton tasks add|list|show|explain|cancel|retry</c>: the orchestrator's task queue (issue 14, docs/architecture.md
/// §14). <c>explain</c> prints the score card of every candidate of every assignment: why this agent got it.
/// </summary>
public static class TaskCommands
{
    private static readonly string[] States = Enum.GetValues<TaskState>().Select(s => Text.Snake(s)).ToArray();

    public static Command Build(CliRuntime runtime)
    {
        var tasks = new Command("tasks", "The task queue: add a task for an agent to do, list the queue with exact counts, show one, explain where it went, cancel, retry.");
        tasks.Subcommands.Add(BuildAdd(runtime));
        tasks.Subcommands.Add(BuildList(runtime));
        tasks.Subcommands.Add(BuildShow(runtime));
        tasks.Subcommands.Add(BuildExplain(runtime));
        tasks.Subcommands.Add(BuildCancel(runtime));
        tasks.Subcommands.Add(BuildRetry(runtime));
        return tasks;
    }

    private static Argument<string> TaskArgument() => new("id") { Description = "The task (task_…), as `baton tasks list` shows it." };

    // ---- add ----

    private static Command BuildAdd(CliRuntime runtime)
    {
        var capability = new Option<string>("--capability") { Description = "What it needs done (an agent capability, e.g. code-review).", Required = true };
        var title = new Option<string>("--title") { Description = "A short title.", Required = true };
        var venture = CommonOptions.Venture("Venture code. Default: the registered venture that owns --repo, else the git remote here.");
        var repo = new Option<string>("--repo") { Description = "The repo (org/name) it is about: only agents on a machine with a clone get it. Default: none." };
        var prompt = new Option<string>("--prompt") { Description = "What to do, for the agent CLI." };
        var payload = new Option<string>("--payload") { Description = "A JSON object handed to the worker as is." };
        var priority = new Option<int?>("--priority") { Description = "0–10, higher first (default 5; 3 or less may go to a probing agent)." };
        var timeout = new Option<int?>("--timeout-seconds") { Description = "How long one attempt may run (1–86,400, default 3,600)." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts before it is dead (1–20, default 3)." };
        var dependsOn = new Option<string[]>("--depends-on") { Description = "A task that must succeed first (task_…; repeatable)." };
        var notBefore = new Option<string>("--not-before") { Description = "Not before: a duration from now (30m, 2h) or a timestamp." };
        var maxCost = new Option<double?>("--max-cost-usd") { Description = "The most it may cost, in dollars." };
        var json = CommonOptions.Json();
        var command = new Command("add", "Add a task to the queue; the dispatcher gives it to the best-scoring agent with the capability.");
        foreach (Option option in new Option[] { capability, title, venture, repo, prompt, payload, priority, timeout, maxAttempts, dependsOn, notBefore, maxCost, json })
            command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var problems = new List<string>();
            var body = Payload(parse.GetValue(payload), problems);
            var after = OrchestrationArguments.Time("--not-before", parse.GetValue(notBefore), DateTimeOffset.UtcNow, problems);
            AgentCommands.ThrowIfAny(problems);
            var ventureCode = parse.GetValue(venture) is { Length: > 0 } given
                ? given.Trim()
                : await CliTargets.VentureAsync(null, await CliTargets.RepoAsync(parse.GetValue(repo), runtime, token), context.Services.Ventures, token);
            var request = new CreateTaskRequest(ventureCode, parse.GetValue(capability), parse.GetValue(title), parse.GetValue(repo), parse.GetValue(prompt),
                body, parse.GetValue(priority), parse.GetValue(timeout), parse.GetValue(maxAttempts), parse.GetValue(dependsOn), after,
                parse.GetValue(maxCost), CreatedBy: null);
            var task = await context.Services.Tasks.CreateTaskAsync(request, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, task);
                return ExitCodes.Ok;
            }
            context.Out.WriteLine($"Added {task.Id} for {task.Venture}: \"{task.Title}\" ({task.Capability}, priority {task.Priority}) — {Text.Snake(task.State)}.");
            context.Out.WriteLine($"`baton tasks show {task.Id}` follows it; `baton tasks explain {task.Id}` says why it went where it went.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static JsonObject? Payload(string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject value) return value;
        }
        catch (JsonException)
        {
            // Said below, the same as a value that is not an object.
        }
        problems.Add("--payload must be a JSON object, e.g. '{\"branch\": \"feature/login\"}'.");
        return null;
    }

    // ---- list ----

    private static Command BuildList(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's tasks (a scoped key sees only its own).");
        var state = new Option<string>("--state") { Description = "Only tasks in this state: " + string.Join(", ", States) + "." }.AcceptOnlyFromAmong(States);
        var capability = new Option<string>("--capability") { Description = "Only tasks needing this capability." };
        var agent = new Option<string>("--agent") { Description = "Only tasks assigned to this agent (agent_…)." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("list", "List tasks, highest priority then oldest first, with the exact total and the venture's counts per state.");
        foreach (Option option in new Option[] { venture, state, capability, agent, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var stateValue = parse.GetValue(state) is { } s ? Enum.GetValues<TaskState>().Single(t => Text.Snake(t) == s) : (TaskState?)null;
            var page = await context.Services.Tasks.ListTasksAsync(new TaskListRequest(parse.GetValue(venture), stateValue, parse.GetValue(capability),
                parse.GetValue(agent), parse.GetValue(limit), parse.GetValue(cursor)), token);
            var counts = await context.Services.Tasks.CountTasksAsync(parse.GetValue(venture), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, new TaskListResult(page.Items, page.Total, page.NextCursor, counts));
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "STATE", "PRI", "VENTURE", "CAPABILITY", "TITLE", "AGENT", "ATTEMPT", "UPDATED");
            foreach (var t in page.Items)
            {
                table.Add(t.Id, Text.Snake(t.State) + (t.Held is null ? "" : " (held)"), t.Priority.ToString(CultureInfo.InvariantCulture), t.Venture, t.Capability, Text.Shorten(t.Title, 40),
                    t.AssignedAgent, $"{t.Attempt}/{t.MaxAttempts}", Text.When(t.UpdatedAt));
            }
            table.WriteTo(context.Out);
            // The reason is too long for a column, and a held task is one someone will ask about: a line each.
            foreach (var t in page.Items.Where(t => t.Held is not null)) context.Out.WriteLine($"{t.Id} held: {t.Held}");
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "task", page.NextCursor));
            context.Out.WriteLine(CountsLine(counts));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Every state with its exact count, zeros included: a missing state would read as "none" or "unknown".</summary>
    public static string CountsLine(TaskCounts counts) =>
        "By state: " + string.Join(", ", Enum.GetValues<TaskState>().Select(s => $"{Text.Snake(s)} {counts.Of(s)}" +
            (s == TaskState.Queued && counts.Held > 0 ? $" ({counts.Held} held)" : ""))) + $" (total {counts.Total}).";

    // ---- show ----

    private static Command BuildShow(CliRuntime runtime)
    {
        var id = TaskArgument();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one task: its state, lease and result, every transition (who and why) and every attempt's result.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var taskId = parse.GetValue(id)!;
            var task = await context.Services.Tasks.GetTaskAsync(taskId, token);
            var events = await context.Services.Tasks.ListTaskEventsAsync(taskId, token);
            var results = await context.Services.Tasks.ListTaskResultsAsync(taskId, token);
            var reviews = await context.Services.Tasks.ListTaskReviewsAsync(taskId, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, new TaskShowResult(task, events.Items, results.Items, reviews.Items));
                return ExitCodes.Ok;
            }
            var o = context.Out;
            o.WriteLine($"{task.Id} · {Text.Snake(task.State)} · {task.Venture}{(task.Repo is null ? "" : " · " + task.Repo)} · {task.Capability} · priority {task.Priority}");
            o.WriteLine($"  title: {task.Title}");
            // Attempts given back at once (rate limit, worker shutdown) each added one to max_attempts: say so, or the
            // maximum reads as if someone had changed it.
            var released = results.Items.Count(r => TaskRules.RequeuesAtOnce(r.ErrorType));
            var releasedText = released == 0 ? "" : $" ({released} given back at once, not counted)";
            o.WriteLine($"  attempts: {task.Attempt} of {task.MaxAttempts}{releasedText} · epoch {task.Epoch} · timeout {task.TimeoutSeconds} s · created {Text.When(task.CreatedAt)} by {task.CreatedBy}");
            if (task.AssignedAgent is not null) o.WriteLine($"  agent: {task.AssignedAgent}{(task.Probe ? " (probe)" : "")}");
            if (task.LeaseExpiresAt is not null) o.WriteLine($"  lease until {Text.When(task.LeaseExpiresAt)}");
            if (task.RetryAt is not null) o.WriteLine($"  back in the queue at {Text.When(task.RetryAt)}");
            if (task.Held is { } held) o.WriteLine($"  held: {held}");
            if (task.DependsOn.Count > 0) o.WriteLine($"  depends on: {string.Join(", ", task.DependsOn)}");
            if (task.CancelRequested) o.WriteLine("  cancellation requested: delivered at the worker's next renew");
            if (SupervisionRules.ReviewedTaskId(task.Payload) is { } reviewed) o.WriteLine($"  reviews: {reviewed} (its result is a supervisory report on that task)");
            if (task.Error is { } error) o.WriteLine($"  error: {error.Type}: {error.Message}");
            if (task.Result is { } result) o.WriteLine($"  result: {result}");
            if (task.Prompt is { } prompt) o.WriteLine($"  prompt: {Text.Shorten(prompt, 200)}");
            o.WriteLine($"Events ({events.Total}):");
            var table = new TextTable("AT", "FROM", "TO", "ACTOR", "ATTEMPT", "EPOCH", "AGENT", "REASON");
            foreach (var e in events.Items)
            {
                table.Add(Text.When(e.At), e.From is { } from ? Text.Snake(from) : "(new)", Text.Snake(e.To), e.Actor, e.Attempt.ToString(CultureInfo.InvariantCulture),
                    e.Epoch.ToString(CultureInfo.InvariantCulture), e.AgentId is null ? null : e.AgentId + (e.Probe ? " (probe)" : ""), Text.Shorten(e.Reason, 60));
            }
            table.WriteTo(o);
            if (results.Total > 0)
            {
                o.WriteLine($"Results ({results.Total}):");
                var attempts = new TextTable("ATTEMPT", "AGENT", "SUCCESS", "DURATION", "ERROR", "COST", "BRANCH", "PR");
                foreach (var r in results.Items)
                {
                    attempts.Add(r.Attempt.ToString(CultureInfo.InvariantCulture), r.AgentId, r.Success ? "yes" : "no",
                        r.DurationMs is { } ms ? $"{ms} ms" : null, r.ErrorType, r.Usage?.CostUsd is { } cost ? "$" + cost.ToString("0.####", CultureInfo.InvariantCulture) : null,
                        r.Branch, r.PrUrl);
                }
                attempts.WriteTo(o);
            }
            WriteReviews(o, reviews);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The supervisory reports on the task (§14 Supervision): each review's verdict, then its concerns and summary.</summary>
    private static void WriteReviews(TextWriter o, ListResult<TaskReview> reviews)
    {
        if (reviews.Total == 0) return;
        o.WriteLine($"Reviews ({reviews.Total}):");
        foreach (var r in reviews.Items)
        {
            var concerns = r.Concerns.Count == 1 ? "1 concern" : $"{r.Concerns.Count} concerns";
            o.WriteLine($"  {Text.When(r.At)} · {SupervisionRules.Text(r.Verdict)} · {concerns} · by {r.ReviewTaskId}{(r.AgentId is null ? "" : " on " + r.AgentId)}");
            if (r.Summary is { } summary) o.WriteLine($"    summary: {Text.Shorten(summary, 300)}");
            foreach (var concern in r.Concerns) o.WriteLine($"    - {Text.Shorten(concern, 300)}");
            if (r.Problem is { } problem) o.WriteLine($"    (read as {SupervisionRules.Text(r.Verdict)}: {problem})");
        }
    }

    // ---- explain ----

    private static Command BuildExplain(CliRuntime runtime)
    {
        var id = TaskArgument();
        var json = CommonOptions.Json();
        var command = new Command("explain",
            "Why the task went where it went: for every assignment, the score card of every candidate — " +
            "weight × dependency health × rolling success × recency × preferred — and why any was left out.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var explanation = await context.Services.Tasks.ExplainTaskAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, explanation);
            else WriteExplanation(context.Out, explanation);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void WriteExplanation(TextWriter o, TaskExplanation explanation)
    {
        o.WriteLine($"{explanation.TaskId} · {Text.Snake(explanation.State)}{(explanation.AssignedAgent is null ? "" : " · agent " + explanation.AssignedAgent)}");
        if (explanation.Assignments.Count == 0)
        {
            o.WriteLine("Not assigned yet: no assignment, so no score cards. `baton agents list` shows who has the capability and whether they are online.");
            return;
        }
        for (var i = 0; i < explanation.Assignments.Count; i++)
        {
            var a = explanation.Assignments[i];
            var chosen = a.Cards.FirstOrDefault(c => c.Chosen);
            o.WriteLine();
            o.WriteLine($"Assignment {i + 1} of {explanation.Assignments.Count} at {Text.When(a.At)}, epoch {a.Epoch}: " +
                        $"{chosen?.AgentName ?? a.AgentId} ({a.AgentId}){(a.Probe ? " as a probe" : "")} — {a.Reason}");
            var table = new TextTable("", "AGENT", "SCORE", "WEIGHT", "HEALTH", "SUCCESS", "HISTORY", "RECENCY", "PREFERRED", "RUNNING", "LAST SUCCESS", "LEFT OUT");
            foreach (var c in a.Cards)
            {
                table.Add(c.Chosen ? (c.Probe ? "probe" : "chosen") : "", c.AgentName, N(c.Score), N(c.Weight), Health(c), N(c.RollingSuccess),
                    c.HistoryCount.ToString(CultureInfo.InvariantCulture), N(c.RecencyBoost), N(c.Preferred), c.Running.ToString(CultureInfo.InvariantCulture),
                    Text.When(c.LastSuccessAt), c.Excluded is { } excluded ? Text.Snake(excluded) : "");
            }
            table.WriteTo(o);
        }
        o.WriteLine();
        o.WriteLine("score = weight × health × success (last 20 results, newest weighted most: 0.95^i) × recency (1.1 after 3 successes) × preferred (1.05).");
    }

    private static string Health(ScoreCard c)
    {
        var unhealthy = c.Requirements.Where(r => r.State != Baton.Core.Orchestration.Agents.HealthState.Healthy).Select(r => $"{r.Requirement} {Text.Snake(r.State)}").ToList();
        return unhealthy.Count == 0 ? N(c.DependencyHealth) : $"{N(c.DependencyHealth)} ({string.Join(", ", unhealthy)})";
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    // ---- cancel / retry ----

    private static Command BuildCancel(CliRuntime runtime)
    {
        var id = TaskArgument();
        var reason = new Option<string>("--reason") { Description = "Why (kept in the task's events)." };
        var json = CommonOptions.Json();
        var command = new Command("cancel", "Cancel a task that is not finished; a running one is cancelled at its worker's next renew.");
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var task = await context.Services.Tasks.CancelTaskAsync(parse.GetValue(id)!, new CancelTaskRequest(parse.GetValue(reason)), token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, task);
            else if (task.State == TaskState.Cancelled) context.Out.WriteLine($"Cancelled {task.Id} (\"{task.Title}\").");
            else context.Out.WriteLine($"Cancellation of {task.Id} requested: it is {Text.Snake(task.State)}, and its worker is told to stop at its next renew.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildRetry(CliRuntime runtime)
    {
        var id = TaskArgument();
        var extra = new Option<int?>("--extra-attempts") { Description = "Attempts to grant on top of those spent (1–10, default 1)." };
        var json = CommonOptions.Json();
        var command = new Command("retry", "Put a failed, dead or cancelled task back in the queue with more attempts.");
        command.Arguments.Add(id);
        command.Options.Add(extra);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var task = await context.Services.Tasks.RetryTaskAsync(parse.GetValue(id)!, new RetryTaskRequest(parse.GetValue(extra)), token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, task);
            else context.Out.WriteLine($"Retrying {task.Id}: {Text.Snake(task.State)}, {task.MaxAttempts - task.Attempt} attempt{(task.MaxAttempts - task.Attempt == 1 ? "" : "s")} left.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}

/// <summary><c>baton tasks list --json</c>: the page with its exact total, and the counts per state of the same scope.</summary>
public sealed record TaskListResult(IReadOnlyList<BatonTask> Items, long Total, string? NextCursor, TaskCounts Counts);

/// <summary><c>baton tasks show --json</c>: the task, its events, its attempts' results and the supervisory reports on it.</summary>
public sealed record TaskShowResult(BatonTask Task, IReadOnlyList<TaskEvent> Events, IReadOnlyList<TaskResult> Results, IReadOnlyList<TaskReview> Reviews);
