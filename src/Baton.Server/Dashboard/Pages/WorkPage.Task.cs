using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Microsoft.AspNetCore.Http;
using static Baton.Server.Dashboard.DashboardText;
using static Baton.Server.Dashboard.Pages.WorkMarkup;

namespace Baton.Server.Dashboard.Pages;

// One task: its fields, its timeline with the score cards of every assignment, its attempts, results and reviews.
internal static partial class WorkPage
{
    private static async Task<IResult> RenderTaskPageAsync(string id, HttpContext http, CancellationToken ct)
    {
        var context = DashboardContext.For(http);
        BatonTask task;
        try
        {
            task = await context.Services.Tasks.GetTaskAsync(id, ct);
        }
        catch (BatonException e)
        {
            return ErrorPage(context, "Task", e);
        }
        var body = await SectionsAsync(context, ct, "task", "task-timeline", "task-results");
        return new HtmlResult(DashboardLayout.Page(context, $"Task {DisplayText.Clip(DisplayText.Clean(task.Title), 60)}", "/work", body));
    }

    /// <summary>Runs a detail panel's read for the id of the page (or of the query); a refusal or no id is said in words.</summary>
    private static async Task<Html> ForIdAsync(DashboardContext context, string what, Func<string, Task<Html>> render)
    {
        var id = context.SubjectId;
        if (id is null) return Html.Of($"""<p class="error" role="alert">Which {what}? No id was given.</p>""");
        try
        {
            return await render(id);
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
    }

    private static Task<Html> RenderTaskAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "task", async id =>
    {
        var t = await context.Services.Tasks.GetTaskAsync(id, ct);
        var names = await AgentNamesAsync(context, ct);
        var state = Html.Join([
            Status(t.State),
            t.Held is null ? Html.Empty : Html.Of($""" <span class="held">held: {t.Held}</span>"""),
            t.CancelRequested ? Html.Trusted(""" <span class="status status-cancelled">cancel requested</span>""") : Html.Empty,
            t.Probe ? Html.Trusted(""" <span class="probe">probe</span>""") : Html.Empty,
        ]);
        var depends = t.DependsOn.Count == 0 ? Html.Trusted("—") : Html.Join(Html.Trusted(", "), t.DependsOn.Select(d => TaskLink(d)));
        var error = t.Error is null ? Html.Trusted("—") : Html.Of($"""<code>{t.Error.Type}</code>: {Clipped(t.Error.Message, 300)}""");
        return Html.Of($"""
            <dl class="fields">
            <dt>Id</dt><dd><code data-copy>{t.Id}</code> <button type="button" data-copy-target>Copy</button></dd>
            <dt>Title</dt><dd>{t.Title}</dd>
            <dt>State</dt><dd>{state}</dd>
            <dt>Venture</dt><dd>{t.Venture}</dd>
            <dt>Repo</dt><dd>{OrDash(t.Repo)}</dd>
            <dt>Capability</dt><dd>{t.Capability}</dd>
            <dt>Priority</dt><dd>{t.Priority}</dd>
            <dt>Attempts</dt><dd>{t.Attempt} of {t.MaxAttempts} (epoch {t.Epoch})</dd>
            <dt>Assigned agent</dt><dd>{AgentName(t.AssignedAgent, names)}</dd>
            <dt>Last failed agent</dt><dd>{AgentName(t.LastFailedAgent, names)}</dd>
            <dt>Depends on</dt><dd>{depends}</dd>
            <dt>Budgets</dt><dd>timeout {t.TimeoutSeconds} s; max cost {Dollars(t.MaxCostUsd)}</dd>
            <dt>Not before</dt><dd>{Time(t.NotBefore, context.Now)}</dd>
            <dt>Created</dt><dd>{Time(t.CreatedAt, context.Now)} by {t.CreatedBy}</dd>
            <dt>Updated</dt><dd>{Time(t.UpdatedAt, context.Now)}</dd>
            <dt>Assigned</dt><dd>{Time(t.AssignedAt, context.Now)}</dd>
            <dt>Started</dt><dd>{Time(t.StartedAt, context.Now)}</dd>
            <dt>Lease expires</dt><dd>{Time(t.LeaseExpiresAt, context.Now)}</dd>
            <dt>Retry at</dt><dd>{Time(t.RetryAt, context.Now)}</dd>
            <dt>Finished</dt><dd>{Time(t.FinishedAt, context.Now)}</dd>
            <dt>Error</dt><dd>{error}</dd>
            <dt>Prompt</dt><dd>{Clipped(t.Prompt, 200)}</dd>
            <dt>Payload</dt><dd>{Json(t.Payload)}</dd>
            <dt>Result</dt><dd>{Json(t.Result)}</dd>
            </dl>
            """);
    });

