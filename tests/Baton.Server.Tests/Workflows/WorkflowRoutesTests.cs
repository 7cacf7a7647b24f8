using System.Net;
using System.Text.Json;
using Baton.Core.Workflows;
using Baton.Local.GitHub;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests.Workflows;

/// <summary>
/// The workflow and sprint routes (docs/architecture.md §17) over HTTP: snake_case JSON with states as the diagram names
/// them (<c>IN_PROGRESS</c>), problems per §7 (gh's failure a 502 <c>github_failed</c>), a venture-scoped key kept to
/// its venture, and the diagram as text.
/// </summary>
public sealed class WorkflowRoutesTests : IAsyncLifetime
{
    private const string Repo = "example-org/alpha-console";

    private readonly TempDirectory _temp = new();
    private FakeGitHub _gh = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _gh = new FakeGitHub(Path.Combine(_temp.Path, "bin"));
        _server = await TestServer.StartAsync(github: new GitHubCli(_gh.Path, _temp.Path));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task PostWorkflow_FromIssue_Is201WithLocationAndTheWireShape()
    {
        _gh.AddIssue(Repo, 42, "Add the login page", "Users need to sign in.");

        using var response = await _server.Admin.PostAsync("/v1/workflows",
            TestServer.Json("""{"issue":"example-org/alpha-console#42","max_bounces":3,"human_gates":["validate"]}"""));
        var body = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var w = body.GetProperty("workflow");
        var id = w.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/workflows/{id}", response.Headers.Location?.ToString());
        Assert.Equal("CREATE", w.GetProperty("state").GetString());
        Assert.Equal("alpha", w.GetProperty("venture").GetString());
        Assert.Equal(3, w.GetProperty("max_bounces").GetInt32());
        Assert.Equal("VALIDATE", w.GetProperty("human_gates")[0].GetString());
        Assert.Equal(WorkflowIds.BranchOf(id), w.GetProperty("branch").GetString());
        Assert.Equal(JsonValueKind.Null, w.GetProperty("step_task_id").ValueKind);
        var created = body.GetProperty("events")[0];
        Assert.Equal(JsonValueKind.Null, created.GetProperty("from").ValueKind);
        Assert.Equal("CREATE", created.GetProperty("to").GetString());
        Assert.Equal("created", created.GetProperty("trigger").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("step").ValueKind);
    }

