using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Baton.Server.Dashboard.DashboardText;
using static Baton.Server.Dashboard.Pages.WorkMarkup;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// The Work section (issue 18): <c>/work</c> — exact counts per state, the task queue with its filters (a GET form)
/// and the service's keyset pages, the project workflows and the sprints — and the pages of one task (its timeline
/// with every assignment's score cards, attempts, results, reviews), one workflow (drawn on the transition diagram)
/// and one sprint (its waves). Everything is read through the caller's <see cref="Baton.Core.Application.BatonServices"/>,
/// so a venture-scoped key sees here what the API shows it.
/// </summary>
internal static partial class WorkPage
{
    /// <summary>Tasks a queue page shows unless the query's <c>limit</c> (1–200) says otherwise.</summary>
    private const int PageSize = 50;

    private const int ListSize = 20;

    public static readonly IReadOnlyList<Panel> Panels =
    [
        new("task-counts", "Tasks by state", [ChangeKinds.Task], RenderCountsAsync),
        new("tasks", "Task queue", [ChangeKinds.Task], RenderTasksAsync),
        new("workflows", "Project workflows", [ChangeKinds.Workflow], RenderWorkflowsAsync),
        new("sprints", "Sprints", [ChangeKinds.Sprint, ChangeKinds.Task], RenderSprintsAsync),
        new("task", "Task", [ChangeKinds.Task], RenderTaskAsync),
        new("task-timeline", "Timeline", [ChangeKinds.Task], RenderTimelineAsync),
        new("task-results", "Attempts and results", [ChangeKinds.Task], RenderResultsAsync),
        new("workflow", "Workflow", [ChangeKinds.Workflow, ChangeKinds.Task], RenderWorkflowAsync),
        new("workflow-history", "History and GitHub effects", [ChangeKinds.Workflow], RenderWorkflowHistoryAsync),
        new("sprint", "Sprint", [ChangeKinds.Sprint, ChangeKinds.Workflow, ChangeKinds.Task], RenderSprintAsync),
    ];

    /// <summary>The sections of the named panels, in order, for one page.</summary>
    private static async Task<Html> SectionsAsync(DashboardContext context, CancellationToken ct, params string[] names)
    {
        var sections = new List<Html>();
        foreach (var name in names) sections.Add(await Panels.First(p => p.Name == name).RenderSectionAsync(context, ct));
        return Html.Join(sections);
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/work", RenderAsync).DashboardPage();
        app.MapGet("/work/tasks/{id}", RenderTaskPageAsync).DashboardPage();
        app.MapGet("/work/workflows/{id}", RenderWorkflowPageAsync).DashboardPage();
        app.MapGet("/work/sprints/{id}", RenderSprintPageAsync).DashboardPage();
    }

