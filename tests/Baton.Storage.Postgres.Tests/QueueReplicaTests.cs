using System.Threading.Channels;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// The queue shared by replicas: two stores on one schema, each with its own connection pool, as two <c>baton serve</c>
/// processes would be. Their dispatch passes, starts and completions race; every task is assigned once per epoch, no
/// agent ever holds more than its max_concurrency, and one claim among many wins.
/// </summary>
public sealed class QueueReplicaTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = Some.T0;
    private static readonly LeaseTimes Times = LeaseTimes.Default;

    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private string? _schema;
    private PostgresBatonStore? _first;
    private PostgresBatonStore? _second;

    private CancellationToken Ct => _timeout.Token;

    private PostgresBatonStore First => _first!;

    private PostgresBatonStore Second => _second!;

    public async Task InitializeAsync()
    {
        (_schema, var connectionString) = await TestDatabase.CreateSchemaAsync(Ct);
        _first = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        _second = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        await Task.WhenAll(_first.InitializeAsync(Ct), _second.InitializeAsync(Ct));
    }

    public async Task DisposeAsync()
    {
        if (_first is not null) await _first.DisposeAsync();
        if (_second is not null) await _second.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
        _timeout.Dispose();
    }

    private static DispatchPass Pass(DateTimeOffset now, int maxTasks = 256) => new(now, Times, ProbeRule.Default, AgentRules.DefaultOfflineAfter, maxTasks);

    private static LeaseCall Call(BatonTask task, DateTimeOffset now) => new(task.Id, task.Epoch, now, "worker-key", Times, new Random(3));

    private PostgresBatonStore Replica(int i) => i % 2 == 0 ? First : Second;

    [Fact]
    public async Task Dispatch_ThirtyTwoClaimersOnTwoReplicas_AssignTheOneTaskExactlyOnce()
    {
        var agents = new List<Agent>();
        for (var i = 0; i < 32; i++) agents.Add((await Replica(i).UpsertAgentAsync(SomeTasks.Agent(T0, weight: 0.5 + i / 100.0), Ct)).Agent);
        var task = await First.InsertTaskAsync(SomeTasks.Task(T0), "creator-key", Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Replica(i).DispatchAsync(Pass(T0.AddMilliseconds(i)), Ct)));

        var winner = Assert.Single(outcomes.SelectMany(o => o.Assignments));
        Assert.Equal((task.Id, agents[^1].Id, 1L), (winner.TaskId, winner.AgentId, winner.Epoch));
        var stored = (await Second.FindTaskOrNullAsync(task.Id, Ct))!;
        Assert.Equal((TaskState.Assigned, 1L, winner.AgentId), (stored.State, stored.Epoch, stored.AssignedAgent));
        Assert.Single(await First.ListTaskEventsAsync(task.Id, Ct), e => e.To == TaskState.Assigned);

        // 32 completions of the one attempt, half on each replica: one result is recorded, the task succeeds once.
        var running = (await First.StartTaskAsync(Call(stored, T0.AddSeconds(1)), Ct)).Task!;
        var outcome = new AttemptOutcome(true, """{"ok":true}""", null, 1000, null, null, null, null);
        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Replica(i).FinishTaskAsync(Call(running, T0.AddSeconds(2)), outcome, Ct)));

        Assert.Equal(TaskState.Succeeded, (await Second.FindTaskOrNullAsync(task.Id, Ct))!.State);
        Assert.Single(await First.ListTaskResultsAsync(task.Id, Ct));
        Assert.Single(await Second.ListTaskEventsAsync(task.Id, Ct), e => e.To == TaskState.Succeeded);
    }

    [Fact]
    public async Task Dispatch_TwoReplicasDrainingOneQueue_AssignEachTaskOnceAndNeverOverAnAgentsConcurrency()
    {
        const int agentCount = 6, maxConcurrency = 2, taskCount = 60;
        var agents = new List<Agent>();
        for (var i = 0; i < agentCount; i++)
            agents.Add((await Replica(i).UpsertAgentAsync(SomeTasks.Agent(T0, weight: 0.5 + i / 20.0, maxConcurrency: maxConcurrency), Ct)).Agent);
        var tasks = new List<BatonTask>();
        for (var i = 0; i < taskCount; i++) tasks.Add(await Replica(i).InsertTaskAsync(SomeTasks.Task(T0.AddMilliseconds(i)), "creator-key", Ct));

        // Rounds: both replicas race dispatch passes (small batches, so passes interleave), then the assigned tasks are
        // started and completed on alternating replicas, which frees the agents for the next round.
        var now = T0.AddSeconds(1);
        var assignments = new List<Assignment>();
        for (var round = 0; round < taskCount && assignments.Count < taskCount; round++)
        {
            now = now.AddMilliseconds(100);
            var passNow = now;
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Replica(i).DispatchAsync(Pass(passNow, maxTasks: 3), Ct)));
            var assigned = outcomes.SelectMany(o => o.Assignments).ToList();
            assignments.AddRange(assigned);

            var open = await First.GetAgentLoadsAsync(agents.Select(a => a.Id).ToList(), Ct);
            Assert.All(open.Values, load => Assert.InRange(load.Running, 0, maxConcurrency));
            Assert.Equal(assigned.Count, open.Values.Sum(l => l.Running));

            await Task.WhenAll(assigned.Select(async (a, i) =>
            {
                var task = (await Replica(i).FindTaskOrNullAsync(a.TaskId, Ct))!;
                var running = (await Replica(i + 1).StartTaskAsync(Call(task, passNow.AddMilliseconds(10)), Ct)).Task!;
                await Replica(i).FinishTaskAsync(Call(running, passNow.AddMilliseconds(20)),
                    new AttemptOutcome(true, """{"ok":true}""", null, 10, null, null, null, null), Ct);
            }));
        }

        Assert.Equal(taskCount, assignments.Count);
        Assert.Equal(taskCount, assignments.Select(a => a.TaskId).Distinct().Count());
        Assert.Equal(taskCount, (await Second.CountTasksAsync(null, Ct)).Succeeded);
        for (var i = 0; i < taskCount; i++)
        {
            Assert.Single(await Replica(i).ListTaskEventsAsync(tasks[i].Id, Ct), e => e.To == TaskState.Assigned);
            Assert.Single(await Replica(i + 1).ListTaskResultsAsync(tasks[i].Id, Ct));
        }
    }

    [Fact]
    public async Task ListenForAssignments_AnotherReplicaAssigns_HearsEachAgentOnceTheAssignmentCommits()
    {
        var heard = Channel.CreateUnbounded<string>();
        // The channel is the database's, not the test schema's: tests running beside this one notify on it too, so only
        // this test's agents are counted (they are known before any pass could assign to them).
        var mine = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await using var listening = await Second.ListenForAssignmentsAsync(agent =>
        {
            if (mine.ContainsKey(agent)) heard.Writer.TryWrite(agent);
        }, Ct);
        var best = (await First.UpsertAgentAsync(SomeTasks.Agent(T0, weight: 0.9, maxConcurrency: 1), Ct)).Agent;
        var other = (await First.UpsertAgentAsync(SomeTasks.Agent(T0, weight: 0.6, maxConcurrency: 5), Ct)).Agent;
        mine[best.Id] = mine[other.Id] = true;
        for (var i = 0; i < 3; i++) await First.InsertTaskAsync(SomeTasks.Task(T0.AddMilliseconds(i)), "creator-key", Ct);

        var outcome = await First.DispatchAsync(Pass(T0.AddSeconds(1)), Ct);

        Assert.Equal(3, outcome.Assignments.Count);
        // One notification per agent a pass assigned to, however many tasks it got.
        var agents = new[] { await heard.Reader.ReadAsync(Ct), await heard.Reader.ReadAsync(Ct) };
        Assert.Equal(new[] { best.Id, other.Id }.Order(), agents.Order());
        Assert.Empty((await First.DispatchAsync(Pass(T0.AddSeconds(2)), Ct)).Assignments);
        await listening.DisposeAsync();
        Assert.False(heard.Reader.TryRead(out var extra), $"heard {extra} after a pass that assigned nothing");
    }
}
