using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

/// <summary>A dispatch pass scores only what can be assigned: capabilities some agent has room for.</summary>
public sealed class TaskDispatchRoomTests
{
    private static readonly DateTimeOffset T = Some.T0;

    private static DispatchSnapshot Snapshot(IReadOnlyList<Agent> agents, Dictionary<string, int> running) =>
        new(agents, new Dictionary<string, IReadOnlyList<HealthResult>>(), running, new HashSet<string>(),
            new Dictionary<(string, string), IReadOnlyList<ResultSample>>(), new Dictionary<string, IReadOnlySet<string>>());

    private static DispatchPass Pass() => new(T, LeaseTimes.Default, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256);

    [Fact]
    public void CapabilitiesWithRoom_OnlyCapabilitiesOfTheQueueThatAnAgentHasRoomFor()
    {
        var full = SomeTasks.Agent(T, capability: "deploy", maxConcurrency: 1);
        var roomy = SomeTasks.Agent(T, capability: "review", maxConcurrency: 2);
        var removed = SomeTasks.Agent(T, capability: "lint") with { RemovedAt = T };
        IReadOnlyList<BatonTask> queue = [SomeTasks.Task(T, capability: "deploy"), SomeTasks.Task(T, capability: "review"),
            SomeTasks.Task(T, capability: "lint"), SomeTasks.Task(T, capability: "nobody")];

        var room = TaskDispatch.CapabilitiesWithRoom(queue, [full, roomy, removed], new Dictionary<string, int> { [full.Id] = 1, [roomy.Id] = 1 });

        Assert.Equal(["review"], room.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_MoreTasksThanRoom_AssignsUpToTheRoom_AndLeavesTheRestWithoutAnAssignment()
    {
        var a = SomeTasks.Agent(T, maxConcurrency: 2);
        var b = SomeTasks.Agent(T, weight: 0.5, maxConcurrency: 1);
        var queue = Enumerable.Range(0, 6).Select(i => SomeTasks.Task(T.AddMilliseconds(i))).ToList();

        var changes = TaskDispatch.Plan(queue, Snapshot([a, b], new Dictionary<string, int> { [a.Id] = 1 }), Pass());

        // a has one slot left, b one: the two oldest tasks, best agent first; the other four are not touched.
        Assert.Equal([(queue[0].Id, a.Id), (queue[1].Id, b.Id)], changes.Select(c => (c.After.Id, c.After.AssignedAgent!)));
    }
}