    private static async Task<IResult> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var context = DashboardContext.For(http);
        var body = Html.Join([await FilterFormAsync(context, ct), await SectionsAsync(context, ct, "task-counts", "tasks", "workflows", "sprints")]);
        return new HtmlResult(DashboardLayout.Page(context, "Work", "/work", body));
    }

    /// <summary>The filters: a plain GET form, so they work without JavaScript and every panel refreshes from the query.</summary>
    private static async Task<Html> FilterFormAsync(DashboardContext context, CancellationToken ct)
    {
        var ventures = (await context.Services.Ventures.ListVenturesAsync(ct)).Where(v => context.Caller.MayActFor(v.Code)).ToList();
        var venture = context.Query("venture");
        var state = context.Query("state");
        var ventureOptions = Html.Join(ventures.Select(v => v.Code == venture
            ? Html.Of($"""<option value="{v.Code}" selected>{v.Code}</option>""")
            : Html.Of($"""<option value="{v.Code}">{v.Code}</option>""")));
        var stateOptions = Html.Join(Enum.GetValues<TaskState>().Select(Word).Select(w => w == state
            ? Html.Of($"""<option value="{w}" selected>{w}</option>""")
            : Html.Of($"""<option value="{w}">{w}</option>""")));
        return Html.Of($"""
            <form class="filters" method="get" action="/work" aria-label="Filter the tasks">
            <label for="f-state">State</label> <select id="f-state" name="state"><option value="">any</option>{stateOptions}</select>
            <label for="f-venture">Venture</label> <select id="f-venture" name="venture"><option value="">any</option>{ventureOptions}</select>
            <label for="f-capability">Capability</label> <input id="f-capability" name="capability" value="{context.Query("capability")}">
            <label for="f-agent">Agent id</label> <input id="f-agent" name="agent" value="{context.Query("agent")}" placeholder="agent_…">
            <button type="submit">Filter</button> <a href="/work">Clear</a>
            </form>
            """);
    }

    private static async Task<Html> RenderCountsAsync(DashboardContext context, CancellationToken ct)
    {
        TaskCounts counts;
        try
        {
            counts = await context.Services.Tasks.CountTasksAsync(context.Query("venture"), ct);
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
        var items = Html.Join(Enum.GetValues<TaskState>().Select(s =>
        {
            var link = Html.Url("/work" + QueryOf(("state", Word(s)), ("venture", context.Query("venture"))));
            var held = s == TaskState.Queued && counts.Held > 0 ? Html.Of($""" <span class="held">({Count.All(checked((int)counts.Held))} held by the daily budget)</span>""") : Html.Empty;
            return Html.Of($"""<div data-state="{Word(s)}"><dt><a href="{link}">{Status(s)}</a></dt><dd>{Count.All(checked((int)counts.Of(s)))}{held}</dd></div>""");
        }));
        return Html.Of($"""<dl class="counts">{items}<div data-state="total"><dt>total</dt><dd>{Count.All(checked((int)counts.Total))}</dd></div></dl>""");
    }

    private static async Task<Html> RenderTasksAsync(DashboardContext context, CancellationToken ct)
    {
        var stateText = context.Query("state");
        TaskState? state = null;
        if (stateText is not null)
        {
            state = Enum.GetValues<TaskState>().Where(s => Word(s) == stateText).Select(s => (TaskState?)s).FirstOrDefault();
            if (state is null) return Html.Of($"""<p class="error" role="alert">There is no task state '{stateText}'.</p>""");
        }
        var venture = context.Query("venture");
        var capability = context.Query("capability");
        var agent = context.Query("agent");
        var limitText = context.Query("limit");
        var limit = int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= PageRequest.MaxLimit ? n : PageSize;
        Page<BatonTask> page;
        try
        {
            page = await context.Services.Tasks.ListTasksAsync(new TaskListRequest(venture, state, capability, agent, limit, context.Query("cursor")), ct);
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
        var count = Count.Slice(page.Items.Count, page.Total);
        var next = page.NextCursor is null
            ? Html.Empty
            : Html.Of($"""<p class="pager"><a rel="next" href="{Html.Url("/work" + QueryOf(("state", stateText), ("venture", venture), ("capability", capability), ("agent", agent), ("limit", limitText), ("cursor", page.NextCursor)))}">Next page</a></p>""");
        var cursorNote = context.Query("cursor") is null ? Html.Empty : Html.Of($""" <a href="{Html.Url("/work" + QueryOf(("state", stateText), ("venture", venture), ("capability", capability), ("agent", agent), ("limit", limitText)))}">first page</a>""");
        if (page.Items.Count == 0)
            return Html.Of($"""<p class="empty">No tasks{(state is null && venture is null && capability is null && agent is null ? "" : " match these filters")}.</p>{cursorNote}""");
        var names = await AgentNamesAsync(context, ct);
        var rows = Html.Join(page.Items.Select(t => TaskRow(t, names, context.Now)));
        return Html.Of($"""
            <p class="count" data-count>{Counted(count, "task")}{cursorNote}</p>
            <table class="tasks">
            <thead><tr><th scope="col">Task</th><th scope="col">Title</th><th scope="col">Venture</th><th scope="col">Repo</th><th scope="col">Capability</th><th scope="col">Priority</th><th scope="col">State</th><th scope="col">Agent</th><th scope="col">Attempts</th><th scope="col">Updated</th><th scope="col">Created</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            {next}
            """);
    }

    private static Html TaskRow(BatonTask t, IReadOnlyDictionary<string, string> names, DateTimeOffset now)
    {
        var held = t.Held is null ? Html.Empty : Html.Of($""" <span class="held" title="{t.Held}">(held)</span>""");
        return Html.Of($"""
            <tr data-id="{t.Id}"><td>{TaskLink(t.Id)}</td><td title="{t.Title}">{DisplayText.Clip(DisplayText.Clean(t.Title), 80)}</td><td>{t.Venture}</td><td>{OrDash(t.Repo)}</td><td>{t.Capability}</td><td>{t.Priority}</td><td>{Status(t.State)}{held}</td><td>{AgentName(t.AssignedAgent, names)}</td><td>{t.Attempt} of {t.MaxAttempts}</td><td>{Time(t.UpdatedAt, now)}</td><td>{Time(t.CreatedAt, now)}</td></tr>
            """);
    }

    /// <summary>Agent names by id, one read for the whole panel (agents are the fleet's; ids are what tasks keep).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> AgentNamesAsync(DashboardContext context, CancellationToken ct)
    {
        var agents = await context.Services.Agents.ListAgentsAsync(new AgentListRequest(IncludeRemoved: true, Limit: PageRequest.MaxLimit), ct);
        return agents.Items.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
    }

    private static Html AgentName(string? id, IReadOnlyDictionary<string, string> names) => id is null
        ? Html.Trusted("—")
        : names.TryGetValue(id, out var name) ? Html.Of($"""<span title="{id}">{name}</span>""") : Html.Of($"<code>{id}</code>");

    private static async Task<Html> RenderWorkflowsAsync(DashboardContext context, CancellationToken ct)
    {
        Page<Workflow> page;
        try
        {
            page = await context.Services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(context.Query("venture"), Limit: PageRequest.MaxLimit), ct);
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No project workflows.</p>""");
        // Open ones first, then the most recently moved: the list's own order is by id.
        var shown = page.Items.OrderBy(w => w.IsFinished).ThenByDescending(w => w.UpdatedAt).Take(ListSize).ToList();
        var rows = Html.Join(shown.Select(w => Html.Of($"""
            <tr data-id="{w.Id}"><td>{WorkflowLink(w.Id)}</td><td>{w.Venture}</td><td title="{w.Title}">{DisplayText.Clip(DisplayText.Clean(w.Title), 80)}</td><td>{OrDash(w.Issue)}</td><td>{Status(w.State)}</td><td>{w.Bounces} of {w.MaxBounces}</td><td>{Time(w.UpdatedAt, context.Now)}</td></tr>
            """)));
        return Html.Of($"""
            <p class="count" data-count>{Counted(Count.Slice(shown.Count, page.Total), "workflow")}</p>
            <table class="workflows">
            <thead><tr><th scope="col">Workflow</th><th scope="col">Venture</th><th scope="col">Title</th><th scope="col">Issue</th><th scope="col">State</th><th scope="col">Bounces</th><th scope="col">Updated</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    }

    private static async Task<Html> RenderSprintsAsync(DashboardContext context, CancellationToken ct)
    {
        Page<Sprint> page;
        try
        {
            page = await context.Services.Sprints.ListSprintsAsync(new SprintListRequest(context.Query("venture"), PageRequest.MaxLimit), ct);
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No sprints.</p>""");
        var shown = page.Items.OrderBy(s => s.State == SprintState.Done).ThenByDescending(s => s.UpdatedAt).Take(ListSize).ToList();
        var rows = Html.Join(shown.Select(s => Html.Of($"""
            <tr data-id="{s.Id}"><td>{SprintLink(s.Id)}</td><td>{s.Venture}</td><td>{s.Repo}</td><td>{Status(s.State == SprintState.Done ? "done" : "running")}</td><td>{WaveProgress(s)}</td><td>{ItemProgress(s)}</td><td>{Time(s.UpdatedAt, context.Now)}</td></tr>
            """)));
        return Html.Of($"""
            <p class="count" data-count>{Counted(Count.Slice(shown.Count, page.Total), "sprint")}</p>
            <table class="sprints">
            <thead><tr><th scope="col">Sprint</th><th scope="col">Venture</th><th scope="col">Repo</th><th scope="col">State</th><th scope="col">Waves</th><th scope="col">Items</th><th scope="col">Updated</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    }

    private static string WaveProgress(Sprint s) => s.State == SprintState.Done || s.CurrentWave >= s.WaveCount
        ? $"all {s.WaveCount} done"
        : $"wave {s.CurrentWave + 1} of {s.WaveCount}";

    private static string ItemProgress(Sprint s)
    {
        var merged = s.Items.Count(i => i.State == SprintItemState.Merged);
        var failed = s.Items.Count(i => i.State == SprintItemState.Failed);
        return $"{merged} merged, {failed} failed of {s.Items.Count}";
    }
}