    [Fact]
    public async Task PostWorkflow_Refusals_AreProblemsNamingTheFieldOrGhsMessage()
    {
        _gh.FailNext("issue view", 1, "HTTP 401: Bad credentials (https://api.github.com/graphql)");

        using var gh = await _server.Admin.PostAsync("/v1/workflows", TestServer.Json("""{"issue":"example-org/alpha-console#42"}"""));
        using var form = await _server.Admin.PostAsync("/v1/workflows", TestServer.Json("""{"issue":"alpha-console 42"}"""));
        using var unknown = await _server.Admin.PostAsync("/v1/workflows", TestServer.Json("""{"venture":"alpha","title":"x","max_bounce":1}"""));
        var ghProblem = await TestServer.ReadJsonAsync(gh);
        var formProblem = await TestServer.ReadJsonAsync(form);

        Assert.Equal(HttpStatusCode.BadGateway, gh.StatusCode);
        Assert.Equal("application/problem+json", gh.Content.Headers.ContentType?.MediaType);
        Assert.Equal("github_failed", ghProblem.GetProperty("code").GetString());
        Assert.Contains("Bad credentials", ghProblem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Contains("org/repo#number", formProblem.GetProperty("errors").GetProperty("issue")[0].GetString());
        Assert.Equal("unknown_field", (await TestServer.ReadJsonAsync(unknown)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetListAdvanceReject_ThroughTheGates_AnswerTheWorkflowAsItMoves()
    {
        var id = await StartAsync("alpha", "one");
        await StartAsync("beta", "two");
        await MoveAsync(id, WorkflowState.Review);

        using var list = await _server.Admin.GetAsync("/v1/workflows?state=REVIEW");
        using var listSnake = await _server.Admin.GetAsync("/v1/workflows?state=review&venture=alpha&limit=1");
        using var badState = await _server.Admin.GetAsync("/v1/workflows?state=DONE");
        using var advance = await _server.Admin.PostAsync($"/v1/workflows/{id}/advance", TestServer.Json("""{"reason":"fine"}"""));
        using var again = await _server.Admin.PostAsync($"/v1/workflows/{id}/advance", TestServer.Json("{}"));
        await MoveAsync(id, WorkflowState.Qa);
        using var noReason = await _server.Admin.PostAsync($"/v1/workflows/{id}/reject", TestServer.Json("{}"));
        using var reject = await _server.Admin.PostAsync($"/v1/workflows/{id}/reject", TestServer.Json("""{"reason":"login test red"}"""));
        using var get = await _server.Admin.GetAsync($"/v1/workflows/{id}");
        using var missing = await _server.Admin.GetAsync("/v1/workflows/wf_01JZZZZZZZZZZZZZZZZZZZZZZZ");

        var listed = await TestServer.ReadJsonAsync(list);
        Assert.Equal(1, listed.GetProperty("total").GetInt64());
        Assert.Equal(id, listed.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(1, (await TestServer.ReadJsonAsync(listSnake)).GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("IN_PROGRESS", (await TestServer.ReadJsonAsync(badState)).GetProperty("errors").GetProperty("state")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, advance.StatusCode);
        Assert.Equal("IN_PROGRESS", (await TestServer.ReadJsonAsync(advance)).GetProperty("workflow").GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var conflict = await TestServer.ReadJsonAsync(again);
        Assert.Equal("workflow_state_conflict", conflict.GetProperty("code").GetString());
        Assert.Contains("is IN_PROGRESS", conflict.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        var got = await TestServer.ReadJsonAsync(get);
        Assert.Equal("PLANNING", got.GetProperty("workflow").GetProperty("state").GetString());
        Assert.Equal(1, got.GetProperty("workflow").GetProperty("bounces").GetInt32());
        var last = got.GetProperty("events")[got.GetProperty("events").GetArrayLength() - 1];
        Assert.Equal(("QA", "PLANNING", "tests_failed"), (last.GetProperty("from").GetString(), last.GetProperty("to").GetString(), last.GetProperty("trigger").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("workflow_not_found", (await TestServer.ReadJsonAsync(missing)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetDiagram_IsTheMermaidTableAsText()
    {
        using var response = await _server.Admin.GetAsync("/v1/workflows/diagram");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WorkflowMachine.Mermaid(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Routes_VentureScopedKey_SeeAndActOnlyForItsVenture()
    {
        var alpha = await StartAsync("alpha", "theirs");
        var beta = await StartAsync("beta", "mine");
        var (_, key) = await _server.CreateKeyAsync("agent", "beta");
        var scoped = _server.Client(key);

        using var list = await scoped.GetAsync("/v1/workflows");
        using var get = await scoped.GetAsync($"/v1/workflows/{alpha}");
        using var advance = await scoped.PostAsync($"/v1/workflows/{alpha}/advance", TestServer.Json("{}"));
        using var start = await scoped.PostAsync("/v1/workflows", TestServer.Json("""{"venture":"alpha","title":"x"}"""));
        using var sprints = await scoped.GetAsync("/v1/sprints?venture=alpha");

        var listed = await TestServer.ReadJsonAsync(list);
        Assert.Equal(1, listed.GetProperty("total").GetInt64());
        Assert.Equal(beta, listed.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, advance.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sprints.StatusCode);
    }

    [Fact]
    public async Task SprintRoutes_PlanStartListGet_AnswerWavesAndTheReport()
    {
        _gh.AddIssue(Repo, 12, "Schema", "");
        _gh.AddIssue(Repo, 13, "API", "Depends on #12.");
        _gh.AddIssue(Repo, 20, "Loop A", "Depends on #21.");
        _gh.AddIssue(Repo, 21, "Loop B", "Depends on #20.");

        using var plan = await _server.Admin.PostAsync("/v1/sprints/plan", TestServer.Json("""{"venture":"alpha","issues":[12,13]}"""));
        using var cycle = await _server.Admin.PostAsync("/v1/sprints/plan", TestServer.Json("""{"venture":"alpha","issues":[20,21]}"""));
        using var start = await _server.Admin.PostAsync("/v1/sprints", TestServer.Json("""{"venture":"alpha","issues":[12,13],"mode":"task"}"""));
        var started = await TestServer.ReadJsonAsync(start);
        var id = started.GetProperty("sprint").GetProperty("id").GetString();
        using var list = await _server.Admin.GetAsync("/v1/sprints?venture=alpha");
        using var get = await _server.Admin.GetAsync($"/v1/sprints/{id}");
        using var missing = await _server.Admin.GetAsync("/v1/sprints/spr_01JZZZZZZZZZZZZZZZZZZZZZZZ");
        using var badMode = await _server.Admin.PostAsync("/v1/sprints", TestServer.Json("""{"venture":"alpha","issues":[12],"mode":"fast"}"""));

        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        var waves = (await TestServer.ReadJsonAsync(plan)).GetProperty("waves");
        Assert.Equal(2, waves.GetArrayLength());
        Assert.Equal(13, waves[1][0].GetProperty("number").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Contains("→", (await TestServer.ReadJsonAsync(cycle)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.Equal($"/v1/sprints/{id}", start.Headers.Location?.ToString());
        Assert.Equal("task", started.GetProperty("sprint").GetProperty("mode").GetString());
        Assert.Equal("running", started.GetProperty("sprint").GetProperty("state").GetString());
        Assert.Equal("pending", started.GetProperty("sprint").GetProperty("items")[1].GetProperty("state").GetString());
        Assert.Equal(2, started.GetProperty("report").GetProperty("pending").GetInt32());
        Assert.Equal(1, (await TestServer.ReadJsonAsync(list)).GetProperty("total").GetInt64());
        Assert.Equal(2, (await TestServer.ReadJsonAsync(get)).GetProperty("report").GetProperty("items").GetInt32());
        Assert.Equal("sprint_not_found", (await TestServer.ReadJsonAsync(missing)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badMode.StatusCode);
    }

    [Fact]
    public async Task OpenApi_ListsTheWorkflowAndSprintRoutes()
    {
        using var response = await _server.Admin.GetAsync("/openapi/v1.json");
        var paths = (await TestServer.ReadJsonAsync(response)).GetProperty("paths");

        foreach (var path in new[] { "/v1/workflows", "/v1/workflows/{id}", "/v1/workflows/{id}/advance", "/v1/workflows/{id}/reject", "/v1/workflows/diagram",
                     "/v1/sprints", "/v1/sprints/plan", "/v1/sprints/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }
    }

    private async Task<string> StartAsync(string venture, string title)
    {
        using var response = await _server.Admin.PostAsync("/v1/workflows", TestServer.Json($$"""{"venture":"{{venture}}","title":"{{title}}"}"""));
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("workflow").GetProperty("id").GetString()!;
    }

    /// <summary>Moves the workflow as the engine's versioned update would.</summary>
    private async Task MoveAsync(string id, WorkflowState state)
    {
        var now = (await _server.Store.FindWorkflowOrNullAsync(id, CancellationToken.None))!;
        Assert.True(await _server.Store.UpdateWorkflowAsync(now with { State = state, Version = now.Version + 1 }, now.Version, [], [], CancellationToken.None));
    }
}
