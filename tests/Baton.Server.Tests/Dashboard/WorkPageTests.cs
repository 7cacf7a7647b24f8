using System.Net;
using System.Text.Json;
using Baton.Core.Workflows;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// The Work pages on a real server (issue 18): the queue with its filters, honest counts and keyset pages, a task's
/// timeline with the score cards of its assignment, a workflow drawn on its diagram, a sprint's waves, a scoped key
/// kept to its venture, and every user-supplied text rendered inert.
/// </summary>
public sealed class WorkPageTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "\"><img src=x onerror=alert(1)>";
    private const string Xss = Script + Img;

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(o => o.RateLimitPerMinute = 0);

    private static string J(string text) => JsonSerializer.Serialize(text);

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, TestServer.Json(body));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> AddTaskAsync(HttpClient client, string venture, string title = "Deploy api", string capability = "deploy-service",
        string? prompt = null, string payload = """{"service":"api"}""", int maxAttempts = 3)
    {
        var promptField = prompt is null ? "" : $",\"prompt\":{J(prompt)}";
        var json = await PostAsync(client, "/v1/tasks",
            $$"""{"venture":"{{venture}}","capability":"{{capability}}","title":{{J(title)}},"payload":{{payload}},"max_attempts":{{maxAttempts}}{{promptField}}}""");
        return json.GetProperty("id").GetString()!;
    }

    private static async Task<string> RegisterAsync(HttpClient client, string name, double weight)
    {
        var json = await PostAsync(client, "/v1/agents", $$"""
            {"name":"{{name}}","cli":"claude","capabilities":[{"name":"deploy-service","weight":{{weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}]}
            """);
        return json.GetProperty("agent").GetProperty("id").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, string Html)> GetPageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> PageAsync(HttpClient client, string url)
    {
        var (status, html) = await GetPageAsync(client, url);
        Assert.True(status == HttpStatusCode.OK, $"GET {url} answered {(int)status}: {html}");
        return html;
    }

    /// <summary>The task ids of the queue's rows (<c>&lt;tr data-id="task_…"&gt;</c>).</summary>
    private static List<string> Rows(string html, string prefix = "task_") =>
        System.Text.RegularExpressions.Regex.Matches(html, $"<tr data-id=\"({prefix}[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();

    private static void AssertInert(string html)
    {
        Assert.DoesNotContain(Script, html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
    }

    [Fact]
    public async Task Work_TasksInTwoVentures_ListsEveryRowWithExactCounts_AndFiltersNarrowThem()
    {
        await using var server = await StartAsync();
        var alpha1 = await AddTaskAsync(server.Admin, "alpha");
        var alpha2 = await AddTaskAsync(server.Admin, "alpha", capability: "review");
        var beta1 = await AddTaskAsync(server.Admin, "beta");
        await PostAsync(server.Admin, $"/v1/tasks/{alpha2}/cancel", """{"reason":"not needed"}""");

        var all = await PageAsync(server.Admin, "/work");
        var cancelled = await PageAsync(server.Admin, "/work?state=cancelled");
        var beta = await PageAsync(server.Admin, "/work?venture=beta");
        var review = await PageAsync(server.Admin, "/work?capability=review&venture=alpha");

        Assert.Equal(new[] { alpha1, alpha2, beta1 }.Order(), Rows(all).Order());
        Assert.Contains("<p class=\"count\" data-count>3 tasks", all);
        Assert.Contains("<div data-state=\"cancelled\"><dt><a href=\"/work?state=cancelled\"><span class=\"status status-cancelled\">cancelled</span></a></dt><dd>1</dd>", all);
        Assert.Contains("<div data-state=\"total\"><dt>total</dt><dd>3</dd>", all);
        Assert.Contains("data-panel=\"task-counts\"", all);
        Assert.Contains("data-refresh-on=\"workflow\"", all);
        Assert.Equal([alpha2], Rows(cancelled));
        Assert.Equal([beta1], Rows(beta));
        Assert.Contains("<div data-state=\"total\"><dt>total</dt><dd>1</dd>", beta);
        Assert.Equal([alpha2], Rows(review));
        Assert.Contains("<option value=\"beta\" selected>beta</option>", beta);
    }

    [Fact]
    public async Task Work_MoreTasksThanAPage_SaysShowingNOfM_AndTheNextPageLinkKeepsTheFilters()
    {
        await using var server = await StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await AddTaskAsync(server.Admin, "alpha"));
        await AddTaskAsync(server.Admin, "beta");

        var first = await PageAsync(server.Admin, "/work?venture=alpha&limit=2");
        var next = System.Text.RegularExpressions.Regex.Match(first, "<a rel=\"next\" href=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
        var second = await PageAsync(server.Admin, next);
        var none = await PageAsync(server.Admin, "/work?state=dead");

        Assert.Contains("showing 2 of 5 tasks", first);
        Assert.StartsWith("/work?venture=alpha&limit=2&cursor=", next);
        Assert.Contains("showing 2 of 5 tasks", second);
        Assert.Equal(ids.Count, Rows(first).Concat(Rows(second)).Distinct().Count() + 1);
        Assert.Empty(Rows(first).Intersect(Rows(second)));
        Assert.Contains("<p class=\"empty\">No tasks match these filters.</p>", none);
    }

    [Fact]
    public async Task TaskPage_AfterTheDispatcherAssigned_ShowsTheEventsAndEveryCandidatesScoreCard_AndTheFailedAttempt()
    {
        await using var server = await StartAsync();
        var best = await RegisterAsync(server.Admin, "argocd-deployer", 0.9);
        var other = await RegisterAsync(server.Admin, "kubectl-deployer", 0.7);
        var id = await AddTaskAsync(server.Admin, "alpha", maxAttempts: 1);
        await Eventually.ValueAsync(async () => await TestServer.ReadJsonAsync(await server.Admin.GetAsync($"/v1/tasks/{id}")),
            t => t.GetProperty("state").GetString() == "assigned", $"{id} assigned");
        await PostAsync(server.Admin, $"/v1/tasks/{id}/start", """{"epoch":1}""");
        await PostAsync(server.Admin, $"/v1/tasks/{id}/fail",
            """{"epoch":1,"error":{"type":"cli_failed","message":"exit 2"},"duration_ms":1500,"usage":{"input_tokens":120,"output_tokens":30,"cost_usd":0.02},"native_session_id":"sess-native-1"}""");

        var html = await PageAsync(server.Admin, $"/work/tasks/{id}");

        Assert.Contains("data-panel=\"task-timeline\"", html);
        Assert.Contains("<table class=\"score-cards\">", html);
        Assert.Contains($"<tr data-id=\"{best}\" class=\"chosen\"><th scope=\"row\" title=\"{best}\">argocd-deployer</th><td>0.9</td>", html);
        Assert.Contains($"<tr data-id=\"{other}\" class=\"\"><th scope=\"row\" title=\"{other}\">kubectl-deployer</th><td>0.7</td>", html);
        Assert.Contains("<strong class=\"chosen\">chosen</strong>", html);
        foreach (var state in new[] { "queued", "assigned", "running", "dead" })
            Assert.Contains($"→ <span class=\"status status-{state}\">{state}</span>", html);
        Assert.Contains($"<tr data-id=\"{id}-1\"><td>1</td>", html);
        Assert.Contains("<code>cli_failed</code>: <span class=\"pre\">exit 2</span>", html);
        Assert.Contains("<td>120 / 30</td><td>$0.02</td><td>1.5 s</td><td>sess-native-1</td>", html);
        Assert.Contains("<time datetime=\"", html);
    }

    [Fact]
    public async Task TaskPage_UnknownId_Is404InWords_AndAPanelForItSaysSo()
    {
        await using var server = await StartAsync();

        var (status, html) = await GetPageAsync(server.Admin, "/work/tasks/task_01JNOPE");
        var (panelStatus, panel) = await GetPageAsync(server.Admin, "/panels/task?id=task_01JNOPE");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("There is no task &#x27;task_01JNOPE&#x27;.", html);
        Assert.Equal(HttpStatusCode.OK, panelStatus);
        Assert.Contains("There is no task &#x27;task_01JNOPE&#x27;.", panel);
    }

    [Fact]
    public async Task TaskPanel_RefreshedThroughPanelsWithTheIdInTheQuery_RendersTheTask()
    {
        await using var server = await StartAsync();
        var id = await AddTaskAsync(server.Admin, "alpha", title: "Refresh me");

        var panel = await PageAsync(server.Admin, $"/panels/task?id={id}");

        Assert.Contains("data-panel=\"task\"", panel);
        Assert.Contains("<dt>Title</dt><dd>Refresh me</dd>", panel);
    }

    [Fact]
    public async Task Work_ScopedKey_SeesOnlyItsVenturesTasks_AndAnotherVenturesTaskIsRefusedAsTheApiRefusesIt()
    {
        await using var server = await StartAsync();
        var alpha = await AddTaskAsync(server.Admin, "alpha");
        var beta = await AddTaskAsync(server.Admin, "beta");
        var (_, key) = await server.CreateKeyAsync("agent", "alpha");
        var scoped = server.Client(key);

        var work = await PageAsync(scoped, "/work");
        var (otherStatus, other) = await GetPageAsync(scoped, $"/work/tasks/{beta}");
        using var api = await scoped.GetAsync($"/v1/tasks/{beta}");
        var (filterStatus, filtered) = await GetPageAsync(scoped, "/work?venture=beta");

        Assert.Equal([alpha], Rows(work));
        Assert.Contains("<div data-state=\"total\"><dt>total</dt><dd>1</dd>", work);
        Assert.DoesNotContain("<option value=\"beta\"", work);
        Assert.Equal(api.StatusCode, otherStatus);
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        Assert.Contains("scoped to venture &#x27;alpha&#x27;", other);
        Assert.Equal(HttpStatusCode.OK, filterStatus);
        Assert.Empty(Rows(filtered));
        Assert.Contains("scoped to venture &#x27;alpha&#x27;", filtered);
    }

    [Fact]
    public async Task Pages_XssInTitlePromptPayloadReasonsAndErrors_RenderEscaped()
    {
        await using var server = await StartAsync();
        await RegisterAsync(server.Admin, "a1", 0.8);
        var failed = await AddTaskAsync(server.Admin, "alpha", title: Xss, prompt: Xss + new string('p', 300), payload: $$"""{"note":{{J(Xss)}}}""", maxAttempts: 1);
        await Eventually.ValueAsync(async () => await TestServer.ReadJsonAsync(await server.Admin.GetAsync($"/v1/tasks/{failed}")),
            t => t.GetProperty("state").GetString() == "assigned", $"{failed} assigned");
        await PostAsync(server.Admin, $"/v1/tasks/{failed}/start", """{"epoch":1}""");
        await PostAsync(server.Admin, $"/v1/tasks/{failed}/fail", $$"""{"epoch":1,"error":{"type":"cli_failed","message":{{J(Xss)}} } }""");
        var cancelled = await AddTaskAsync(server.Admin, "beta", title: Xss);
        await PostAsync(server.Admin, $"/v1/tasks/{cancelled}/cancel", $$"""{"reason":{{J(Xss)}}}""");

        var work = await PageAsync(server.Admin, "/work");
        var failedPage = await PageAsync(server.Admin, $"/work/tasks/{failed}");
        var cancelledPage = await PageAsync(server.Admin, $"/work/tasks/{cancelled}");

        AssertInert(work);
        AssertInert(failedPage);
        AssertInert(cancelledPage);
        Assert.Contains("&quot;note&quot;: &quot;&lt;script&gt;", failedPage);
        Assert.Contains("<details class=\"clipped\">", failedPage);
        Assert.Contains("<code>cli_failed</code>: <span class=\"pre\">&lt;script&gt;", failedPage);
        Assert.Contains("<p class=\"reason\"><span class=\"pre\">cancelled (&lt;script&gt;alert(1)&lt;/script&gt;", cancelledPage);
    }

    [Fact]
    public async Task TaskPage_ReviewedTask_ShowsTheReviewsVerdictConcernsAndSummary_Escaped()
    {
        await using var server = await StartAsync();
        await PostAsync(server.Admin, "/v1/agents", """{"name":"coder","cli":"claude","capabilities":[{"name":"code","weight":0.9}]}""");
        await PostAsync(server.Admin, "/v1/agents", """{"name":"reviewer","cli":"claude","capabilities":[{"name":"review","weight":0.9}]}""");
        using (var put = await server.Admin.PutAsync("/v1/ventures/alpha", TestServer.Json("""
            {"name":"Project Alpha","org":"example-org","repos":["alpha-console"],"follow_ups":[{"after":"code","create":"review"}]}
            """)))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var code = await AddTaskAsync(server.Admin, "alpha", title: "Add paging", capability: "code");
        await Eventually.ValueAsync(async () => await TestServer.ReadJsonAsync(await server.Admin.GetAsync($"/v1/tasks/{code}")),
            t => t.GetProperty("state").GetString() == "assigned", $"{code} assigned");
        await PostAsync(server.Admin, $"/v1/tasks/{code}/start", """{"epoch":1}""");
        await PostAsync(server.Admin, $"/v1/tasks/{code}/complete", """{"epoch":1,"result":{},"pr_url":"https://github.com/example-org/alpha-console/pull/9"}""");
        var review = (await TestServer.ReadJsonAsync(await server.Admin.GetAsync("/v1/tasks?capability=review"))).GetProperty("items")[0].GetProperty("id").GetString()!;
        await Eventually.ValueAsync(async () => await TestServer.ReadJsonAsync(await server.Admin.GetAsync($"/v1/tasks/{review}")),
            t => t.GetProperty("state").GetString() == "assigned", $"{review} assigned");
        await PostAsync(server.Admin, $"/v1/tasks/{review}/start", """{"epoch":1}""");
        await PostAsync(server.Admin, $"/v1/tasks/{review}/complete",
            $$"""{"epoch":1,"result":{"verdict":"request_changes","concerns":[{{J(Xss)}}],"summary":{{J("Almost. " + Xss)}} } }""");

        var html = await PageAsync(server.Admin, $"/work/tasks/{code}");

        Assert.Contains("<h3>Reviews</h3>", html);
        Assert.Contains($"<tr data-id=\"{review}\"><td><a href=\"/work/tasks/{review}\">", html);
        Assert.Contains("<span class=\"status status-request_changes\">request_changes</span>", html);
        Assert.Contains("<ul><li>&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("<a href=\"https://github.com/example-org/alpha-console/pull/9\" rel=\"noreferrer\">", html);
        AssertInert(html);
    }

    [Fact]
    public async Task WorkflowPage_InReview_DrawsTheDiagramWithReviewCurrentAndThePathTaken_AndXssInert()
    {
        await using var server = await StartAsync();
        var created = await PostAsync(server.Admin, "/v1/workflows", $$"""{"venture":"alpha","title":{{J(Xss)}}}""");
        var id = created.GetProperty("workflow").GetProperty("id").GetString()!;
        var now = (await server.Store.FindWorkflowOrNullAsync(id, CancellationToken.None))!;
        var at = DateTimeOffset.UtcNow;
        Assert.True(await server.Store.UpdateWorkflowAsync(now with { State = WorkflowState.Review, Version = now.Version + 1 }, now.Version,
            [
                new WorkflowEvent(id, 2, at, WorkflowState.Create, WorkflowState.Planning, "start", "workflow", "started", null, null),
                new WorkflowEvent(id, 3, at, WorkflowState.Planning, WorkflowState.Review, "planned", "workflow", Xss, null, Xss),
            ], [], CancellationToken.None));

        var html = await PageAsync(server.Admin, $"/work/workflows/{id}");
        var work = await PageAsync(server.Admin, "/work");
        var (missing, missingHtml) = await GetPageAsync(server.Admin, "/work/workflows/wf_01JNOPE");

        Assert.Contains("<svg class=\"workflow-diagram\" role=\"img\" aria-label=\"Workflow state: REVIEW\"", html);
        Assert.Contains("<g class=\"state current taken\" data-state=\"REVIEW\">", html);
        Assert.Contains("<g class=\"transition taken\" data-from=\"PLANNING\" data-trigger=\"planned\" data-to=\"REVIEW\">", html);
        Assert.Contains("<g class=\"transition\" data-from=\"REVIEW\" data-trigger=\"approved\" data-to=\"IN_PROGRESS\">", html);
        Assert.Contains($"<tr data-id=\"{id}-3\">", html);
        Assert.Contains("data-panel=\"workflow-history\"", html);
        Assert.DoesNotContain("style=", html);
        AssertInert(html);
        Assert.Equal([id], Rows(work, "wf_"));
        AssertInert(work);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("There is no workflow", missingHtml);
    }

    [Fact]
    public async Task SprintPage_TwoWaves_ShowsItemsByWaveWithTheirRunsLinked_AndTheWaveInProgressMarked()
    {
        await using var server = await StartAsync();
        var at = DateTimeOffset.UtcNow;
        const string id = "spr_01JTESTSPRINT";
        await server.Store.InsertSprintAsync(new Sprint(id, "alpha", "example-org/alpha-console", SprintMode.Workflow, SprintState.Running,
            [
                new SprintItem(12, "Login " + Xss, 0, [], SprintItemState.Merged, ["wf_01JFIRST"], "https://github.com/example-org/alpha-console/pull/3", null),
                new SprintItem(13, "Profile", 1, [12], SprintItemState.Running, ["wf_01JSECOND", "wf_01JTHIRD"], null, "retried: " + Xss),
                new SprintItem(14, "Settings", 1, [12], SprintItemState.Pending, [], null, null),
            ], 1, 2, "test", at, at, null, 1), CancellationToken.None);

        var html = await PageAsync(server.Admin, $"/work/sprints/{id}");
        var work = await PageAsync(server.Admin, "/work");

        Assert.Contains("<section class=\"wave\" data-wave=\"1\"", html);
        Assert.Contains("<section class=\"wave current\" data-wave=\"2\"", html);
        Assert.Contains("Wave 2 of 2 <span class=\"status status-running\">in progress</span>", html);
        Assert.Contains($"<tr data-id=\"{id}-13\"><td>#13</td><td>Profile</td><td><span class=\"status status-running\">running</span></td><td>2</td>", html);
        Assert.Contains("<a href=\"/work/workflows/wf_01JTHIRD\">", html);
        Assert.Contains("<p class=\"empty\">No project workflows.</p>", work);
        Assert.Contains($"<tr data-id=\"{id}\">", work);
        Assert.Contains("wave 2 of 2", work);
        AssertInert(html);
    }
}
