using System.Globalization;
using System.Text.Json;
using Baton.Core.Alerts;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// Context (issue 18): what an agent starts its day with — recent handoffs rendered (cross-venture ones marked), open CI
/// alerts, duties overdue and due soon, notes and docs search, and the briefing an agent would get right now
/// ("what will my agent see", <see cref="ISessionService.PreviewBriefingAsync"/>: composed like SOD's, writing nothing).
/// Every panel renders from the query alone (<c>venture</c>, <c>q</c>, <c>agent</c>, <c>repo</c>, <c>track</c>,
/// <c>budget</c>), so the shell's refresh re-fetches it with the page's query string.
/// </summary>
internal static class ContextPage
{
    private const int HandoffLimit = 20;
    private const int AlertLimit = 50;
    private const int SearchLimit = 10;

    /// <summary>Text longer than this is shown clipped, the rest behind a <c>&lt;details&gt;</c>.</summary>
    internal const int ClipChars = 280;

    /// <summary>Entries of one handoff list shown before the rest go behind a <c>&lt;details&gt;</c>.</summary>
    internal const int ListEntriesShown = 5;

    /// <summary>Entries of one handoff list the page carries at most (the rest: the CLI).</summary>
    internal const int MaxEntries = 50;

    /// <summary>Every query field a panel reads: each form carries the others' values, so no filter is lost.</summary>
    private static readonly string[] QueryFields = ["venture", "q", "agent", "repo", "track", "budget"];

    public static readonly IReadOnlyList<Panel> Panels =
    [
        new("handoffs", "Recent handoffs", [ChangeKinds.Handoff], HandoffsAsync),
        new("alerts", "Open CI alerts", [ChangeKinds.Alert], AlertsAsync),
        new("duties", "Recurring duties", [], DutiesAsync),
        new("search", "Notes and docs search", [], SearchAsync),
        new("briefing", "What will my agent see", [ChangeKinds.Session, ChangeKinds.Handoff, ChangeKinds.Note, ChangeKinds.Alert, ChangeKinds.Task], BriefingAsync),
    ];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/context", RenderAsync).DashboardPage();

    private static async Task<IResult> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var context = DashboardContext.For(http);
        var venture = context.Query("venture");
        // A scoped key asking for another venture: every panel would be refused alike, so the page says it once.
        if (venture is not null && !context.Caller.MayActFor(venture))
        {
            var refused = Html.Of($"""
                <p class="error" role="alert">This key is scoped to venture <code>{context.Caller.VentureScope}</code> and may not see <code>{venture}</code>. Sign in with a key for that venture.</p>
                <p><a href="/context">Back to your venture's context</a></p>
                """);
            return new HtmlResult(DashboardLayout.Page(context, "Context", "/context", refused), StatusCodes.Status403Forbidden);
        }

        var ventures = (await context.Services.Ventures.ListVenturesAsync(ct)).Where(v => context.Caller.MayActFor(v.Code)).ToList();
        if (venture is not null && !ventures.Any(v => v.Code == venture))
        {
            var unknown = Html.Of($"""
                <p class="error" role="alert">There is no venture <code>{venture}</code>.</p>
                <p><a href="/context">Back to the context of every venture</a></p>
                """);
            return new HtmlResult(DashboardLayout.Page(context, "Context", "/context", unknown), StatusCodes.Status404NotFound);
        }

