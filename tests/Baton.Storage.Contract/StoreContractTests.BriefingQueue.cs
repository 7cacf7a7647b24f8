using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>The briefing's "Your tasks" part (<see cref="BriefingQueueQuery"/>), read in the briefing's one snapshot.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task ReadBriefingSources_Queue_IsWhatTheOrchestrationPortAnswers()
    {
        var venture = await GivenVentureAsync();
        var now = T0.AddHours(2);
        var agent = await GivenAgentWithTasksAsync(venture, now, maxConcurrency: 3);
        // A page of one, so the assigned list (two tasks) carries a cursor to compare too.
        var query = BriefingQuery(venture, now, fullDocs: false) with { Queue = new BriefingQueueQuery(venture.Code, agent.Name, PageRequest.First(1)) };

        var queue = (await Store.ReadBriefingSourcesAsync(query, Ct)).Queue;

        Assert.Equal(await Store.CountTasksAsync(venture.Code, Ct), queue.Counts);
        Assert.Equal(BriefingJson(await Store.FindAgentByNameOrNullAsync(agent.Name, Ct)), BriefingJson(queue.Agent));
        AssertSamePage(await Store.ListTasksAsync(new TaskQuery(PageRequest.First(1), venture.Code, TaskState.Running, Agent: agent.Id), Ct), queue.Running);
        AssertSamePage(await Store.ListTasksAsync(new TaskQuery(PageRequest.First(1), venture.Code, TaskState.Assigned, Agent: agent.Id), Ct), queue.Assigned);
        // The world is not empty, so the comparisons compared something.
        Assert.Equal((1L, 2L, 1L, 5L), (queue.Running.Total, queue.Assigned.Total, queue.Counts.Queued, queue.Counts.Total));
        Assert.NotNull(queue.Assigned.NextCursor);
    }

    [Fact]
    public async Task ReadBriefingSources_QueueOfAnUnknownOrRemovedAgent_CountsTheVentureAndListsNoTask()
    {
        var venture = await GivenVentureAsync();
        var now = T0.AddHours(2);
        var agent = await GivenAgentWithTasksAsync(venture, now, maxConcurrency: 3);
        var query = BriefingQuery(venture, now, fullDocs: false);

        var unknown = (await Store.ReadBriefingSourcesAsync(query, Ct)).Queue;
        // Removing the agent requeues its assigned tasks; its running one keeps its lease (and its agent) until swept.
        await Store.RemoveAgentAsync(agent.Id, now, "admin-key", Ct);
        var removed = (await Store.ReadBriefingSourcesAsync(query with { Queue = query.Queue with { AgentName = agent.Name } }, Ct)).Queue;

        Assert.Null(unknown.Agent);
        Assert.Equal(5, unknown.Counts.Total);
        Assert.Equal((0L, 0L), (unknown.Running.Total, unknown.Assigned.Total));
        Assert.Equal(agent.Id, removed.Agent!.Id);
        Assert.NotNull(removed.Agent.RemovedAt);
        Assert.Null(removed.RegisteredAgentId);
        Assert.Equal(1, (await Store.ListTasksAsync(new TaskQuery(PageRequest.First(), venture.Code, TaskState.Running, Agent: agent.Id), Ct)).Total);
        Assert.Equal((0L, 0L, 0, 0), (removed.Running.Total, removed.Assigned.Total, removed.Running.Items.Count, removed.Assigned.Items.Count));
        Assert.Equal((1L, 3L), (removed.Counts.Running, removed.Counts.Queued));
    }

    [Fact]
    public async Task ReadBriefingSources_TaskAssignedBetweenItsReads_IsNotInTheQueuePart()
    {
        var venture = await GivenVentureAsync();
        var now = T0.AddHours(2);
        var agent = await GivenAgentWithTasksAsync(venture, now, maxConcurrency: 10);
        var query = BriefingQuery(venture, now, fullDocs: false) with { Queue = new BriefingQueueQuery(venture.Code, agent.Name, PageRequest.First(20)) };
        var before = (await Store.ReadBriefingSourcesAsync(query, Ct)).Queue;

        RunBetweenBriefingReads(async () =>
        {
            await Store.InsertTaskAsync(SomeTasks.Task(now, venture.Code), "creator-key", Ct);
            await Store.DispatchAsync(BriefingPass(now), Ct);
        });
        var during = (await Store.ReadBriefingSourcesAsync(query, Ct)).Queue;
        RunBetweenBriefingReads(null);
        var after = (await Store.ReadBriefingSourcesAsync(query, Ct)).Queue;

        Assert.Equal(before.Counts, during.Counts);
        AssertSamePage(before.Assigned, during.Assigned);
        AssertSamePage(before.Running, during.Running);
        // … and the write did commit: the task added and both queued ones are assigned in the next read.
        Assert.Equal((before.Counts.Total + 1, 0L), (after.Counts.Total, after.Counts.Queued));
        Assert.Equal(before.Assigned.Total + 2, after.Assigned.Total);
    }

    /// <summary>
    /// An agent and five tasks of <paramref name="venture"/>: one running on it, two assigned to it, one left queued
    /// (the agent is registered with a max concurrency of 3 while they are dispatched, then with
    /// <paramref name="maxConcurrency"/>) and one cancelled; plus a task of another venture nobody can take.
    /// </summary>
    private async Task<Agent> GivenAgentWithTasksAsync(Venture venture, DateTimeOffset now, int maxConcurrency)
    {
        var candidate = SomeTasks.Agent(now, maxConcurrency: 3);
        var agent = (await Store.UpsertAgentAsync(candidate, Ct)).Agent;
        var tasks = new List<BatonTask>();
        for (var i = 0; i < 4; i++) tasks.Add(await Store.InsertTaskAsync(SomeTasks.Task(now.AddMilliseconds(i), venture.Code), "creator-key", Ct));
        var cancelled = await Store.InsertTaskAsync(SomeTasks.Task(now, venture.Code), "creator-key", Ct);
        await Store.CancelTaskAsync(cancelled.Id, now, "creator-key", "not needed", Ct);
        await Store.InsertTaskAsync(SomeTasks.Task(now, Some.Name("other"), capability: "review"), "creator-key", Ct);
        await Store.DispatchAsync(BriefingPass(now), Ct);
        var first = (await Store.FindTaskOrNullAsync(tasks[0].Id, Ct))!;
        var start = await Store.StartTaskAsync(new LeaseCall(first.Id, first.Epoch, now, "worker-key", LeaseTimes.Default, new Random(3)), Ct);
        Assert.Equal(LeaseResult.Granted, start.Result);
        if (maxConcurrency != 3) agent = (await Store.UpsertAgentAsync(candidate with { MaxConcurrency = maxConcurrency }, Ct)).Agent;
        return agent;
    }

    private static DispatchPass BriefingPass(DateTimeOffset now) => new(now, LeaseTimes.Default, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256);
}
