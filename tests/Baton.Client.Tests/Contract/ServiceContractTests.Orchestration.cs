using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Client.Tests.Contract;

/// <summary>
/// The orchestrator's services (issue 14) answer the same in both modes: an agent's long poll takes the task the
/// dispatcher assigned, the lease runs to success under its epoch, a stale epoch is <c>lease_lost</c>, and the counts,
/// events, results and score cards read back alike.
/// </summary>
public abstract partial class ServiceContractTests
{
    private static RegisterAgentRequest Reviewer(string name, double weight = 0.8) =>
        new(name, AgentCli.Claude, [new CapabilityInput("code-review", weight)]);

    [Fact]
    public async Task NextTask_AssignedTask_RunsToSuccessAndReadsBackWithItsScoreCard()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var registration = await services.Agents.RegisterAgentAsync(Reviewer(Some.Name("reviewer")), _ct);
        var agent = registration.Agent.Id;

        var created = await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "code-review", "Review my branch",
            Prompt: "Review feature/login.", Payload: new JsonObject { ["branch"] = "feature/login" }), _ct);
        var next = await services.Agents.NextTaskAsync(agent, new NextTaskRequest(25), _ct);
        var task = Assert.IsType<BatonTask>(next.Task);
        var started = await services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);
        var renewed = await services.Tasks.RenewTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);
        var done = await services.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, new JsonObject { ["verdict"] = "approve" },
            DurationMs: 900, Usage: new UsageInput(100, 20, 0.02)), _ct);
        var shown = await services.Tasks.GetTaskAsync(task.Id, _ct);
        var explanation = await services.Tasks.ExplainTaskAsync(task.Id, _ct);
        var events = await services.Tasks.ListTaskEventsAsync(task.Id, _ct);
        var results = await services.Tasks.ListTaskResultsAsync(task.Id, _ct);
        var counts = await services.Tasks.CountTasksAsync("alpha", _ct);
        var list = await services.Tasks.ListTasksAsync(new TaskListRequest("alpha", TaskState.Succeeded), _ct);
        var info = await services.Agents.GetAgentAsync(registration.Agent.Name, _ct);

        Assert.True(registration.Created);
        Assert.Equal(created.Id, task.Id);
        Assert.Equal((1L, agent), (task.Epoch, task.AssignedAgent));
        Assert.Equal(TaskState.Running, started.State);
        Assert.False(renewed.Cancelled);
        Assert.Equal(TaskState.Succeeded, done.State);
        Assert.Equal("""{"verdict":"approve"}""", shown.Result);
        Assert.Equal("""{"branch":"feature/login"}""", shown.Payload);
        var assignment = Assert.Single(explanation.Assignments);
        var card = Assert.Single(assignment.Cards);
        Assert.Equal((agent, 0.8, true), (card.AgentId, card.Score, card.Chosen));
        Assert.Equal([TaskState.Queued, TaskState.Assigned, TaskState.Running, TaskState.Succeeded], events.Items.Select(e => e.To));
        Assert.Equal(0.02, Assert.Single(results.Items).Usage?.CostUsd);
        Assert.Equal((1L, 1L), (counts.Succeeded, counts.Total));
        Assert.Equal(1, list.Total);
        Assert.Equal(agent, info.Id);
        Assert.Equal(AgentStatus.Online, info.Status);
    }

    [Fact]
    public async Task ListResultHistory_FinishedAttempts_ReadBackNewestFirstAndBadRequestsAlike()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = (await services.Agents.RegisterAgentAsync(Reviewer(Some.Name("reviewer")), _ct)).Agent.Id;
        foreach (var success in new[] { true, false })
        {
            await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "code-review", "Review", MaxAttempts: 1), _ct);
            var task = (await services.Agents.NextTaskAsync(agent, new NextTaskRequest(25), _ct)).Task!;
            await services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);
            if (success) await services.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch), _ct);
            else await services.Tasks.FailTaskAsync(task.Id, new FailTaskRequest(task.Epoch, new ErrorInput("tests_failed", "red")), _ct);
        }

        var history = await services.Agents.ListResultHistoryAsync(new ResultHistoryRequest([agent]), _ct);
        var one = await services.Agents.ListResultHistoryAsync(new ResultHistoryRequest([agent], PerCapability: 1), _ct);
        var none = await Assert.ThrowsAsync<BatonException>(() => services.Agents.ListResultHistoryAsync(new ResultHistoryRequest([]), _ct));
        var bad = await Assert.ThrowsAsync<BatonException>(() => services.Agents.ListResultHistoryAsync(new ResultHistoryRequest(["nope"], 101), _ct));

        var item = Assert.Single(history.Items);
        Assert.Equal((agent, "code-review"), (item.AgentId, item.Capability));
        Assert.Equal([false, true], item.Results.Select(r => r.Success));
        Assert.Equal([false], Assert.Single(one.Items).Results.Select(r => r.Success));
        Assert.Equal(ErrorCodes.ValidationFailed, none.Code);
        Assert.Equal(["agent_ids", "per_capability"], bad.Errors!.Keys.Order());
    }

    [Fact]
    public async Task StartTask_StaleEpoch_IsLeaseLostAndChangesNothing()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = (await services.Agents.RegisterAgentAsync(Reviewer(Some.Name("reviewer")), _ct)).Agent.Id;
        await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "code-review", "Review"), _ct);
        var task = (await services.Agents.NextTaskAsync(agent, new NextTaskRequest(25), _ct)).Task!;

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch + 1), _ct));
        var after = await services.Tasks.GetTaskAsync(task.Id, _ct);

        Assert.Equal(ErrorCodes.LeaseLost, error.Code);
        Assert.Equal((TaskState.Assigned, 0), (after.State, after.Attempt));
    }

    [Fact]
    public async Task AgentsAndTasks_PauseResumeCancelRetryAndBadRequests_AnswerAlike()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = (await services.Agents.RegisterAgentAsync(Reviewer(Some.Name("reviewer")), _ct)).Agent;

        var paused = await services.Agents.PauseAgentAsync(agent.Id, new PauseAgentRequest(DateTimeOffset.UtcNow.AddHours(1), "rate limited"), _ct);
        var resumed = await services.Agents.ResumeAgentAsync(agent.Id, _ct);
        var empty = await services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(0), _ct);
        var agents = await services.Agents.ListAgentsAsync(new AgentListRequest(), _ct);
        var queued = await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "nobody-has-this", "Orphan"), _ct);
        var cancelled = await services.Tasks.CancelTaskAsync(queued.Id, new CancelTaskRequest("not needed"), _ct);
        var retried = await services.Tasks.RetryTaskAsync(queued.Id, new RetryTaskRequest(), _ct);
        var bad = await Assert.ThrowsAsync<BatonException>(() => services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", null, "", Priority: 11), _ct));
        var unknown = await Assert.ThrowsAsync<BatonException>(() => services.Tasks.GetTaskAsync("task_01J00000000000000000000000", _ct));
        var removed = await services.Agents.RemoveAgentAsync(agent.Id, _ct);

        Assert.Equal((true, "rate limited"), (paused.Paused, paused.PauseReason));
        Assert.False(resumed.Paused);
        Assert.Null(empty.Task);
        Assert.Equal(1, agents.Total);
        Assert.Equal(TaskState.Cancelled, cancelled.State);
        Assert.Equal(TaskState.Queued, retried.State);
        Assert.Equal(ErrorCodes.ValidationFailed, bad.Code);
        Assert.Equal(["capability", "priority", "title"], bad.Errors!.Keys.Order());
        Assert.Equal(ErrorCodes.TaskNotFound, unknown.Code);
        Assert.NotNull(removed.RemovedAt);
    }
}

