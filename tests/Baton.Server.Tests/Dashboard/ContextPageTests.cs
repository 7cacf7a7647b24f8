using System.Net;
using System.Text.RegularExpressions;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Support.KnowledgeCalls;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// The Context page (issue 18) on a real server: handoffs rendered with their lists and cross-venture mark, open alerts,
/// duties, notes and docs search with honest totals, the briefing preview (the same sections a SOD then shows, and no
/// session made), scope, and every user-supplied text escaped. Requests with no key come from loopback: the local operator.
/// </summary>
public sealed partial class ContextPageTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Breakout = "\"><img src=x onerror=alert(1)>";

    private static readonly CancellationToken Ct = TestTimeouts.Token();

    private static async Task<(HttpStatusCode Status, string Html)> GetPageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<string> PostOkAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsync(url, Body(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    private static Task<string> HandoffAsync(TestServer server, string venture, string summary, string? toVenture = null,
        string[]? accomplished = null, string[]? nextSteps = null, string[]? blocked = null, string from = "writer") =>
        PostOkAsync(server.Admin, "/v1/handoffs", new
        {
            Venture = venture, Repo = venture == "alpha" ? "alpha-console" : "beta-api", FromAgent = from, Summary = summary,
            Status = blocked is null ? "done" : "blocked", ToVenture = toVenture, Accomplished = accomplished, NextSteps = nextSteps, Blocked = blocked,
        });

    /// <summary>The section of one panel (the markup between its opening tag and its end).</summary>
    private static string PanelOf(string html, string name)
    {
        var start = html.IndexOf($"data-panel=\"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no panel {name} in the page");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string RowOf(string html, string id)
    {
        var start = html.IndexOf($"<tr data-id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row {id}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static string IdOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;

    /// <summary>A duty's id: the cadence routes answer the duty with where it stands (<c>{"item": {...}, "due_at": …}</c>).</summary>
    private static string DutyIdOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("item").GetProperty("id").GetString()!;

    [Fact]
    public async Task Context_Handoffs_AreRenderedWithTheirListsAndCrossVentureOnesMarked()
    {
        await using var server = await TestServer.StartAsync();
        var own = IdOf(await HandoffAsync(server, "alpha", "Shipped the pricing page\nThe rest of the summary.", accomplished: ["Pricing page"],
            nextSteps: ["Announce it", "Watch sign-ups", "Fix typos", "Ask sales", "Update docs", "Close the issue"]));
        var cross = IdOf(await HandoffAsync(server, "beta", "Alpha's login breaks on Safari", toVenture: "alpha", blocked: ["Needs a Mac"]));
        var longSummary = "Long one\n" + string.Join(' ', Enumerable.Repeat("word", 200)) + " TAIL";
        var clipped = IdOf(await HandoffAsync(server, "alpha", longSummary));

        var (status, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha");
        var panel = PanelOf(html, "handoffs");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-refresh-on=\"handoff\"", panel);
        Assert.Contains("Handoffs: 3, newest first.", panel);
        var ownRow = RowOf(panel, own);
        Assert.Contains("<strong>Shipped the pricing page</strong>", ownRow);
        Assert.Contains("The rest of the summary.", ownRow);
        Assert.Contains("<h3>Done (1)</h3>", ownRow);
        Assert.Contains("<h3>Next (6)</h3>", ownRow);
        Assert.Contains("<details><summary>1 more</summary>", ownRow);
        Assert.Contains("<span class=\"status status-done\">done</span>", ownRow);
        Assert.Contains("<time datetime=\"", ownRow);
        Assert.DoesNotContain("cross-venture", ownRow);
        var crossRow = RowOf(panel, cross);
        Assert.Contains("class=\"cross-venture\"", crossRow);
        Assert.Contains("cross-venture: beta → alpha", crossRow);
        Assert.Contains("<h3>Blockers (1)</h3>", crossRow);
        var clippedRow = RowOf(panel, clipped);
        Assert.Contains("<details class=\"rest\"><summary>Show all", clippedRow);
        Assert.Contains("TAIL", clippedRow[clippedRow.IndexOf("<details class=\"rest\">", StringComparison.Ordinal)..]);
        Assert.DoesNotContain("TAIL", clippedRow[..clippedRow.IndexOf("<details class=\"rest\">", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task Context_HandoffWithALongList_CarriesTheFirstFiftyEntriesAndSaysWhereTheRestAre()
    {
        await using var server = await TestServer.StartAsync();
        var id = IdOf(await HandoffAsync(server, "alpha", "Many steps", nextSteps: [.. Enumerable.Range(1, 60).Select(i => $"step-{i}-end")]));

        var (_, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha");
        var row = RowOf(PanelOf(html, "handoffs"), id);

        Assert.Contains("<h3>Next (60)</h3>", row);
        Assert.Contains("<details><summary>55 more</summary>", row);
        Assert.Contains("step-50-end", row);
        Assert.DoesNotContain("step-51-end", row);
        Assert.Contains("showing 50 of 60 entries on this page; all of them: <code>baton handoffs --venture alpha --json</code>", row);
    }

    [Fact]
    public async Task Context_ManyHandoffs_SaysShowingOfTheExactTotal()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 22; i++) await HandoffAsync(server, "alpha", $"Handoff {i}");

        var (_, html) = await GetPageAsync(server.Client(null), "/context");

        Assert.Contains("Handoffs: showing 20 of 22, newest first.", PanelOf(html, "handoffs"));
    }

    [Fact]
    public async Task Context_Alerts_ShowsOpenOnesWithSeverityAndAnUnsafeLinkBecomesHash()
    {
        await using var server = await TestServer.StartAsync();
        var safe = IdOf(await PostOkAsync(server.Admin, "/v1/alerts", new
        {
            Venture = "alpha", Repo = "alpha-console", Workflow = "CI build", Branch = "main", Source = "github", Severity = "high",
            Url = "https://ci.example.com/run/1",
        }));
        var unsafeLink = IdOf(await PostOkAsync(server.Admin, "/v1/alerts", new
        {
            Venture = "alpha", Repo = "alpha-console", Workflow = "Nightly", Branch = "feature", Source = "pingdom", Url = "javascript:alert(1)",
        }));
        await PostOkAsync(server.Admin, "/v1/alerts", new { Venture = "beta", Repo = "beta-api", Workflow = "Beta CI", Branch = "main", Source = "github" });

        var (_, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha");
        var panel = PanelOf(html, "alerts");

        Assert.Contains("data-refresh-on=\"alert\"", panel);
        Assert.Contains("Open alerts: 2, on every branch.", panel);
        var safeRow = RowOf(panel, safe);
        Assert.Contains("<a href=\"https://ci.example.com/run/1\" rel=\"noopener noreferrer\">CI build</a>", safeRow);
        Assert.Contains("<span class=\"status status-high\">high</span>", safeRow);
        Assert.Contains("github", safeRow);
        Assert.Contains("<time datetime=\"", safeRow);
        Assert.Contains("<a href=\"#\" rel=\"noopener noreferrer\">Nightly</a>", RowOf(panel, unsafeLink));
        Assert.DoesNotContain("javascript:", panel);
        Assert.DoesNotContain("Beta CI", panel);
    }

    [Fact]
    public async Task Context_Duties_ShowsOverdueAndDueSoonButNotTheOnesNotDue()
    {
        await using var server = await TestServer.StartAsync();
        var overdue = DutyIdOf(await PostOkAsync(server.Admin, "/v1/cadence", new { Scope = "alpha", Title = "Rotate keys", IntervalDays = 30 }));
        var soon = DutyIdOf(await PostOkAsync(server.Admin, "/v1/cadence", new { Scope = "alpha", Title = "Review spend", IntervalDays = 3 }));
        await PostOkAsync(server.Admin, $"/v1/cadence/{soon}/done", new { });
        var later = DutyIdOf(await PostOkAsync(server.Admin, "/v1/cadence", new { Scope = "alpha", Title = "Yearly audit", IntervalDays = 365 }));
        await PostOkAsync(server.Admin, $"/v1/cadence/{later}/done", new { });

        var (_, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha");
        var panel = PanelOf(html, "duties");

        Assert.Contains("data-refresh-on=\"\"", panel);
        Assert.Contains("Due: 2 (1 overdue) of 3 duties.", panel);
        Assert.Contains("<span class=\"status status-overdue\">overdue</span>", RowOf(panel, overdue));
        Assert.Contains("Rotate keys", RowOf(panel, overdue));
        Assert.Contains("<span class=\"status status-due-soon\">due soon</span>", RowOf(panel, soon));
        Assert.DoesNotContain("Yearly audit", panel);
    }

    [Fact]
    public async Task Context_Search_ShowsNotesAndDocsWithSnippetsAndTheHonestTotal()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 12; i++) await CreateNoteAsync(server.Admin, "alpha", $"Canary note {i}", $"The canary release number {i}.");
        await CreateNoteAsync(server.Admin, "beta", "Beta canary", "Not alpha's.");
        await PutDocOkAsync(server.Admin, "alpha", "deploy", "# Deploy\n\nShip with a canary first.");

        var (_, empty) = await GetPageAsync(server.Client(null), "/context?venture=alpha");
        var (_, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha&q=canary");
        var panel = PanelOf(html, "search");

        Assert.Contains("<p class=\"empty\">Type words to search", PanelOf(empty, "search"));
        Assert.Contains("<h3>Notes (showing 10 of 12)</h3>", panel);
        Assert.Contains("<h3>Docs (1)</h3>", panel);
        Assert.Contains("<mark>canary</mark>", panel);
        Assert.Contains("<code>alpha/deploy</code>", panel);
        Assert.DoesNotContain("Beta canary", panel);
        Assert.Contains("<input type=\"hidden\" name=\"venture\" value=\"alpha\">", panel);
        Assert.Contains("value=\"canary\"", panel);
    }

    [Fact]
    public async Task Context_Briefing_PreviewShowsTheSectionsTheNextSodShowsAndCreatesNoSession()
    {
        await using var server = await TestServer.StartAsync();
        await server.SodAsync(server.Admin, "other-agent");
        await HandoffAsync(server, "alpha", "Shipped the pricing page", nextSteps: ["Announce it"], from: "previewer");
        await HandoffAsync(server, "beta", "Alpha's login breaks", toVenture: "alpha");
        async Task<long> SessionsAsync() =>
            (await TestServer.ReadJsonAsync(await server.Admin.GetAsync("/v1/sessions?venture=alpha", Ct))).GetProperty("total").GetInt64();
        var before = await SessionsAsync();

        var (status, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha&agent=previewer");
        var after = await SessionsAsync();
        var sod = (await server.SodAsync(server.Admin, "previewer")).GetProperty("briefing").GetString()!;

        var panel = PanelOf(html, "briefing");
        var pre = PreText().Match(panel);
        Assert.True(pre.Success, "no <pre class=\"briefing\"> in the panel");
        var preview = WebUtility.HtmlDecode(pre.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before, after);
        Assert.Equal("session handoff note alert task", Regex.Match(panel, "data-refresh-on=\"([^\"]*)\"").Groups[1].Value);
        Assert.Contains("A preview: no session was created.", panel);
        Assert.Contains("- session: none (preview: no session was created) · agent: previewer", preview);
        Assert.Equal(sod[sod.IndexOf("\n## ", StringComparison.Ordinal)..], preview[preview.IndexOf("\n## ", StringComparison.Ordinal)..]);
        Assert.Contains("<code data-copy>baton sod --venture alpha --repo example-org/alpha-console --track main</code> <button type=\"button\" data-copy-target>Copy</button>", panel);
    }

    [Fact]
    public async Task Context_BriefingBudget_IsFittedAndABadBudgetIsSaidInWords()
    {
        await using var server = await TestServer.StartAsync();

        var (_, small) = await GetPageAsync(server.Client(null), "/context?venture=alpha&budget=1000");
        var (_, tiny) = await GetPageAsync(server.Client(null), "/context?venture=alpha&budget=10");
        var (_, word) = await GetPageAsync(server.Client(null), "/context?venture=alpha&budget=lots");
        var (_, none) = await GetPageAsync(server.Client(null), "/context");

        var pre = WebUtility.HtmlDecode(PreText().Match(PanelOf(small, "briefing")).Groups[1].Value);
        Assert.InRange(pre.Length, 1, 1_000);
        Assert.Contains("fitted to 1,000 characters", PanelOf(small, "briefing"));
        Assert.Contains("budget_chars", PanelOf(tiny, "briefing"));
        Assert.Contains("class=\"error\"", PanelOf(tiny, "briefing"));
        Assert.Contains("budget: must be a whole number of characters (got lots).", PanelOf(word, "briefing"));
        Assert.Contains("Choose a venture above", PanelOf(none, "briefing"));
    }

    [Fact]
    public async Task Context_ScopedKey_SeesOnlyItsVentureAndAnotherVentureIs403InWords()
    {
        await using var server = await TestServer.StartAsync();
        await HandoffAsync(server, "alpha", "Alpha work");
        await HandoffAsync(server, "beta", "Beta work");
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");
        var client = server.Client(key);

        var (ownStatus, own) = await GetPageAsync(client, "/context");
        var (otherStatus, other) = await GetPageAsync(client, "/context?venture=alpha");
        using var panel = await client.GetAsync("/panels/briefing?venture=alpha", Ct);
        var panelHtml = await panel.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.Contains("Beta work", own);
        Assert.DoesNotContain("Alpha work", own);
        Assert.DoesNotContain("<option value=\"alpha\"", own);
        Assert.DoesNotContain("All ventures", own);
        Assert.Contains("# Project Beta (beta)", WebUtility.HtmlDecode(PreText().Match(PanelOf(own, "briefing")).Groups[1].Value));
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        Assert.Contains("This key is scoped to venture <code>beta</code> and may not see <code>alpha</code>.", other);
        Assert.DoesNotContain("Alpha work", other);
        Assert.Contains("may not act for &#x27;alpha&#x27;", panelHtml);
        Assert.DoesNotContain("<pre", panelHtml);
    }

    [Fact]
    public async Task Context_UnknownVenture_Is404InWords()
    {
        await using var server = await TestServer.StartAsync();

        var (status, html) = await GetPageAsync(server.Client(null), "/context?venture=nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("There is no venture <code>nope</code>.", html);
    }

    [Fact]
    public async Task Context_Panel_RendersAloneFromTheQuery()
    {
        await using var server = await TestServer.StartAsync();
        var id = IdOf(await HandoffAsync(server, "beta", "Beta work"));
        await HandoffAsync(server, "alpha", "Alpha work");

        using var response = await server.Client(null).GetAsync("/panels/handoffs?venture=beta", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("<section class=\"panel\" id=\"panel-handoffs\"", html.TrimStart());
        Assert.Contains($"<tr data-id=\"{id}\"", html);
        Assert.DoesNotContain("Alpha work", html);
    }

    [Fact]
    public async Task Context_XssPayloadsInEveryUserField_RenderOnlyEscaped()
    {
        await using var server = await TestServer.StartAsync();
        var payload = Script + Breakout;
        await PostOkAsync(server.Admin, "/v1/handoffs", new
        {
            Venture = "alpha", Repo = "alpha-console", FromAgent = "writer", Summary = payload + "\n" + payload, Status = "blocked",
            Accomplished = new[] { payload }, Blocked = new[] { payload }, NextSteps = new[] { payload }, ToAgent = "reader",
        });
        await CreateNoteAsync(server.Admin, "alpha", "xss " + payload, "xss body " + payload);
        await PostOkAsync(server.Admin, "/v1/alerts", new
        {
            Venture = "alpha", Repo = "alpha-console", Workflow = payload, Branch = "main", Source = Script, Url = "javascript:alert(1)",
        });
        await PostOkAsync(server.Admin, "/v1/cadence", new { Scope = "alpha", Title = payload, IntervalDays = 7, Description = payload });
        await PutDocOkAsync(server.Admin, "alpha", "xss", "# Doc\n\nxss content " + payload);

        var (status, html) = await GetPageAsync(server.Client(null), "/context?venture=alpha&q=xss&agent=" + Uri.EscapeDataString("a\"><b>"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("onerror=alert(1)>", html.Replace("onerror=alert(1)&gt;", "", StringComparison.Ordinal));
        // The briefing's text names the alert's link as text inside the <pre>; no link (href) carries it.
        Assert.DoesNotContain("href=\"javascript:", html);
        Assert.DoesNotContain("javascript:", PanelOf(html, "alerts"));
        Assert.DoesNotContain("\"><b>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", PanelOf(html, "handoffs"));
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", PanelOf(html, "handoffs"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", PanelOf(html, "alerts"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", PanelOf(html, "duties"));
        var search = PanelOf(html, "search");
        Assert.Contains("xss &lt;script&gt;alert(1)&lt;/script&gt;", search);
        Assert.Contains("body &lt;script&gt;alert(1)&lt;/script&gt;", search);
        Assert.Contains("content &lt;script&gt;alert(1)&lt;/script&gt;", search);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", PanelOf(html, "briefing"));
    }

    [GeneratedRegex("<pre class=\"briefing\"[^>]*>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex PreText();
}
