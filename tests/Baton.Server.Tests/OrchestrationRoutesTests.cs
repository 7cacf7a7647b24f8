using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// The orchestrator over HTTP on a real server: agents register and long-poll, tasks are added, assigned by the
/// dispatcher, started, renewed and finished under their epoch; problems, scopes, idempotency and honest totals as
/// docs/architecture.md §7 says.
/// </summary>
public sealed class OrchestrationRoutesTests
{
    private static async Task<(int Status, JsonElement Json)> PostAsync(HttpClient client, string url, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = TestServer.Json(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> RegisterAsync(HttpClient client, string name, double weight, string? requirement = null)
    {
        var requirements = requirement is null ? "[]" : $"[\"{requirement}\"]";
        var checks = requirement is null ? "[]" : $$"""[{"requirement":"{{requirement}}","command":"argocd app list"}]""";
        var (status, json) = await PostAsync(client, "/v1/agents", $$"""
            {"name":"{{name}}","cli":"claude","max_concurrency":2,
             "capabilities":[{"name":"deploy-service","weight":{{weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"requirements":{{requirements}}}],
             "health_checks":{{checks}}}
            """);
        Assert.True(status is 200 or 201, $"register answered {status}: {json}");
        return json.GetProperty("agent").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> AddTaskAsync(HttpClient client, string venture = "alpha", int priority = 5, string? key = null)
    {
        var (status, json) = await PostAsync(client, "/v1/tasks",
            $$"""{"venture":"{{venture}}","capability":"deploy-service","title":"Deploy api","priority":{{priority}},"payload":{"service":"api"} }""", key);
        Assert.True(status == 201, $"POST /v1/tasks answered {status}: {json}");
        return json;
    }

    private static Task<JsonElement> AssignedAsync(HttpClient client, string taskId) =>
        Eventually.ValueAsync(() => GetAsync(client, $"/v1/tasks/{taskId}"), t => t.GetProperty("state").GetString() == "assigned", $"{taskId} assigned");

    [Fact]
    public async Task RegisterAgent_NewNameIs201_SameNameAgainIs200WithTheSameId()
    {
        await using var server = await TestServer.StartAsync();

        var (created, first) = await PostAsync(server.Admin, "/v1/agents",
            """{"name":"argocd-deployer","cli":"claude","capabilities":[{"name":"deploy-service","weight":0.9}]}""");
        var (updated, second) = await PostAsync(server.Admin, "/v1/agents",
            """{"name":"argocd-deployer","cli":"codex","capabilities":[{"name":"deploy-service","weight":0.5,"preferred":true}]}""");
        var byName = await GetAsync(server.Admin, "/v1/agents/argocd-deployer");

        Assert.Equal((201, 200), (created, updated));
        Assert.Equal(first.GetProperty("agent").GetProperty("id").GetString(), second.GetProperty("agent").GetProperty("id").GetString());
        Assert.Equal("online", byName.GetProperty("status").GetString());
        Assert.Equal("codex", byName.GetProperty("cli").GetString());
        Assert.True(byName.GetProperty("capabilities")[0].GetProperty("preferred").GetBoolean());
        Assert.Equal(1, (await GetAsync(server.Admin, "/v1/agents")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task RegisterAgent_BadFields_Is400NamingEveryOne()
    {
        await using var server = await TestServer.StartAsync();

        var (status, problem) = await PostAsync(server.Admin, "/v1/agents", """
            {"name":"bad name","capabilities":[{"name":"deploy","weight":1.5}],
             "health_checks":[{"requirement":"argocd-healthy","url":"https://x","command":"true"}]}
            """);

        Assert.Equal(400, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "cli", "capabilities[0].weight", "health_checks[0]", "health_checks[0].requirement" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not named in {errors}");
    }

    [Fact]
    public async Task Next_AgentWaiting_IsWokenByTheAssignment_AndTheLeaseRunsToSuccess()
    {
        await using var server = await TestServer.StartAsync();
        var agent = await RegisterAsync(server.Admin, "kubectl-deployer", 0.8);

        var clock = Stopwatch.StartNew();
        var waiting = PostAsync(server.Admin, $"/v1/agents/{agent}/next", """{"wait_seconds":30}""");
        var created = await AddTaskAsync(server.Admin);
        var (nextStatus, next) = await waiting;
        var elapsed = clock.Elapsed;

        Assert.Equal(200, nextStatus);
        var task = next.GetProperty("task");
        var id = task.GetProperty("id").GetString()!;
        Assert.Equal(created.GetProperty("id").GetString(), id);
        Assert.Equal(1, task.GetProperty("epoch").GetInt64());
        Assert.True(elapsed < TimeSpan.FromSeconds(25), $"the long poll took {elapsed}: it waited out its time instead of waking on the assignment");

        var (startStatus, started) = await PostAsync(server.Admin, $"/v1/tasks/{id}/start", """{"epoch":1}""");
        var (renewStatus, renewed) = await PostAsync(server.Admin, $"/v1/tasks/{id}/renew", """{"epoch":1}""");
        var (completeStatus, completed) = await PostAsync(server.Admin, $"/v1/tasks/{id}/complete",
            """{"epoch":1,"result":{"deployed":"v2"},"duration_ms":1200,"usage":{"input_tokens":10,"output_tokens":5,"cost_usd":0.01},"pr_url":"https://github.com/example-org/alpha-console/pull/7"}""");

        Assert.Equal((200, "running", 1), (startStatus, started.GetProperty("state").GetString(), started.GetProperty("attempt").GetInt32()));
        Assert.Equal((200, false), (renewStatus, renewed.GetProperty("cancelled").GetBoolean()));
        Assert.Equal((200, "succeeded"), (completeStatus, completed.GetProperty("state").GetString()));
        Assert.Equal("v2", completed.GetProperty("result").GetProperty("deployed").GetString());
        var explain = await GetAsync(server.Admin, $"/v1/tasks/{id}/explain");
        var card = explain.GetProperty("assignments")[0].GetProperty("cards")[0];
        Assert.Equal((agent, 0.8, true), (card.GetProperty("agent_id").GetString(), card.GetProperty("score").GetDouble(), card.GetProperty("chosen").GetBoolean()));
        var events = await GetAsync(server.Admin, $"/v1/tasks/{id}/events");
        Assert.Equal(["queued", "assigned", "running", "succeeded"], events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("to").GetString()));
        var results = await GetAsync(server.Admin, $"/v1/tasks/{id}/results");
        Assert.Equal(0.01, results.GetProperty("items")[0].GetProperty("usage").GetProperty("cost_usd").GetDouble());
    }

    [Fact]
    public async Task Next_NothingAssigned_AnswersNullTaskAfterTheWait()
    {
        await using var server = await TestServer.StartAsync();
        var agent = await RegisterAsync(server.Admin, "idle", 0.5);

        var (status, json) = await PostAsync(server.Admin, $"/v1/agents/{agent}/next", """{"wait_seconds":0}""");

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("task").ValueKind);
    }

    [Fact]
    public async Task Start_StaleEpoch_Is409LeaseLostProblem_AndChangesNothing()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAsync(server.Admin, "a1", 0.8);
        var id = (await AddTaskAsync(server.Admin)).GetProperty("id").GetString()!;
        await AssignedAsync(server.Admin, id);

        using var response = await server.Admin.PostAsync($"/v1/tasks/{id}/start", TestServer.Json("""{"epoch":2}"""));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("lease_lost", problem.GetProperty("code").GetString());
        Assert.Equal("assigned", (await GetAsync(server.Admin, $"/v1/tasks/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task GetTask_AfterTheLeaseExpired_IsJudgedOnRead_AsATimeout()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        await RegisterAsync(server.Admin, "a1", 0.8);
        var id = (await AddTaskAsync(server.Admin)).GetProperty("id").GetString()!;
        await AssignedAsync(server.Admin, id);
        var (startStatus, _) = await PostAsync(server.Admin, $"/v1/tasks/{id}/start", """{"epoch":1}""");
        Assert.Equal(200, startStatus);

        clock.Advance(TimeSpan.FromSeconds(61));
        var task = await GetAsync(server.Admin, $"/v1/tasks/{id}");
        var (lateStatus, late) = await PostAsync(server.Admin, $"/v1/tasks/{id}/complete", """{"epoch":1}""");

        Assert.Equal(("failed", "timeout"), (task.GetProperty("state").GetString(), task.GetProperty("error").GetProperty("type").GetString()));
        Assert.Equal((409, "lease_lost"), (lateStatus, late.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Cancel_RunningTask_IsDeliveredAtTheNextRenew()
    {
        await using var server = await TestServer.StartAsync();
        await RegisterAsync(server.Admin, "a1", 0.8);
        var id = (await AddTaskAsync(server.Admin)).GetProperty("id").GetString()!;
        await AssignedAsync(server.Admin, id);
        await PostAsync(server.Admin, $"/v1/tasks/{id}/start", """{"epoch":1}""");

        var (cancelStatus, cancel) = await PostAsync(server.Admin, $"/v1/tasks/{id}/cancel", """{"reason":"wrong branch"}""");
        var (_, renew) = await PostAsync(server.Admin, $"/v1/tasks/{id}/renew", """{"epoch":1}""");
        var (againStatus, again) = await PostAsync(server.Admin, $"/v1/tasks/{id}/cancel", "{}");

        Assert.Equal((200, "running", true), (cancelStatus, cancel.GetProperty("state").GetString(), cancel.GetProperty("cancel_requested").GetBoolean()));
        Assert.True(renew.GetProperty("cancelled").GetBoolean());
        Assert.Equal("cancelled", renew.GetProperty("task").GetProperty("state").GetString());
        Assert.Equal((409, "task_state_conflict"), (againStatus, again.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task ReportHealth_Unhealthy_SendsTheNextTaskToTheOtherAgent_AndExplainShowsDependencyHealthZero()
    {
        await using var server = await TestServer.StartAsync();
        var argocd = await RegisterAsync(server.Admin, "argocd-deployer", 0.9, "argocd-healthy");
        var kubectl = await RegisterAsync(server.Admin, "kubectl-deployer", 0.7);

        var (healthStatus, health) = await PostAsync(server.Admin, $"/v1/agents/{argocd}/health", """{"requirement":"argocd-healthy","healthy":false,"detail":"HTTP 503"}""");
        var id = (await AddTaskAsync(server.Admin)).GetProperty("id").GetString()!;
        var assigned = await AssignedAsync(server.Admin, id);
        var cards = (await GetAsync(server.Admin, $"/v1/tasks/{id}/explain")).GetProperty("assignments")[0].GetProperty("cards");

        Assert.Equal((200, "degraded"), (healthStatus, health.GetProperty("status").GetString()));
        Assert.Equal(kubectl, assigned.GetProperty("assigned_agent").GetString());
        var argocdCard = cards.EnumerateArray().Single(c => c.GetProperty("agent_id").GetString() == argocd);
        Assert.Equal((0.0, 0.0), (argocdCard.GetProperty("dependency_health").GetDouble(), argocdCard.GetProperty("score").GetDouble()));
        Assert.Equal("unhealthy", argocdCard.GetProperty("requirements")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task CreateTask_SameIdempotencyKeyTwice_MakesOneTask()
    {
        await using var server = await TestServer.StartAsync();

        var first = await AddTaskAsync(server.Admin, key: "task-key-1");
        var second = await AddTaskAsync(server.Admin, key: "task-key-1");

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(1, (await GetAsync(server.Admin, "/v1/tasks?venture=alpha")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task ListTasks_PagesWithExactTotalCountsAndAForeignCursorIsRefused()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 3; i++) await AddTaskAsync(server.Admin);
        await AddTaskAsync(server.Admin, venture: "beta");

        var page = await GetAsync(server.Admin, "/v1/tasks?venture=alpha&state=queued&limit=2");
        var counts = await GetAsync(server.Admin, "/v1/tasks/counts?venture=alpha");
        using var bad = await server.Admin.GetAsync("/v1/tasks?cursor=sess_01JUNKJUNKJUNKJUNKJUNKJUNK");
        using var badState = await server.Admin.GetAsync("/v1/tasks?state=done");

        Assert.Equal((2, 3L), (page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt64()));
        Assert.Equal(JsonValueKind.String, page.GetProperty("next_cursor").ValueKind);
        Assert.Equal((3L, 3L), (counts.GetProperty("queued").GetInt64(), counts.GetProperty("total").GetInt64()));
        Assert.Equal("invalid_cursor", (await TestServer.ReadJsonAsync(bad)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    [Fact]
    public async Task VentureScopedKey_SeesOnlyItsVenturesTasks_AndAgentKeyCannotDeregister()
    {
        await using var server = await TestServer.StartAsync();
        var alphaTask = (await AddTaskAsync(server.Admin)).GetProperty("id").GetString()!;
        await AddTaskAsync(server.Admin, venture: "beta");
        var agentId = await RegisterAsync(server.Admin, "a1", 0.5);
        var (_, betaKey) = await server.CreateKeyAsync("agent", "beta");
        var beta = server.Client(betaKey);

        using var foreign = await beta.GetAsync($"/v1/tasks/{alphaTask}");
        var listed = await GetAsync(beta, "/v1/tasks");
        var (createStatus, _) = await PostAsync(beta, "/v1/tasks", """{"venture":"alpha","capability":"deploy-service","title":"x"}""");
        using var remove = await beta.DeleteAsync($"/v1/agents/{agentId}");
        using var adminRemove = await server.Admin.DeleteAsync($"/v1/agents/{agentId}");

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(1, listed.GetProperty("total").GetInt64());
        Assert.Equal("beta", listed.GetProperty("items")[0].GetProperty("venture").GetString());
        Assert.Equal(403, createStatus);
        Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminRemove.StatusCode);
    }

    [Fact]
    public async Task CreateTask_UnknownDependencyOrVenture_AreNamed()
    {
        await using var server = await TestServer.StartAsync();

        var (depStatus, dep) = await PostAsync(server.Admin, "/v1/tasks",
            """{"venture":"alpha","capability":"deploy-service","title":"x","depends_on":["task_01JUNKJUNKJUNKJUNKJUNKJUNK"]}""");
        var (ventureStatus, venture) = await PostAsync(server.Admin, "/v1/tasks", """{"venture":"nope","capability":"deploy-service","title":"x"}""");

        Assert.Equal(400, depStatus);
        Assert.True(dep.GetProperty("errors").TryGetProperty("depends_on[0]", out _));
        Assert.Equal((404, "venture_not_found"), (ventureStatus, venture.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task OpenApi_ListsTheAgentAndTaskRoutes()
    {
        await using var server = await TestServer.StartAsync();

        var paths = (await GetAsync(server.Client(null), "/openapi/v1.json")).GetProperty("paths");

        foreach (var route in new[] { "/v1/agents", "/v1/agents/{id}/next", "/v1/tasks", "/v1/tasks/{id}/explain", "/v1/tasks/{id}/renew", "/v1/contexts" })
            Assert.True(paths.TryGetProperty(route, out _), $"{route} missing from the OpenAPI document");
    }
}