public abstract partial class ServiceContractTests
{
    [Fact]
    public async Task Sod_SessionAgentIsARegisteredAgentWithATask_BriefingListsItUnderTheVenturesQueueCounts()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var name = Some.Name("reviewer");
        var agent = (await services.Agents.RegisterAgentAsync(Reviewer(name), _ct)).Agent.Id;
        var task = await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "code-review", "Review feature/login"), _ct);
        await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "translate", "Translate the docs"), _ct);
        Assert.Equal(task.Id, (await services.Agents.NextTaskAsync(agent, new NextTaskRequest(25), _ct)).Task?.Id);

        var mine = await services.Sessions.SodAsync(Sod(name), _ct);
        var stranger = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        var elsewhere = await services.Sessions.SodAsync(Sod(Some.Agent(), "beta", "example-org/beta-web"), _ct);

        Assert.Contains("## Your tasks (1)\nQueue: 1 queued · 0 running · 0 failed · 0 dead · 2 in all\n", mine.Briefing);
        Assert.Contains($"- [assigned] **Review feature/login** · code-review · priority 5 · attempt 0/3 · {task.Id}", mine.Briefing);
        Assert.Contains("## Your tasks (0)", stranger.Briefing);
        Assert.Contains("## Your tasks (0)\nQueue: 1 queued · 0 running · 0 failed · 0 dead · 2 in all\nNone: no agent is registered under this name.\n", stranger.Briefing);
        // No task in the venture and no registered agent: the orchestrator is not in use there, so no section.
        Assert.DoesNotContain("## Your tasks", elsewhere.Briefing);
    }
}