        var parts = new List<Html> { VentureForm(context, ventures) };
        foreach (var panel in Panels) parts.Add(await panel.RenderSectionAsync(context, ct));
        return new HtmlResult(DashboardLayout.Page(context, "Context", "/context", Html.Join(parts)));
    }

    // ---- filter ----

    private static Html VentureForm(DashboardContext context, IReadOnlyList<Baton.Core.Ventures.Venture> ventures)
    {
        var chosen = context.Query("venture");
        var all = context.Caller.VentureScope is null
            ? Html.Of($"""<option value=""{Selected(chosen is null)}>All ventures</option>""")
            : Html.Empty;
        var options = Html.Join(ventures.Select(v => Html.Of($"""<option value="{v.Code}"{Selected(v.Code == chosen)}>{v.Name} ({v.Code})</option>""")));
        return Html.Of($"""
            <form class="filters" method="get" action="/context" aria-label="Filter">
            <label for="context-venture">Venture</label>
            <select id="context-venture" name="venture">{all}{options}</select>
            {Hidden(context, "venture")}
            <button type="submit">Show</button>
            </form>
            """);
    }

    private static Html Selected(bool selected) => selected ? Html.Trusted(" selected") : Html.Empty;

    /// <summary>The current values of the query fields a form does not itself hold, as hidden inputs.</summary>
    private static Html Hidden(DashboardContext context, params string[] own) =>
        Html.Join(QueryFields.Except(own).Select(name => context.Query(name) is { } value
            ? Html.Of($"""<input type="hidden" name="{name}" value="{value}">""")
            : Html.Empty));

    /// <summary>The venture the panels show: the filter's, else a scoped key's own (null: every venture).</summary>
    private static string? Venture(DashboardContext context) => context.Query("venture") ?? context.Caller.VentureScope;

    // ---- handoffs ----

    private static Task<Html> HandoffsAsync(DashboardContext context, CancellationToken ct) => Guarded(async () =>
    {
        var page = await context.Services.Handoffs.ListHandoffsAsync(new HandoffListRequest(Venture(context), Limit: HandoffLimit), ct);
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No handoffs yet.</p>""");
        var rows = Html.Join(page.Items.Select(h => HandoffRow(h, context.Now)));
        return Html.Of($"""
            <p class="count">Handoffs: {Count.Slice(page.Items.Count, page.Total).ToString()}, newest first.</p>
            <table class="handoffs">
            <thead><tr><th scope="col">When</th><th scope="col">Venture</th><th scope="col">From</th><th scope="col">Handoff</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    });

    private static Html HandoffRow(Handoff h, DateTimeOffset now)
    {
        var summary = DisplayText.Clean(h.Summary).Trim();
        var breakAt = summary.IndexOf('\n');
        var (title, rest) = breakAt < 0 ? (summary, "") : (summary[..breakAt].Trim(), summary[(breakAt + 1)..].Trim());
        var cross = h.SourceVenture is not null
            ? Html.Of($"""<span class="badge cross-venture" title="Addressed from venture {h.SourceVenture} to {h.Venture}">cross-venture: {h.SourceVenture} → {h.Venture}</span> """)
            : Html.Empty;
        var facts = new List<Html> { Html.Of($"""<span class="status status-{StatusWord(h.Status)}">{StatusWord(h.Status).Replace('_', ' ')}</span>""") };
        facts.Add(Html.Of($"<span>{h.Repo} · {h.Track}</span>"));
        if (h.ToAgent is not null) facts.Add(Html.Of($"<span>to {h.ToAgent}</span>"));
        if (h.IssueNumber is not null) facts.Add(Html.Of($"<span>issue #{h.IssueNumber}</span>"));
        if (h.DraftedBy is not null) facts.Add(Html.Of($"""<span class="drafted">drafted by Baton ({h.DraftedBy.Value.ToString().ToLowerInvariant()})</span>"""));
        var author = h.SessionId is null
            ? Html.Of($"{h.FromAgent}")
            : Html.Of($"""{h.FromAgent}<br><code class="session-id">{h.SessionId}</code>""");
        return Html.Of($"""
            <tr data-id="{h.Id}"{(h.SourceVenture is not null ? Html.Trusted(" class=\"cross-venture\"") : Html.Empty)}>
            <td>{DashboardText.Time(h.CreatedAt, now)}</td>
            <td>{h.Venture}</td>
            <td>{author}</td>
            <td class="handoff">
            <p class="handoff-title">{cross}<strong>{(title.Length == 0 ? "(no summary)" : title)}</strong></p>
            <p class="facts">{Html.Join(Html.Trusted(" · "), facts)}</p>
            {(rest.Length == 0 ? Html.Empty : Clipped(rest, "handoff-text"))}
            {HandoffLists(h.Payload, h.Venture)}
            </td>
            </tr>
            """);
    }

    private static string StatusWord(HandoffStatus status) => status switch
    {
        HandoffStatus.Done => "done",
        HandoffStatus.InProgress => "in_progress",
        _ => "blocked",
    };

    /// <summary>The handoff's lists in the order an agent reads them, each entry clipped, the entries past the first few behind a details.</summary>
    private static Html HandoffLists(string payload, string venture)
    {
        (string Key, string Label)[] lists =
        [
            ("accomplished", "Done"), ("in_progress", "In progress"), ("blocked", "Blockers"), ("next_steps", "Next"), ("success_criteria", "Success criteria"),
        ];
        using var json = JsonDocument.Parse(payload);
        var parts = new List<Html>();
        foreach (var (key, label) in lists)
        {
            if (!json.RootElement.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) continue;
            var entries = list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? DisplayText.Clean(e.GetString() ?? "") : e.GetRawText()).ToList();
            var shown = Html.Join(entries.Take(ListEntriesShown).Select(e => Html.Of($"<li>{Clipped(e, "entry")}</li>")));
            // A list may hold 200 entries of 4,000 characters: the page carries the first MaxEntries, and says where the rest are.
            var rest = entries.Skip(ListEntriesShown).Take(MaxEntries - ListEntriesShown).Select(e => Html.Of($"<li>{Clipped(e, "entry")}</li>"));
            var beyond = entries.Count > MaxEntries
                ? Html.Of($"""<p class="more">{Count.Slice(MaxEntries, entries.Count).ToString()} entries on this page; all of them: <code>baton handoffs --venture {venture} --json</code></p>""")
                : Html.Empty;
            var more = entries.Count > ListEntriesShown
                ? Html.Of($"""
                    <details><summary>{entries.Count - ListEntriesShown} more</summary><ul>{Html.Join(rest)}</ul>{beyond}</details>
                    """)
                : Html.Empty;
            parts.Add(Html.Of($"""<div class="handoff-list handoff-{key}"><h3>{label} ({Count.All(entries.Count).ToString()})</h3><ul>{shown}</ul>{more}</div>"""));
        }
        return Html.Join(parts);
    }

    /// <summary>Text whole when short, else its first <see cref="ClipChars"/> characters (at a word break) and the whole behind a details.</summary>
    internal static Html Clipped(string text, string cssClass)
    {
        if (text.Length <= ClipChars) return Html.Of($"""<span class="{cssClass} text">{text}</span>""");
        var cut = text.LastIndexOf(' ', ClipChars);
        if (cut < ClipChars / 2) cut = ClipChars;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return Html.Of($"""
            <span class="{cssClass} text clipped">{text[..cut].TrimEnd()}…</span>
            <details class="rest"><summary>Show all ({text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters)</summary><span class="{cssClass} text">{text}</span></details>
            """);
    }

    // ---- alerts ----

    private static Task<Html> AlertsAsync(DashboardContext context, CancellationToken ct) => Guarded(async () =>
    {
        var page = await context.Services.Alerts.ListAlertsAsync(
            new AlertListRequest(Venture(context), AlertStatus.Open, AllBranches: true, Limit: AlertLimit), ct);
        if (page.Items.Count == 0) return Html.Of($"""<p class="empty">No open alerts.</p>""");
        var rows = Html.Join(page.Items.Select(a => Html.Of($"""
            <tr data-id="{a.Id}">
            <td><span class="status status-{Severity(a.Severity)}">{Severity(a.Severity)}</span></td>
            <td><a href="{Html.Url(a.Url)}" rel="noopener noreferrer">{a.Workflow}</a></td>
            <td>{a.Repo}</td>
            <td>{a.Branch}{(a.OnDefaultBranch ? Html.Of($""" <span class="badge">default</span>""") : Html.Empty)}</td>
            <td>{a.Source}</td>
            <td>{DashboardText.Time(a.FirstSeen, context.Now)}</td>
            <td>{a.Occurrences}</td>
            </tr>
            """)));
        return Html.Of($"""
            <p class="count">Open alerts: {Count.Slice(page.Items.Count, page.Total).ToString()}, on every branch.</p>
            <table class="alerts">
            <thead><tr><th scope="col">Severity</th><th scope="col">Alert</th><th scope="col">Repo</th><th scope="col">Branch</th><th scope="col">Source</th><th scope="col">Since</th><th scope="col">Occurrences</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    });

    private static string Severity(AlertSeverity severity) => severity.ToString().ToLowerInvariant();

    // ---- duties ----

    private static Task<Html> DutiesAsync(DashboardContext context, CancellationToken ct) => Guarded(async () =>
    {
        var duties = await context.Services.Cadence.ListCadenceAsync(Venture(context), ct);
        var due = duties.Items.Where(d => d.Status != CadenceStatus.NotDue).ToList();
        var overdue = due.Count(d => d.Status == CadenceStatus.Overdue);
        if (due.Count == 0)
            return Html.Of($"""<p class="empty">No duty is overdue or due within {(int)CadenceRules.DueSoonWindow.TotalDays} days ({Count.All(duties.Items.Count).ToString()} duties in all).</p>""");
        var rows = Html.Join(due.Select(d => Html.Of($"""
            <tr data-id="{d.Item.Id}">
            <td><span class="status status-{(d.Status == CadenceStatus.Overdue ? "overdue" : "due-soon")}">{(d.Status == CadenceStatus.Overdue ? "overdue" : "due soon")}</span></td>
            <td><strong>{d.Item.Title}</strong>{(d.Item.Description is { } description ? Html.Of($"<br>{Clipped(description, "description")}") : Html.Empty)}</td>
            <td>{d.Item.Scope}</td>
            <td>every {d.Item.IntervalDays} days</td>
            <td>{DashboardText.Time(d.DueAt, context.Now)}</td>
            <td>{(d.Item.LastDoneAt is { } done ? DashboardText.Time(done, context.Now) : Html.Of($"never"))}</td>
            </tr>
            """)));
        return Html.Of($"""
            <p class="count">Due: {Count.All(due.Count).ToString()} ({Count.All(overdue).ToString()} overdue) of {Count.All(duties.Items.Count).ToString()} duties.</p>
            <table class="duties">
            <thead><tr><th scope="col">State</th><th scope="col">Duty</th><th scope="col">Scope</th><th scope="col">Interval</th><th scope="col">Due</th><th scope="col">Last done</th></tr></thead>
            <tbody>
            {rows}
            </tbody>
            </table>
            """);
    });

    // ---- search ----

    private static Task<Html> SearchAsync(DashboardContext context, CancellationToken ct) => Guarded(async () =>
    {
        var q = context.Query("q");
        var form = Html.Of($"""
            <form class="search" method="get" action="/context" role="search">
            <label for="context-q">Search notes and docs</label>
            <input id="context-q" type="search" name="q" value="{q}" maxlength="500">
            {Hidden(context, "q")}
            <button type="submit">Search</button>
            </form>
            """);
        if (q is null) return Html.Of($"""{form}<p class="empty">Type words to search the notes and docs of {VentureWords(context)}.</p>""");

        var venture = Venture(context);
        var notes = await context.Services.Notes.SearchNotesAsync(new NoteSearchRequest(q, Venture: venture, Limit: SearchLimit), ct);
        var docs = await context.Services.Docs.SearchDocsAsync(new DocSearchRequest(q, venture, SearchLimit), ct);
        var noteList = notes.Items.Count == 0
            ? Html.Of($"""<p class="empty">No note matches.</p>""")
            : Html.Of($"""<ul class="hits">{Html.Join(notes.Items.Select(h => Html.Of($"""
                <li data-id="{h.Note.Id}"><strong>{DisplayText.Clean(h.Note.Title)}</strong> <span class="scope">{h.Note.Venture}</span> {DashboardText.Time(h.Note.UpdatedAt, context.Now)}<br><span class="snippet">{Snippet(h.Snippet)}</span></li>
                """)))}</ul>""");
        var docList = docs.Items.Count == 0
            ? Html.Of($"""<p class="empty">No doc matches.</p>""")
            : Html.Of($"""<ul class="hits">{Html.Join(docs.Items.Select(h => Html.Of($"""
                <li data-id="{h.Doc.Scope}/{h.Doc.Name}"><strong>{DisplayText.Clean(h.Doc.Title)}</strong> <code>{h.Doc.Scope}/{h.Doc.Name}</code> v{h.Doc.Version} {DashboardText.Time(h.Doc.UpdatedAt, context.Now)}<br><span class="snippet">{Snippet(h.Snippet)}</span></li>
                """)))}</ul>""");
        return Html.Of($"""
            {form}
            <div class="search-results">
            <h3>Notes ({Count.Slice(notes.Items.Count, notes.Total).ToString()})</h3>
            {noteList}
            <h3>Docs ({Count.Slice(docs.Items.Count, docs.Total).ToString()})</h3>
            {docList}
            </div>
            """);
    });

    /// <summary>A snippet with its <c>**marked**</c> words as <c>&lt;mark&gt;</c>: split on the markers, every piece escaped.</summary>
    internal static Html Snippet(string snippet)
    {
        var pieces = DisplayText.Clean(snippet).Split("**");
        // An odd count of markers leaves the last piece unmarked rather than opening a mark that never closes.
        return Html.Join(pieces.Select((piece, i) => i % 2 == 1 && i < pieces.Length - 1 ? Html.Of($"<mark>{piece}</mark>") : Html.Text(piece)));
    }

    private static Html VentureWords(DashboardContext context) =>
        Venture(context) is { } v ? Html.Of($"venture {v} (and global ones)") : Html.Of($"every venture");

    // ---- briefing preview ----

    private static Task<Html> BriefingAsync(DashboardContext context, CancellationToken ct) => Guarded(async () =>
    {
        var venture = Venture(context);
        var (agent, repo, track, budgetText) = (context.Query("agent"), context.Query("repo"), context.Query("track"), context.Query("budget"));
        var form = Html.Of($"""
            <form class="briefing-fields" method="get" action="/context" aria-label="Briefing for">
            <label for="briefing-agent">Agent</label> <input id="briefing-agent" name="agent" value="{agent}" maxlength="100" placeholder="{BriefingPreviewRequest.AnyAgent}">
            <label for="briefing-repo">Repo</label> <input id="briefing-repo" name="repo" value="{repo}" maxlength="200" placeholder="the venture's first">
            <label for="briefing-track">Track</label> <input id="briefing-track" name="track" value="{track}" maxlength="100" placeholder="{Session.DefaultTrack}">
            <label for="briefing-budget">Budget (characters)</label> <input id="briefing-budget" name="budget" value="{budgetText}" inputmode="numeric" placeholder="12000">
            {Hidden(context, "agent", "repo", "track", "budget")}
            <button type="submit">Preview</button>
            </form>
            """);
        if (venture is null) return Html.Of($"""{form}<p class="empty">Choose a venture above to see the briefing its agents would get.</p>""");
        int? budget = null;
        if (budgetText is not null)
        {
            if (!int.TryParse(budgetText, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
                return Html.Of($"""{form}<p class="error" role="alert">budget: must be a whole number of characters (got {budgetText}).</p>""");
            budget = b;
        }
        BriefingPreview preview;
        try
        {
            preview = await context.Services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest(venture, agent, repo, track, budget), ct);
        }
        catch (BatonException e)
        {
            return Html.Of($"{form}{Refusal(e)}");
        }
        var command = $"baton sod --venture {preview.Venture} --repo {preview.Repo} --track {preview.Track}" + (budget is null ? "" : $" --budget {preview.BudgetChars}");
        return Html.Of($"""
            {form}
            <p class="preview-note">A preview: no session was created. The briefing {preview.Agent} would get from a SOD in {preview.Repo} (track {preview.Track}) right now,
            fitted to {preview.BudgetChars.ToString("N0", CultureInfo.InvariantCulture)} characters; it is {preview.Briefing.Length.ToString("N0", CultureInfo.InvariantCulture)}.</p>
            <p><code data-copy>{command}</code> <button type="button" data-copy-target>Copy</button></p>
            <pre class="briefing" tabindex="0" aria-label="Briefing text">{preview.Briefing}</pre>
            """);
    });

    // ---- shared ----

    /// <summary>A panel's content, or the service's refusal in words (a scoped key, an unknown venture, a bad field).</summary>
    private static async Task<Html> Guarded(Func<Task<Html>> render)
    {
        try
        {
            return await render();
        }
        catch (BatonException e)
        {
            return Refusal(e);
        }
    }

    private static Html Refusal(BatonException e)
    {
        var fields = e.Errors is null
            ? Html.Empty
            : Html.Of($"<ul>{Html.Join(e.Errors.SelectMany(f => f.Value.Select(m => Html.Of($"<li>{f.Key}: {m}</li>"))))}</ul>");
        return Html.Of($"""<div class="error" role="alert"><p>{e.Title}: {e.Detail}</p>{fields}</div>""");
    }

}
