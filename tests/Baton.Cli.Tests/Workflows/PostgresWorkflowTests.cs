using Baton.Cli.Tests.Worker;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;

namespace Baton.Cli.Tests.Workflows;

/// <summary>
/// A workflow on a server whose store is PostgreSQL (the team setup), killed -9 on the way: the versioned saves, the
/// minted step ids and the outbox on the other store. Needs <c>BATON_TEST_PG</c> (.ci/run starts a server and sets it).
/// </summary>
[Collection(WorkflowProcessCollection.Name)]
public sealed class PostgresWorkflowTests
{
    [PostgresFact]
    public async Task Workflow_OnPostgresKilledInReviewAndQa_IsAcceptedWithOneTaskPerStep()
    {
        await using var schema = await TempPostgresSchema.CreateAsync("wf");
        var url = schema.Url;
        await using var scene = await WorkflowScene.StartAsync(postgresUrl: url);
        scene.Script(WorkflowScene.AgentReviewer, (FakeAgentClis.Sleep(2), WorkflowScene.Approve));
        scene.TestsPass(sleepSeconds: 2);
        scene.StartWorker();
        var id = (await scene.StartWorkflowAsync()).Workflow.Id;

        foreach (var state in new[] { WorkflowState.Review, WorkflowState.Qa })
        {
            var seen = await scene.WaitForAsync(id, w => w.Workflow.State >= state, WorkflowMachine.Name(state));
            Assert.Equal(state, seen.Workflow.State);
            await scene.World.KillServerAsync();
            await scene.World.RestartServerAsync();
        }
        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        // Effects the killed server had claimed wait out its claim (75 s): on a store replicas share, a claim
        // cannot be told from a live replica's, so none is released early.
        await scene.WaitForEffectsAsync(id, within: TimeSpan.FromMinutes(3));

        var tasks = await scene.StepTasksAsync(id);
        Assert.Equal(["plan", "review-plan", "code", "qa", "deploy"], tasks.Select(t => t.Capability));
        Assert.All(tasks, t => Assert.Equal(TaskState.Succeeded, t.State));
        Assert.Equal(5, done.Events.Count(e => e.Trigger == "step"));
        Assert.Contains(done.Workflow.PrUrl!, scene.GitHub.Merged);
        Assert.True(scene.GitHub.IsClosed(WorkerWorld.Repo, 42));
    }

}

/// <summary>
/// A fact that needs the PostgreSQL server named by <c>BATON_TEST_PG</c>: reported skipped, with what to set, where it is
/// not set (a laptop without PostgreSQL); CI always sets it, so there it always runs.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "BATON_TEST_PG";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"{Variable} is not set: this test needs a PostgreSQL server (.ci/run starts one and sets it).";
    }
}