    private static Task<Html> RenderTimelineAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "task", async id =>
    {
        var events = await context.Services.Tasks.ListTaskEventsAsync(id, ct);
        if (events.Items.Count == 0) return Html.Trusted("""<p class="empty">No events.</p>""");
        var names = await AgentNamesAsync(context, ct);
        var items = Html.Join(events.Items.Select((e, i) =>
        {
            var from = e.From is { } f ? Status(f) : Html.Trusted("(new)");
            var agent = e.AgentId is null ? Html.Empty : Html.Of($""" · agent {AgentName(e.AgentId, names)}""");
            var probe = e.Probe ? Html.Trusted(""" <span class="probe">probe</span>""") : Html.Empty;
            var cards = e.ScoreCards is { Count: > 0 } c ? ScoreCards(c) : Html.Empty;
            return Html.Of($"""
                <li data-id="{id}-{i + 1}"><p class="event">{Time(e.At, context.Now)} {from} → {Status(e.To)}{probe} · by {e.Actor}{agent} · attempt {e.Attempt}, epoch {e.Epoch}</p><p class="reason">{Clipped(e.Reason, 300)}</p>{cards}</li>
                """);
        }));
        return Html.Of($"""<p class="count" data-count>{Counted(Count.All(events.Items.Count), "event")}</p><ol class="timeline">{items}</ol>""");
    });

    /// <summary>Every candidate's score card at one assignment: the factors of the product, the tie-breakers, why one was left out, chosen or probe.</summary>
    private static Html ScoreCards(IReadOnlyList<ScoreCard> cards)
    {
        var rows = Html.Join(cards.Select(c =>
        {
            var unhealthy = c.Requirements.Where(r => r.State == HealthState.Unhealthy).Select(r => r.Requirement).ToList();
            var health = unhealthy.Count == 0
                ? Html.Of($"{Number(c.DependencyHealth)}")
                : Html.Of($"""{Number(c.DependencyHealth)} <span class="why">({string.Join(", ", unhealthy)} unhealthy)</span>""");
            var excluded = c.Excluded is { } x ? Html.Of($"""<span class="excluded">{ExclusionText(x)}</span>""") : Html.Trusted("—");
            var mark = c.Chosen ? Html.Trusted(c.Probe ? """<strong class="chosen">chosen (probe)</strong>""" : """<strong class="chosen">chosen</strong>""") : Html.Trusted("—");
            var rowClass = c.Chosen ? "chosen" : c.Excluded is null ? "" : "excluded";
            return Html.Of($"""
                <tr data-id="{c.AgentId}" class="{rowClass}"><th scope="row" title="{c.AgentId}">{c.AgentName}</th><td>{Number(c.Weight)}</td><td>{health}</td><td>{Number(c.RollingSuccess)} <span class="why">({c.HistoryCount} results)</span></td><td>{Number(c.RecencyBoost)}</td><td>{Number(c.Preferred)}</td><td><strong>{Number(c.Score)}</strong></td><td>{c.Running}</td><td>{excluded}</td><td>{mark}</td></tr>
                """);
        }));
        return Html.Of($"""
            <table class="score-cards">
            <caption>Score cards of {Counted(Count.All(cards.Count), "candidate")}</caption>
            <thead><tr><th scope="col">Agent</th><th scope="col">Weight</th><th scope="col">Dependency health</th><th scope="col">Rolling success</th><th scope="col">Recency</th><th scope="col">Preferred</th><th scope="col">Score</th><th scope="col">Running</th><th scope="col">Excluded</th><th scope="col">Chosen</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    }

    private static string ExclusionText(Exclusion exclusion) => exclusion switch
    {
        Exclusion.Offline => "offline",
        Exclusion.Paused => "paused",
        Exclusion.AtCapacity => "at capacity",
        Exclusion.NoClone => "no clone of the repo",
        Exclusion.FailedLastAttempt => "failed the last attempt",
        _ => exclusion.ToString(),
    };

    private static Task<Html> RenderResultsAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "task", async id =>
    {
        var task = await context.Services.Tasks.GetTaskAsync(id, ct);
        var results = await context.Services.Tasks.ListTaskResultsAsync(id, ct);
        var reviews = await context.Services.Tasks.ListTaskReviewsAsync(id, ct);
        var names = await AgentNamesAsync(context, ct);
        var resultsHtml = results.Items.Count == 0
            ? Html.Trusted("""<p class="empty">No attempts have finished.</p>""")
            : Html.Of($"""
                <table class="results">
                <thead><tr><th scope="col">Attempt</th><th scope="col">Agent</th><th scope="col">Outcome</th><th scope="col">Error</th><th scope="col">Tokens in / out</th><th scope="col">Cost</th><th scope="col">Duration</th><th scope="col">Native session</th><th scope="col">Branch</th><th scope="col">PR</th><th scope="col">Finished</th></tr></thead>
                <tbody>
                {Html.Join(results.Items.Select(r => ResultRow(r, names, context.Now)))}
                </tbody>
                </table>
                """);
        var final = FinalMessage(task.Result);
        var finalHtml = final is null ? Html.Empty : Html.Of($"""<h3>Final message</h3>{Clipped(final, 300)}""");
        return Html.Join([
            Html.Of($"""<p class="count" data-count>{Counted(Count.All(results.Items.Count), "finished attempt")}; attempt {task.Attempt} of {task.MaxAttempts}</p>"""),
            resultsHtml,
            finalHtml,
            Reviews(reviews.Items, names, context.Now),
        ]);
    });

    private static Html ResultRow(TaskResult r, IReadOnlyDictionary<string, string> names, DateTimeOffset now)
    {
        var outcome = r.Success ? Status("succeeded") : Status("failed");
        var error = r.ErrorType is null ? Html.Trusted("—") : Html.Of($"""<code>{r.ErrorType}</code>: {Clipped(r.ErrorMessage, 200)}""");
        var tokens = $"{(r.Usage?.InputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")} / {(r.Usage?.OutputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")}";
        return Html.Of($"""
            <tr data-id="{r.TaskId}-{r.Attempt}"><td>{r.Attempt}</td><td>{AgentName(r.AgentId, names)}</td><td>{outcome}</td><td>{error}</td><td>{tokens}</td><td>{Dollars(r.Usage?.CostUsd)}</td><td>{Duration(r.DurationMs)}</td><td>{OrDash(r.NativeSessionId)}</td><td>{OrDash(r.Branch)}</td><td>{ExternalLink(r.PrUrl)}</td><td>{Time(r.FinishedAt, now)}</td></tr>
            """);
    }

    /// <summary>The agent's last words, when the result carries them (workers put the CLI's final message there).</summary>
    private static string? FinalMessage(string? result)
    {
        if (string.IsNullOrEmpty(result)) return null;
        try
        {
            return JsonNode.Parse(result) is JsonObject o && o["final_message"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Html Reviews(IReadOnlyList<TaskReview> reviews, IReadOnlyDictionary<string, string> names, DateTimeOffset now)
    {
        if (reviews.Count == 0) return Html.Empty;
        var rows = Html.Join(reviews.Select(r =>
        {
            var concerns = r.Concerns.Count == 0 ? Html.Trusted("—") : Html.Of($"<ul>{Html.Join(r.Concerns.Select(c => Html.Of($"<li>{c}</li>")))}</ul>");
            var verdict = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Verdict.ToString());
            return Html.Of($"""
                <tr data-id="{r.ReviewTaskId}"><td>{TaskLink(r.ReviewTaskId)}</td><td>{AgentName(r.AgentId, names)}</td><td>{Status(verdict)}</td><td>{concerns}</td><td>{Clipped(r.Summary, 300)}</td><td>{OrDash(r.Problem)}</td><td>{Time(r.At, now)}</td></tr>
                """);
        }));
        return Html.Of($"""
            <h3>Reviews</h3>
            <table class="reviews">
            <thead><tr><th scope="col">Review task</th><th scope="col">Agent</th><th scope="col">Verdict</th><th scope="col">Concerns</th><th scope="col">Summary</th><th scope="col">Problem</th><th scope="col">At</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    }
}
