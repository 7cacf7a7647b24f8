using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary><c>task_create</c>, <c>tasks</c> and <c>task_status</c>: an agent delegates work and follows it through the queue.</summary>
public sealed class TaskToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task TaskCreate_AfterSod_AddsToTheSessionsVentureCreatedByTheSessionsAgent()
    {
        var sod = (await _mcp.CallAsync("sod", new { agent = "claude-laptop" })).Ok();

        var created = (await _mcp.CallAsync("task_create", new
        {
            capability = "code-review",
            title = "Review feature/login",
            prompt = "Review the branch feature/login against main.",
            payload = new { branch = "feature/login" },
            priority = 6,
        })).Ok();

        var data = created.Data();
        Assert.Equal("alpha", data.GetProperty("venture").GetString());
        Assert.Equal("claude-laptop", data.GetProperty("created_by").GetString());
        Assert.Equal("queued", data.GetProperty("state").GetString());
        Assert.Equal("feature/login", data.GetProperty("payload").GetProperty("branch").GetString());
        Assert.Contains("`task_status`", created.Text());
        Assert.Equal("alpha", sod.Data().GetProperty("sod").GetProperty("session").GetProperty("venture").GetString());
    }

    [Fact]
    public async Task Tasks_QueueWithOneTaken_CountsEveryStateHonestlyAndListsThem()
    {
        var agent = (await _mcp.Services.Agents.RegisterAgentAsync(
            new RegisterAgentRequest("reviewer-1", AgentCli.Claude, [new CapabilityInput("code-review", 0.9)]), TestTimeouts.Token())).Agent;
        for (var i = 0; i < 3; i++)
            (await _mcp.CallAsync("task_create", new { venture = "alpha", capability = i == 0 ? "code-review" : "translate", title = $"Task {i}" })).Ok();
        var taken = await _mcp.Services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(25), TestTimeouts.Token());

        var all = (await _mcp.CallAsync("tasks", new { venture = "alpha", limit = 2 })).Ok();
        var assigned = (await _mcp.CallAsync("tasks", new { venture = "alpha", state = "assigned" })).Ok();

        Assert.NotNull(taken.Task);
        Assert.Equal(3, all.Data().GetProperty("total").GetInt64());
        Assert.Equal("showing 2 of 3", all.Data().GetProperty("count").GetString());
        Assert.Equal(2, all.Data().GetProperty("counts").GetProperty("queued").GetInt64());
        Assert.Equal(1, all.Data().GetProperty("counts").GetProperty("assigned").GetInt64());
        Assert.Contains("## Tasks of alpha (showing 2 of 3)", all.Text());
        Assert.Contains("queued 2 · assigned 1 · running 0", all.Text());
        Assert.Contains("next_cursor", System.Text.Json.JsonSerializer.Serialize(all.Data()));
        Assert.Equal(1, assigned.Data().GetProperty("total").GetInt64());
        Assert.Contains(taken.Task.Id, assigned.Text());
        Assert.Contains($"agent `{agent.Id}`", assigned.Text());
    }

    [Fact]
    public async Task TaskStatus_RunToFailure_ShowsAgentTransitionsAndTheAttemptsError()
    {
        var agent = (await _mcp.Services.Agents.RegisterAgentAsync(
            new RegisterAgentRequest("reviewer-1", AgentCli.Claude, [new CapabilityInput("code-review", 0.9)]), TestTimeouts.Token())).Agent;
        var id = (await _mcp.CallAsync("task_create", new { venture = "alpha", capability = "code-review", title = "Review", max_attempts = 1 })).Ok()
            .Data().GetProperty("id").GetString()!;
        var task = (await _mcp.Services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(25), TestTimeouts.Token())).Task!;
        await _mcp.Services.Tasks.StartTaskAsync(id, new LeaseRequest(task.Epoch), TestTimeouts.Token());
        await _mcp.Services.Tasks.FailTaskAsync(id, new FailTaskRequest(task.Epoch, new ErrorInput("tests_failed", "3 tests fail on main")), TestTimeouts.Token());

        var status = (await _mcp.CallAsync("task_status", new { id })).Ok();

        Assert.Equal("dead", status.Data().GetProperty("task").GetProperty("state").GetString());
        Assert.Contains($"## Task {id}: dead", status.Text());
        Assert.Contains($"Agent: `{agent.Id}`", status.Text());
        Assert.Contains("Error: tests_failed: 3 tests fail on main", status.Text());
        Assert.Contains("queued → assigned by dispatcher", status.Text());
        Assert.Contains($"attempt 1 by `{agent.Id}`: failed (tests_failed: 3 tests fail on main)", status.Text());
        Assert.Equal(1, status.Data().GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task TaskTools_BadArguments_AreRefusedWithWhatToGive()
    {
        var payload = (await _mcp.CallAsync("task_create", new { venture = "alpha", capability = "code-review", title = "Review", payload = new[] { 1, 2 } })).Failed();
        var invalid = (await _mcp.CallAsync("task_create", new { venture = "alpha", capability = "code review", title = "Review", priority = 11 })).Failed();
        var state = (await _mcp.CallAsync("tasks", new { venture = "alpha", state = "quued" })).Failed();
        var unknown = (await _mcp.CallAsync("task_status", new { id = "task_01J00000000000000000000000" })).Failed();

        Assert.Contains("payload must be a JSON object", payload.Text());
        Assert.Equal("validation_failed", invalid.Data().GetProperty("error").GetString());
        Assert.Contains("priority", invalid.Text());
        Assert.Contains("capability", invalid.Text());
        Assert.Contains("state 'quued' is not one of: waiting, queued", state.Text());
        Assert.Equal("task_not_found", unknown.Data().GetProperty("error").GetString());
    }
}
