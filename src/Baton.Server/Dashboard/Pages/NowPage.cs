using Baton.Core.Activity;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// Now (<c>/</c>): who is waiting for a human (on top, with the command to go to them), then every live session the
/// caller may see with what it is doing from its last hook event. Filter: venture. A venture-scoped key sees its own
/// venture only — the services' own rule.
/// </summary>
internal static class NowPage
{
    /// <summary>One page of each list: the services' largest page. Beyond it the counts say how many are not shown.</summary>
    private const int Shown = PageRequest.MaxLimit;

    private const int DoingLength = 120;

    /// <summary>
    /// A live session that has not heartbeat for longer than the longest interval the server hands out
    /// (<see cref="HeartbeatSchedule.MaxSeconds"/>) has missed one: marked stale before the store calls it abandoned.
    /// </summary>
    private static readonly TimeSpan LateAfter = TimeSpan.FromSeconds(HeartbeatSchedule.MaxSeconds);

    private static readonly Panel Waiting = new("waiting", "Waiting for you", [ChangeKinds.HookEvent, ChangeKinds.Session], RenderWaitingAsync);

    private static readonly Panel Sessions = new("sessions", "Live sessions", [ChangeKinds.Session, ChangeKinds.HookEvent], RenderSessionsAsync);

    public static readonly IReadOnlyList<Panel> Panels = [Waiting, Sessions];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/", async (HttpContext http, CancellationToken ct) =>
        {
            var context = DashboardContext.For(http);
            var filter = await FilterAsync(context, ct);
            var body = Html.Join(new[] { filter, await Waiting.RenderSectionAsync(context, ct), await Sessions.RenderSectionAsync(context, ct) });
            return new HtmlResult(DashboardLayout.Page(context, "Now", "/", body));
        }).DashboardPage();

    /// <summary>The venture asked for; a scoped key is held to its own whatever the query says.</summary>
    private static string? VentureOf(DashboardContext context) => context.Caller.VentureScope ?? context.Query("venture");

    private static async Task<Html> FilterAsync(DashboardContext context, CancellationToken ct)
    {
        if (context.Caller.VentureScope is { } scope)
            return Html.Of($"""<p class="scope">Showing venture <strong>{scope}</strong> (your key's venture).</p>""");
        var selected = VentureOf(context);
        var ventures = await context.Services.Ventures.ListVenturesAsync(ct);
        var options = Html.Join(ventures.Select(v => v.Code == selected
            ? Html.Of($"""<option value="{v.Code}" selected>{v.Code} — {v.Name}</option>""")
            : Html.Of($"""<option value="{v.Code}">{v.Code} — {v.Name}</option>""")));
        return Html.Of($"""
            <form class="filters" method="get" action="/">
            <label for="filter-venture">Venture</label>
            <select id="filter-venture" name="venture"><option value="">all ventures</option>{options}</select>
            <button type="submit">Filter</button>
            </form>
            """);
    }

    private static async Task<Html> RenderWaitingAsync(DashboardContext context, CancellationToken ct)
    {
        Page<WaitingSession> page;
        try
        {
            page = await context.Services.Activity.ListWaitingAsync(new WaitingListRequest(VentureOf(context), Shown), ct);
        }
        catch (BatonException e)
        {
            return Html.Of($"""<p class="error">{e.Message}</p>""");
        }
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No session is waiting for a human.</p>""");
        var rows = Html.Join(page.Items.Select(w => Html.Of($"""
            <tr data-id="{w.SessionId}">
            <td>{w.Venture}</td>
            <td>{w.Agent}</td>
            <td>{w.MachineHost ?? "—"}</td>
            <td>{w.Repo ?? "—"}</td>
            <td>{DashboardText.Status("waiting")} {w.Reason}<br>{DisplayText.Clip(w.Message ?? "", DoingLength * 2)}</td>
            <td>{DashboardText.Time(w.Since, context.Now)}</td>
            <td class="commands">{Commands(w)}</td>
            </tr>
            """)));
        return Html.Of($"""
            <p class="count">{Count.Slice(page.Items.Count, page.Total)} waiting, longest first</p>
            <table>
            <thead><tr><th scope="col">Venture</th><th scope="col">Agent</th><th scope="col">Machine</th><th scope="col">Repo</th><th scope="col">Waiting on</th><th scope="col">Since</th><th scope="col">Go to it</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    /// <summary>
    /// On the session's machine: attach to the venture's tmux session, where the waiting agent runs when started with
    /// <c>baton session</c>; or start the agent CLI again on that very CLI session with <c>baton resume</c>.
    /// </summary>
    private static Html Commands(WaitingSession w) => Html.Of($"""
        <div>{DashboardText.Copyable($"baton session {w.Venture}")}</div>
        <div>{DashboardText.Copyable($"baton resume {w.SessionId}")}</div>
        """);

    private static async Task<Html> RenderSessionsAsync(DashboardContext context, CancellationToken ct)
    {
        Page<Session> page;
        IReadOnlyList<HookEvent> latest;
        try
        {
            page = await context.Services.Sessions.ListSessionsAsync(new SessionListRequest(VentureOf(context), SessionStatus.Active, Shown), ct);
            latest = await context.Services.Activity.LatestSessionEventsAsync([.. page.Items.Select(s => s.Id)], ct);
        }
        catch (BatonException e)
        {
            return Html.Of($"""<p class="error">{e.Message}</p>""");
        }
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No live sessions.</p>""");
        var events = latest.Where(e => e.SessionId is not null).ToDictionary(e => e.SessionId!, StringComparer.Ordinal);
        var rows = Html.Join(page.Items.Select(s => Row(s, events.GetValueOrDefault(s.Id), context.Now)));
        return Html.Of($"""
            <p class="count">{Count.Slice(page.Items.Count, page.Total)} live</p>
            <table>
            <thead><tr><th scope="col">Agent</th><th scope="col">Venture</th><th scope="col">Machine</th><th scope="col">CLI</th><th scope="col">Repo</th><th scope="col">Branch</th><th scope="col">Issue</th><th scope="col">Doing</th><th scope="col">Heartbeat</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    private static Html Row(Session s, HookEvent? last, DateTimeOffset now)
    {
        var late = now - s.LastHeartbeatAt > LateAfter;
        var heartbeat = late
            ? Html.Of($"{DashboardText.Time(s.LastHeartbeatAt, now)} {DashboardText.Status("stale")}")
            : DashboardText.Time(s.LastHeartbeatAt, now);
        return Html.Of($"""
            <tr data-id="{s.Id}"{(late ? Html.Trusted(" class=\"stale\"") : Html.Empty)}>
            <td>{s.Agent}</td>
            <td>{s.Venture}</td>
            <td>{s.Host ?? "—"}</td>
            <td>{s.NativeCli ?? s.Cli ?? "—"}</td>
            <td>{s.Repo}</td>
            <td>{s.Branch ?? s.Track}</td>
            <td>{(s.IssueNumber is { } issue ? $"#{issue}" : "—")}</td>
            <td>{Doing(last, now)}</td>
            <td>{heartbeat}</td>
            </tr>
            """);
    }

    /// <summary>What the last hook event says the session is doing: a tool and its summary, a prompt, a wait.</summary>
    private static Html Doing(HookEvent? last, DateTimeOffset now)
    {
        if (last is null) return Html.Of($"""<span class="muted">no hook events</span>""");
        var what = last.Kind switch
        {
            HookEventKind.Tool => last.Summary ?? last.Tool ?? last.Event,
            HookEventKind.Prompt => "prompt: " + (last.Summary ?? ""),
            HookEventKind.Waiting => last.Summary ?? last.Event, // the status word says it waits
            _ => last.Summary is { Length: > 0 } summary ? $"{last.Event}: {summary}" : last.Event,
        };
        var status = last.Kind == HookEventKind.Waiting ? DashboardText.Status("waiting") : Html.Empty;
        return Html.Of($"{status} {DisplayText.Clip(what, DoingLength)} <span class=\"muted\">({DashboardText.Time(last.OccurredAt, now)})</span>");
    }
}
