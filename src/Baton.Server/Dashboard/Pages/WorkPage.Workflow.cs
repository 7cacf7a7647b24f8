using Baton.Core.Common;
using Baton.Core.Workflows;
using Baton.Server.Dashboard.Svg;
using Microsoft.AspNetCore.Http;
using static Baton.Server.Dashboard.DashboardText;
using static Baton.Server.Dashboard.Pages.WorkMarkup;

namespace Baton.Server.Dashboard.Pages;

// One project workflow: its fields and step, its state on the transition diagram, its events and pending GitHub
// effects; one sprint: its items by wave.
internal static partial class WorkPage
{
    private static async Task<IResult> RenderWorkflowPageAsync(string id, HttpContext http, CancellationToken ct)
    {
        var context = DashboardContext.For(http);
        WorkflowInfo info;
        try
        {
            info = await context.Services.Workflows.GetWorkflowAsync(id, ct);
        }
        catch (BatonException e)
        {
            return ErrorPage(context, "Workflow", e);
        }
        var body = await SectionsAsync(context, ct, "workflow", "workflow-history");
        return new HtmlResult(DashboardLayout.Page(context, $"Workflow {DisplayText.Clip(DisplayText.Clean(info.Workflow.Title), 60)}", "/work", body));
    }

    private static Task<Html> RenderWorkflowAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "workflow", async id =>
    {
        var info = await context.Services.Workflows.GetWorkflowAsync(id, ct);
        var w = info.Workflow;
        var step = info.Step is { } s
            ? Html.Of($"""{TaskLink(s.TaskId)} — {s.Capability}, {Status(s.TaskState)}, agent {OrDash(s.Agent)}, attempt {s.Attempt} of {s.MaxAttempts}""")
            : TaskLink(w.StepTaskId);
        var gates = w.HumanGates.Count == 0 ? "none" : string.Join(", ", w.HumanGates.Select(WorkflowMachine.Name));
        var waiting = w.WaitingForHuman is null ? Html.Empty : Html.Of($"""<dt>Waiting for a human</dt><dd class="waiting">{w.WaitingForHuman}</dd>""");
        var reason = w.Reason is null ? Html.Empty : Html.Of($"""<dt>Reason</dt><dd>{Clipped(w.Reason, 300)}</dd>""");
        return Html.Of($"""
            {WorkflowDiagram.Render(w.State, info.Events)}
            <dl class="fields">
            <dt>Id</dt><dd><code data-copy>{w.Id}</code> <button type="button" data-copy-target>Copy</button></dd>
            <dt>Title</dt><dd>{w.Title}</dd>
            <dt>State</dt><dd>{Status(w.State)}</dd>
            {waiting}
            {reason}
            <dt>Venture</dt><dd>{w.Venture}</dd>
            <dt>Repo</dt><dd>{OrDash(w.Repo)}</dd>
            <dt>Issue</dt><dd>{OrDash(w.Issue)}</dd>
            <dt>Bounces</dt><dd>{w.Bounces} of {w.MaxBounces}</dd>
            <dt>Human gates</dt><dd>{gates}</dd>
            <dt>Step {w.Step}</dt><dd>{step}</dd>
            <dt>Branch</dt><dd><code>{w.Branch}</code></dd>
            <dt>Pull request</dt><dd>{ExternalLink(w.PrUrl)}</dd>
            <dt>Sprint</dt><dd>{SprintLink(w.SprintId)}</dd>
            <dt>Created</dt><dd>{Time(w.CreatedAt, context.Now)} by {w.CreatedBy}</dd>
            <dt>Updated</dt><dd>{Time(w.UpdatedAt, context.Now)}</dd>
            <dt>Finished</dt><dd>{Time(w.FinishedAt, context.Now)}</dd>
            <dt>Plan</dt><dd>{Clipped(w.Plan, 200)}</dd>
            </dl>
            """);
    });

    private static Task<Html> RenderWorkflowHistoryAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "workflow", async id =>
    {
        var info = await context.Services.Workflows.GetWorkflowAsync(id, ct);
        var events = Html.Join(info.Events.Select(e => Html.Of($"""
            <tr data-id="{e.WorkflowId}-{e.Seq}"><td>{e.Seq}</td><td>{Time(e.At, context.Now)}</td><td>{(e.From is { } f ? Status(f) : Html.Trusted("(new)"))} → {Status(e.To)}</td><td><code>{e.Trigger}</code></td><td>{e.Actor}</td><td>{Clipped(e.Reason, 200)}</td><td>{TaskLink(e.TaskId)}</td><td>{Clipped(e.Detail, 120)}</td></tr>
            """)));
        var pending = info.Effects.Where(x => x.DoneAt is null).ToList();
        var effects = pending.Count == 0
            ? Html.Trusted("""<p class="empty">No pending GitHub effects.</p>""")
            : Html.Of($"""
                <table class="effects">
                <thead><tr><th scope="col">Effect</th><th scope="col">Kind</th><th scope="col">Where</th><th scope="col">Title or labels</th><th scope="col">Tries</th><th scope="col">Last error</th><th scope="col">Created</th></tr></thead>
                <tbody>
                {Html.Join(pending.Select(x => Html.Of($"""
                    <tr data-id="{x.Id}"><td><code>{x.Id}</code></td><td>{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(x.Kind.ToString())}</td><td>{x.Repo}{(x.Number is { } n ? "#" + n : "")}</td><td>{OrDash(x.Title ?? (x.Labels.Count == 0 ? null : string.Join(", ", x.Labels)))}</td><td>{x.Attempts}</td><td>{Clipped(x.LastError, 200)}</td><td>{Time(x.CreatedAt, context.Now)}</td></tr>
                    """)))}
                </tbody>
                </table>
                """);
        return Html.Of($"""
            <h3>Events</h3>
            <p class="count" data-count>{Counted(Count.All(info.Events.Count), "event")}</p>
            <table class="workflow-events">
            <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">From → to</th><th scope="col">Trigger</th><th scope="col">Actor</th><th scope="col">Reason</th><th scope="col">Task</th><th scope="col">Detail</th></tr></thead>
            <tbody>
            {events}
            </tbody>
            </table>
            <h3>Pending GitHub effects</h3>
            <p class="count" data-count>{Count.All(pending.Count).ToString()} pending, {Count.All(info.Effects.Count - pending.Count).ToString()} done</p>
            {effects}
            """);
    });

    private static async Task<IResult> RenderSprintPageAsync(string id, HttpContext http, CancellationToken ct)
    {
        var context = DashboardContext.For(http);
        try
        {
            await context.Services.Sprints.GetSprintAsync(id, ct);
        }
        catch (BatonException e)
        {
            return ErrorPage(context, "Sprint", e);
        }
        return new HtmlResult(DashboardLayout.Page(context, $"Sprint {id}", "/work", await SectionsAsync(context, ct, "sprint")));
    }

    private static Task<Html> RenderSprintAsync(DashboardContext context, CancellationToken ct) => ForIdAsync(context, "sprint", async id =>
    {
        var info = await context.Services.Sprints.GetSprintAsync(id, ct);
        var s = info.Sprint;
        var r = info.Report;
        var waves = Html.Join(s.Items.GroupBy(i => i.Wave).OrderBy(g => g.Key).Select(g =>
        {
            var inProgress = s.State == SprintState.Running && g.Key == s.CurrentWave;
            var mark = inProgress ? Html.Trusted(""" <span class="status status-running">in progress</span>""") : Html.Empty;
            var rows = Html.Join(g.Select(i =>
            {
                var runs = i.Runs.Count == 0 ? Html.Trusted("—") : Html.Join(Html.Trusted(", "), i.Runs.Select(RunLink));
                var depends = i.DependsOn.Count == 0 ? "—" : string.Join(", ", i.DependsOn.Select(d => "#" + d));
                return Html.Of($"""
                    <tr data-id="{s.Id}-{i.Issue}"><td>#{i.Issue}</td><td>{i.Title}</td><td>{Status(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(i.State.ToString()))}</td><td>{i.Runs.Count}</td><td>{runs}</td><td>{ExternalLink(i.PrUrl)}</td><td>{depends}</td><td>{OrDash(i.Reason)}</td></tr>
                    """);
            }));
            return Html.Of($"""
                <section class="wave{(inProgress ? " current" : "")}" data-wave="{g.Key + 1}" aria-labelledby="wave-{g.Key + 1}">
                <h3 id="wave-{g.Key + 1}">Wave {g.Key + 1} of {s.WaveCount}{mark}</h3>
                <table class="sprint-items">
                <thead><tr><th scope="col">Issue</th><th scope="col">Title</th><th scope="col">State</th><th scope="col">Tries</th><th scope="col">Workflow or task</th><th scope="col">PR</th><th scope="col">Depends on</th><th scope="col">Reason</th></tr></thead>
                <tbody>
                {rows}
                </tbody>
                </table>
                </section>
                """);
        }));
        return Html.Of($"""
            <dl class="fields">
            <dt>Id</dt><dd><code>{s.Id}</code></dd>
            <dt>Venture</dt><dd>{s.Venture}</dd>
            <dt>Repo</dt><dd>{s.Repo}</dd>
            <dt>Mode</dt><dd>{s.Mode.ToString().ToLowerInvariant()}</dd>
            <dt>State</dt><dd>{Status(s.State == SprintState.Done ? "done" : "running")} — {WaveProgress(s)}</dd>
            <dt>Items</dt><dd>{r.Items}: {r.Merged} merged, {r.Failed} failed, {r.Retried} retried, {r.Running} running, {r.Pending} pending</dd>
            <dt>Time</dt><dd>{Duration(r.ElapsedSeconds * 1000)}</dd>
            <dt>Spent</dt><dd>{Dollars(r.SpendUsd)} over {r.TasksCounted} tasks</dd>
            <dt>Created</dt><dd>{Time(s.CreatedAt, context.Now)} by {s.CreatedBy}</dd>
            <dt>Updated</dt><dd>{Time(s.UpdatedAt, context.Now)}</dd>
            <dt>Finished</dt><dd>{Time(s.FinishedAt, context.Now)}</dd>
            </dl>
            {waves}
            """);
    });
}
